"""Throughput of the fast path for inference: runs per core-second, against a pinned baseline.

    .venv/bin/python benchmarks/bench_throughput.py             # ~3 minutes
    .venv/bin/python benchmarks/bench_throughput.py --runs 40 --rounds 5 --baseline 1ca5066

Prints, on this machine, in one run (issue 13):

* runs per core-second of the array engine at the default scale (4,000 members), whole
  1933-1939 runs, one process (``time.process_time``): seeds in batches
  (:func:`experiments.runner.run_seeds`, as ``purges run``, ``compare`` and ``sweep``
  run them) and one run after another (as a calibration runs them); each run with what
  a sweep records of it (its summary outputs and yearly series, read by a calibration
  too) and, separately, with every table made as a pandas frame (as ``purges run``
  writes them);
* the same for the engine of a pinned earlier commit (``--baseline``, default
  :data:`BASELINE`: the array engine before issue 13), checked out with ``git archive``
  into a temporary folder and run by the same interpreter, and the ratio of the two;
* the limit of this machine: member-months per second of one plain numpy pass (an
  element-wise multiply-add over float arrays of the default size), measured in the same
  run, the floor of an engine making sixty such passes a month, and the engine's share of
  each.

Figures are measured, never asserted; the README quotes them with the machine.
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "1ca5066"  # the array engine as issue 13 found it (README: 0.13-0.23 s a run)
MONTHS = 84  # January 1933 to December 1939
PASSES_A_MONTH = 60  # numpy calls a month of the array engine before issue 13 (issue 13 text)

MEASURE = """
import sys, time
from experiments import runner
from experiments import metrics
from experiments.metrics import summarize, yearly_series
# the sweep's record of a run's yearly series, as each code keeps it (lists since December 7)
yearly = getattr(metrics, "yearly_record", lambda r: yearly_series(r).to_dict(orient="list"))
from experiments.runner import build_scenario, run_once
n, runs, batched, what = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "batched", sys.argv[4]
scenario = build_scenario(None, None, {"n_members": n})
seeds = list(range(1, runs + 1))

def use(results):  # what a caller takes from each run
    for r in results:
        if what == "tables":  # every table as a pandas frame (purges run, compare)
            r.monthly, r.yearly, r.expulsions, r.operations, r.regions
        else:  # what a sweep records of a run, and a calibration's targets among it
            summarize(r), yearly(r)

if batched:  # seeds in batches, as purges run, compare and sweep run them
    use(runner.run_seeds(scenario, [10_000, 10_001], "arrays"))  # warm-up
    start = time.process_time()
    use(runner.run_seeds(scenario, seeds, "arrays"))
else:  # one run after another, as a calibration runs them
    use([run_once(scenario, 10_000, "arrays")])  # warm-up: imports, caches, compiled kernels
    start = time.process_time()
    for seed in seeds:
        use([run_once(scenario, seed, "arrays")])
print(runs / (time.process_time() - start))
"""


def batch_runs() -> int:
    """This code's largest batch of runs (experiments.runner.BATCH_RUNS)."""
    from experiments.runner import BATCH_RUNS

    return BATCH_RUNS


def runs_per_core_second(source: Path, n_members: int, runs: int, batched: bool = False,
                         what: str = "tables") -> float:
    """Whole runs per second of CPU time, using the code in ``source``.

    ``what`` the caller takes from each run: ``"tables"`` (every table as a pandas frame)
    or ``"summary"`` (a sweep's record: the summary outputs and the yearly series).
    """
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(n_members), str(runs),
                           "batched" if batched else "alone", what],
                          cwd=source, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def numpy_pass_rate(n: int, repeats: int = 20_000) -> float:
    """Member-months per second of one plain numpy pass over ``n`` elements (a month each)."""
    a, b, c = (np.random.default_rng(0).random(n) for _ in range(3))
    out = np.empty(n)
    start = time.process_time()
    for _ in range(repeats):
        np.multiply(a, b, out=out)
        np.add(out, c, out=out)
    return n * repeats / ((time.process_time() - start) / 2)


def checkout(commit: str, into: Path) -> Path:
    """The files of ``commit`` (``git archive``) in ``into``."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (default: one full batch, BATCH_RUNS)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--members", type=int, default=4000)
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare with")
    args = parser.parse_args()
    args.runs = args.runs or batch_runs()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.platform()}")
    n, months = args.members, MONTHS
    # the machine is shared and noisy: alternate the measurements, keep the best of each
    ways = {(code, batched, what): [] for what in ("tables", "summary")
            for code, batched in (("now", True), ("now", False), ("before", False))}
    with tempfile.TemporaryDirectory() as tmp:
        baseline = checkout(args.baseline, Path(tmp))
        for _ in range(args.rounds):
            for (code, batched, what), rates in ways.items():
                rates.append(runs_per_core_second(ROOT if code == "now" else baseline, n,
                                                  args.runs, batched, what))
    best = {key: max(rates) for key, rates in ways.items()}
    print(f"\narray engine at {n:,} members, whole 1933-1939 runs, one process "
          f"(best of {args.rounds} alternating rounds of {args.runs} runs), runs per "
          "core-second (ms a run):")
    for what, words in (("summary", "with a sweep's record of each run (summary outputs, "
                                    "yearly series; a calibration reads its targets from it)"),
                        ("tables", "with every table as a pandas frame (purges run, compare)")):
        batch, now, before = (best[("now", True, what)], best[("now", False, what)],
                              best[("before", False, what)])
        print(f"  {words}:")
        print(f"    this code, batched:  {batch:7.2f} ({1000 / batch:6.1f} ms; seeds of one "
              f"scenario in batches of up to {batch_runs()})")
        print(f"    this code, alone:    {now:7.2f} ({1000 / now:6.1f} ms)")
        print(f"    baseline {args.baseline}:  {before:7.2f} ({1000 / before:6.1f} ms)")
        print(f"    ratio:               {batch / before:7.2f}x batched, {now / before:.2f}x "
              "alone (goal: 10x)")
    batch = best[("now", True, "summary")]
    now = batch
    limit = numpy_pass_rate(n)
    engine = now * n * months
    floor = limit / PASSES_A_MONTH
    print(f"\nthe machine's limit, measured now: one numpy pass over {n:,} elements runs at "
          f"{limit / 1e6:,.0f} million member-months per core-second")
    print(f"  the engine (batched): {engine / 1e6:10.2f} million member-months per core-second "
          f"= {100 * engine / limit:.2f} % of one pass a month")
    print(f"  sixty passes a month: {floor / 1e6:10.2f} million member-months per core-second "
          f"(the engine is at {100 * engine / floor:.0f} % of that floor)")


if __name__ == "__main__":
    main()
