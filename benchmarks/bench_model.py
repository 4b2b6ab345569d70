"""Benchmark the Mesa reference engine: prints wall times and peak memory.

    .venv/bin/python benchmarks/bench_model.py [--scales 1000 4000 16000] [--seeds 10]

Figures are measured, never asserted: see the README's Performance section for the
numbers on the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import time

from experiments.runner import run_many, simulate
from model import load_scenario


def time_full_run(n_members: int, repeats: int) -> tuple[float, float]:
    """Median wall time of a full 1933-39 run and of one step, at ``n_members``."""
    scenario = load_scenario().with_parameters(n_members=n_members)
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        model = simulate(scenario, seed)
        times.append(time.perf_counter() - start)
    wall = statistics.median(times)
    return wall, wall / model.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 4000, 16000])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'members':>10} {'run (s)':>10} {'step (ms)':>10} {'member-months/s':>16}")
    for n in args.scales:
        wall, step = time_full_run(n, args.repeats)
        print(f"{n:>10} {wall:>10.2f} {1000 * step:>10.1f} {n * 84 / wall:>16,.0f}")
    start = time.perf_counter()
    run_many(None, list(range(1, args.seeds + 1)), progress=False)
    print(f"headline: {args.seeds} seeds at the default scale in "
          f"{time.perf_counter() - start:.1f} s (all cores)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
