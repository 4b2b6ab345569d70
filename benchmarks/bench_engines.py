"""Benchmark both engines: run times, per-step times, their ratio, and the 1:1 run.

    .venv/bin/python benchmarks/bench_engines.py            # everything (a few minutes)
    .venv/bin/python benchmarks/bench_engines.py --quick    # skip the 1:1 run

Prints, on this machine: the time per monthly step of both engines at several scales
and their ratio; the default-scale run time; the 10-seed headline run; and wall time and
peak memory of the historical scenario at 1:1 scale (3.5 million members and
candidates, early 1933) on the array engine. Figures are measured, never asserted; the
README quotes them with the machine they came from.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

from model import ENGINES, Parameters

FULL_SCALE = 3_500_000  # members and candidates, early 1933 (model-notes; L619)
GOALS = {"full_scale_s": 60.0, "full_scale_gb": 4.0, "speedup": 50.0, "default_s": 1.0}


def run_time(engine: str, n_members: int, repeats: int) -> tuple[float, int]:
    """Median wall time of a whole 1933-39 run (build included), and its number of steps."""
    times, steps = [], 0
    for seed in range(1, repeats + 1):
        start = time.perf_counter()
        model = ENGINES[engine](rng=seed, n_members=n_members)
        while not model.finished:
            model.step()
        times.append(time.perf_counter() - start)
        steps = model.steps
    return statistics.median(times), steps


FULL_RUN = """
import resource, sys, time
from model import ArrayPurgeModel
from model.reporters import yearly_table
start = time.perf_counter()
model = ArrayPurgeModel(rng=1, n_members={n})
built = time.perf_counter()
while not model.finished:
    model.step()
yearly = yearly_table(model)
print(f"{{built - start:.2f}} {{time.perf_counter() - start:.2f}} "
      f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}}")
print(yearly[["year", "members_start", "expelled", "expulsion_rate_pct"]].round(2)
      .to_string(index=False), file=sys.stderr)
"""


def full_scale(n_members: int) -> tuple[float, float, float]:
    """Build time, total wall time and peak memory (MB) of one run, in a fresh process."""
    done = subprocess.run([sys.executable, "-c", FULL_RUN.format(n=n_members)],
                          capture_output=True, text=True, check=True)
    print(done.stderr.rstrip())
    build, wall, peak = (float(x) for x in done.stdout.split())
    return build, wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[4000, 16000, 64000, 128000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the 1:1 run")
    args = parser.parse_args()
    default = Parameters().n_members
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.platform()}")

    print("\nwhole 1933-1939 run (84 monthly steps), build included, median of "
          f"{args.repeats} seeds (one seed for the agents engine above 20,000)")
    print(f"{'members':>9} {'agents s':>9} {'arrays s':>9} {'agents ms/step':>15} "
          f"{'arrays ms/step':>15} {'ratio':>7}")
    ratios = {}
    for n in args.scales:
        agents, steps = run_time("agents", n, 1 if n > 20_000 else args.repeats)
        arrays, _ = run_time("arrays", n, args.repeats)
        ratios[n] = agents / arrays
        print(f"{n:>9,} {agents:>9.2f} {arrays:>9.2f} {1000 * agents / steps:>15.1f} "
              f"{1000 * arrays / steps:>15.1f} {ratios[n]:>6.0f}x")

    default_time, _ = run_time("arrays", default, args.repeats)
    print(f"\ndefault scale ({default:,} members), array engine: {default_time:.2f} s per run")

    from experiments.runner import run_many

    start = time.perf_counter()
    run_many(None, list(range(1, 11)), progress=False)
    print(f"headline: 10 seeds at the default scale with their tables, all cores: "
          f"{time.perf_counter() - start:.1f} s")

    full = None
    if not args.quick:
        print(f"\n1:1 scale ({FULL_SCALE:,} members), array engine, one seed:")
        full = full_scale(FULL_SCALE)
        print(f"build {full[0]:.1f} s, whole run {full[1]:.1f} s, peak memory "
              f"{full[2] / 1024:.2f} GB")

    print("\ngoals (issue 3):")
    best = max(ratios, key=ratios.get)
    print(f"  arrays >= {GOALS['speedup']:.0f}x agents at a scale both run: "
          f"{ratios[best]:.0f}x at {best:,} -> "
          f"{'met' if ratios[best] >= GOALS['speedup'] else 'MISSED'}")
    print(f"  default scale < {GOALS['default_s']:.0f} s: {default_time:.2f} s -> "
          f"{'met' if default_time < GOALS['default_s'] else 'MISSED'}")
    if full:
        print(f"  1:1 < {GOALS['full_scale_s']:.0f} s: {full[1]:.1f} s -> "
              f"{'met' if full[1] < GOALS['full_scale_s'] else 'MISSED'}")
        print(f"  1:1 < {GOALS['full_scale_gb']:.0f} GB: {full[2] / 1024:.2f} GB -> "
              f"{'met' if full[2] / 1024 < GOALS['full_scale_gb'] else 'MISSED'}")


if __name__ == "__main__":
    main()
