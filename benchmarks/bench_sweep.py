"""Benchmark sweeps: a 1,000-run sweep at the default scale, and the speed-up with Dask workers.

    .venv/bin/python benchmarks/bench_sweep.py            # 1,000 runs + speed-up (~6 min)
    .venv/bin/python benchmarks/bench_sweep.py --runs 200

Prints wall times measured on this machine (never asserted); the README quotes them.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sweep(out: Path, runs: int, extra: list[str]) -> float:
    """Wall time of ``purges sweep`` (an LHS over two factors, 2 replicates) with ``extra``."""
    args = [sys.executable, "-m", "experiments.cli", "sweep", "--factor",
            "protection_strength=0:1", "--factor", "chistka.intensity=0.8:1.4",
            "--samples", str(runs // 2), "--replicates", "2", "--out", str(out), "--quiet",
            *extra]
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--speedup-runs", type=int, default=200)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wall = sweep(tmp / "big", args.runs, [])
        print(f"{args.runs} runs at the default scale, local Dask cluster ({cores} workers): "
              f"{wall:.0f} s ({wall / 60:.1f} min; goal 10 min) -> "
              f"{'met' if wall < 600 else 'MISSED'}")
        print(f"\nspeed-up, {args.speedup_runs} runs (cluster start-up included):")
        base = None
        for label, extra in [("serial (no Dask)", ["--serial"]),
                             *[(f"{n} Dask worker{'s' * (n > 1)}", ["--workers", str(n)])
                               for n in sorted({1, 2, cores})]]:
            t = sweep(tmp / label.replace(" ", "_"), args.speedup_runs, extra)
            base = base or t
            print(f"  {label:>18}: {t:6.1f} s  speed-up {base / t:4.2f}x")


if __name__ == "__main__":
    main()
