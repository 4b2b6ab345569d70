"""Benchmark calibration: one ABC-SMC calibration of one explanation at the default scale.

    .venv/bin/python benchmarks/bench_calibration.py                      # 1,000 x 6 (issue 13)
    .venv/bin/python benchmarks/bench_calibration.py --population 100 --generations 3

Runs :func:`experiments.calibration.run_abc` (pyabc, multicore evaluation sampler on every
core) on the historical scenario with two calibrated factors, and prints the wall time,
the number of model runs pyabc asked for and the time per run. Figures are measured on
this machine, never asserted; the README quotes them.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from experiments.calibration import run_abc
from experiments.sweep import parse_factor

FACTORS = ("protection_strength=0:1", "chistka.intensity=0.8:1.4")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--population", type=int, default=1000)
    parser.add_argument("--generations", type=int, default=6)
    parser.add_argument("--members", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.platform()}")
    factors = [parse_factor(f) for f in FACTORS]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        _, history = run_abc(factors, Path(tmp), population=args.population,
                             generations=args.generations, workers=args.workers,
                             scenario_path=None, fixed={"n_members": args.members},
                             engine="arrays")
        wall = time.perf_counter() - start
        runs = int(history.total_nr_simulations)
        generations = history.max_t + 1
    print(f"ABC-SMC, {args.population:,} particles x {generations} generations, "
          f"{args.members:,} members, {args.workers} worker processes:")
    print(f"  wall time:  {wall:8.0f} s ({wall / 60:.1f} min; goal for 1,000 x 6: under 10 min)")
    print(f"  model runs: {runs:8,d} ({runs / (args.population * generations):.1f} per "
          f"accepted particle)")
    print(f"  per run:    {1000 * wall * args.workers / runs:8.1f} ms of a core")


if __name__ == "__main__":
    main()
