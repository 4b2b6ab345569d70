"""``purges sweep`` and ``purges sensitivity``: a design over factors, resumable, on Dask."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

import experiments.figures as figures
import experiments.sensitivity as sensitivity
from experiments.cli.common import output_folder, parse_overrides
from experiments.runner import build_scenario
from experiments.sweep import DESIGNS, Store, SweepError, load_results, prepare, run_tasks


def add_sweep_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by ``sweep`` and ``sensitivity``."""
    p.add_argument("--factor", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a swept input: a parameter or campaign.field, over LOW:HIGH or a "
                        "list V1,V2,... (repeat for each factor)")
    p.add_argument("--samples", type=int, default=16,
                   help="LHS points, Sobol base points (a power of 2) or Morris trajectories")
    p.add_argument("--replicates", type=int, default=2, help="seeds per point (default 2)")
    p.add_argument("--first-seed", type=int, default=1, help="seed of the first replicate")
    p.add_argument("--scenario", help="scenario TOML file (default: the historical one)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a fixed override for every run, e.g. --set n_members=2000")
    p.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto")
    p.add_argument("--workers", type=int, default=None,
                   help="local Dask worker processes (default: one per core)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--serial", action="store_true", help="run in this process, no Dask")
    p.add_argument("--retry-failed", action="store_true",
                   help="run again the runs that failed last time")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def add_parsers(sub) -> None:
    """Register ``purges sweep`` and ``purges sensitivity``."""
    p = sub.add_parser("sweep", help="run a parameter sweep (grid, LHS, Sobol, Morris) into "
                                     "Parquet, resumable, on Dask")
    add_sweep_arguments(p)
    p.add_argument("--design", choices=DESIGNS, default="lhs", help="default lhs")
    p.add_argument("--levels", type=int, default=3, help="grid: values per factor (default 3)")
    p.add_argument("--design-seed", type=int, default=0, help="seed of the design's sampler")
    p.add_argument("--out", required=True, help="output folder (resumes if it exists)")
    p.set_defaults(func=cmd_sweep)
    p = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib)")
    add_sweep_arguments(p)
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument("--outputs", help="comma-separated metric names (default: yearly rates "
                                     "1933/35/37/38, leaders' share 1933/37, records loss)")
    p.add_argument("--design-seed", type=int, default=0)
    p.add_argument("--out", required=True, help="output folder (resumes if it exists)")
    p.set_defaults(func=cmd_sensitivity)


def _prepare(args: argparse.Namespace, design: str, levels: int = 3,
             design_seed: int = 0) -> tuple[Path, list, dict]:
    output_folder(args.out, f"purges {args.command}")  # never another command's folder
    return prepare(args.out, args.factor, design, samples=args.samples, levels=levels,
                   design_seed=design_seed, replicates=args.replicates,
                   first_seed=args.first_seed, scenario=args.scenario,
                   fixed=parse_overrides(args.set), engine=args.engine,
                   tool=f"purges {args.command}")


def execute(args: argparse.Namespace, out: Path, tasks: list) -> dict[str, int]:
    """Run the sweep's remaining tasks into ``out`` with a progress bar."""
    store = Store(out)
    try:
        counts = run_tasks(tasks, store, serial=args.serial, scheduler=args.scheduler,
                           workers=args.workers, retry_failed=args.retry_failed,
                           progress=not args.quiet)
    except KeyboardInterrupt:
        done = sum(1 for t in tasks if t.run_id in store.done)
        print(f"purges: interrupted; {done} of {len(tasks)} runs are saved in {out}. "
              "Run the same command again to resume.", file=sys.stderr)
        raise SystemExit(130) from None
    except OSError as err:
        raise SweepError(f"cannot reach the Dask scheduler {args.scheduler}: {err}") from None
    return counts


def cmd_sweep(args: argparse.Namespace) -> int:
    """``purges sweep``: run a design and store per-run metrics and yearly series."""
    out, tasks, _ = _prepare(args, args.design, args.levels, args.design_seed)
    counts = execute(args, out, tasks)
    if not args.quiet:
        print(f"{counts['total']} distinct runs: {counts['already_done']} already done, "
              f"{counts['run']} run now, {counts['failed']} failed. Results in {out}/ "
              "(runs/, yearly/ as Parquet; design.parquet; manifest.json)")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``purges sensitivity``: Sobol or Morris indices of the key outputs, with a figure."""
    outputs = [o.strip() for o in args.outputs.split(",")] if args.outputs else list(
        sensitivity.DEFAULT_OUTPUTS)
    out, tasks, manifest = _prepare(args, args.method, design_seed=args.design_seed)
    counts = execute(args, out, tasks)
    runs, _ = load_results(out, with_yearly=False)
    unknown = [o for o in outputs if o not in runs.columns]
    if unknown:
        raise SweepError(f"unknown output(s) {', '.join(unknown)}; outputs are the metric "
                         "columns of runs/*.parquet, e.g. rate_1937, leaders_share_1937")
    design = pd.read_parquet(out / "design.parquet")
    mapping = pd.read_parquet(out / "tasks.parquet")
    indices = sensitivity.analyze(args.method, manifest["salib_problem"], design, runs, outputs,
                                  mapping)
    indices.to_csv(out / "indices.csv", index=False)
    built = build_scenario(args.scenario, None, parse_overrides(args.set))
    path = figures.sensitivity_indices(
        indices, args.method, out / "sensitivity.png",
        provenance=figures.Provenance(built.name, "center-periphery, factors varied",
                                      built.parameters.n_members, len(runs),
                                      f"runs ({args.replicates} seed(s) per design point)"))
    (out / "sensitivity.json").write_text(json.dumps({"method": args.method,
                                                      "outputs": outputs}, indent=2) + "\n")
    if not args.quiet:
        key = "ST" if args.method == "sobol" else "mu_star"
        if key in indices:
            table = indices.pivot(index="factor", columns="output", values=key)
            print(f"{key} per factor and output:\n{table.round(3).to_string()}")
        print(f"{counts['run']} runs now, {counts['already_done']} already done. "
              f"Indices in {out / 'indices.csv'}, figure {path}")
    wide = sensitivity.unreliable(indices)
    if len(wide):
        print(f"purges: warning: {len(wide)} of {len(indices)} indices have confidence "
              "intervals wider than the index (e.g. "
              f"{wide.iloc[0]['factor']} on {wide.iloc[0]['output']}); they cannot be told "
              "from zero: raise --samples (or --replicates) before reading them",
              file=sys.stderr)
    return 0
