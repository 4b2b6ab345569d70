"""Code style: ruff (pyflakes, pycodestyle, Google docstrings) over the project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (bash scripts/setup.sh dev installs it)")
    proc = subprocess.run([ruff, "check", "model", "experiments", "seminar", "tests", "benchmarks",
                           "scripts"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
