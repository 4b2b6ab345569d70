"""Benchmark sweeps: a 1,000-run sweep at the default scale, and the speed-up with Dask workers.

    .venv/bin/python benchmarks/bench_sweep.py            # 2 x 1,000 runs + speed-up (~5 min)
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


def sweep(out: Path, runs: int, extra: list[str], replicates: int = 2) -> float:
    """Wall time of ``purges sweep`` (an LHS over two factors) with ``extra``."""
    args = [sys.executable, "-m", "experiments.cli", "sweep", "--factor",
            "protection_strength=0:1", "--factor", "chistka.intensity=0.8:1.4",
            "--samples", str(runs // replicates), "--replicates", str(replicates),
            "--out", str(out), "--quiet", *extra]
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--speedup-runs", type=int, default=200,
                        help="runs of the speed-up comparison (0: skip it)")
    args = parser.parse_args()
    if args.runs < 2 or args.speedup_runs < 0:
        parser.error("--runs must be at least 2 and --speedup-runs at least 0")
    cores = os.cpu_count() or 1
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{args.runs:,} runs at the default scale (4,000 members), local Dask cluster "
              f"({cores} workers), cluster start-up included (goal: under 20 s):")
        for replicates in (r for r in (2, 10) if args.runs >= r):
            wall = sweep(tmp / f"big{replicates}", args.runs, [], replicates)
            print(f"  {args.runs // replicates:4d} points x {replicates:2d} replicates: "
                  f"{wall:6.1f} s ({args.runs / wall:5.1f} runs a second; the replicates of a "
                  "point run in one batch)")
        if not args.speedup_runs:
            return
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
