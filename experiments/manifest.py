"""The manifest of a command's output folder: what is needed to reproduce it.

Every command that writes results (``purges run``, ``compare``, ``sweep``,
``sensitivity``, ``calibrate``) records, in ``manifest.json``, the command line, the
parameters or overrides, the seeds, the code version (git commit, and whether the work
tree was modified) and the versions of Python and the packages. :func:`build` assembles
one; :func:`write` writes it (atomically).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("mesa", "numpy", "pandas", "matplotlib", "networkx", "tqdm")
SWEEP_PACKAGES = (*PACKAGES, "scipy", "SALib", "dask", "distributed", "pyarrow")
CALIBRATION_PACKAGES = (*PACKAGES, "scipy", "pyabc")


def package_version(name: str) -> str | None:
    """The installed version of a package (None if it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def code_version() -> dict:
    """The git commit of the code (and whether the work tree was modified), if known."""
    root = Path(__file__).resolve().parents[1]
    info = {"package": package_version("purges")}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout
        info.update({"git_commit": commit, "git_dirty": bool(dirty.strip())})
    except (OSError, subprocess.SubprocessError):
        info["git_commit"] = None
    return info


def now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


def build(tool: str, *, started: dt.datetime | None = None, finished: bool = True,
          packages: tuple[str, ...] = PACKAGES, version: dict | None = None,
          **fields: Any) -> dict[str, Any]:
    """A manifest: the tool, the command line, times, ``fields``, code and package versions.

    ``fields`` carry what the command ran: parameters or overrides, seeds, scenario,
    engine, variant, ... (JSON-serialisable, or turned into strings). ``version`` is the
    :func:`code_version` if the caller has it already; ``finished=False`` for a manifest
    written before the work (a sweep's).
    """
    record: dict[str, Any] = {"tool": tool, "command": sys.argv}
    if started is not None:
        record["started_utc"] = started.isoformat()
    if finished:
        record["finished_utc"] = now().isoformat()
    record.update(fields)
    record.update({"code_version": version or code_version(), "python": sys.version.split()[0],
                   "platform": platform.platform(),
                   "packages": {name: package_version(name) for name in packages}})
    return record


def write(out: str | Path, record: dict[str, Any]) -> Path:
    """Write ``record`` as ``out/manifest.json`` (a temporary file renamed: atomic)."""
    path = Path(out) / "manifest.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2, default=str) + "\n")
    os.replace(tmp, path)
    return path


def read(out: str | Path) -> dict[str, Any]:
    """The manifest of a folder (FileNotFoundError if there is none)."""
    return json.loads((Path(out) / "manifest.json").read_text())
