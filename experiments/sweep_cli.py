"""The ``purges sweep`` command: a design over factors, replicates, resumable, on Dask."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from experiments.runner import build_scenario
from experiments.sweep import (
    DESIGNS,
    Store,
    SweepError,
    check_corners,
    make_design,
    make_tasks,
    parse_factor,
    run_tasks,
    salib_problem,
    scenario_digest,
    sweep_sha,
    tasks_frame,
    write_manifest,
)


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


def prepare(args: argparse.Namespace, design_name: str, levels: int = 3,
            design_seed: int = 0) -> tuple[Path, list, dict]:
    """Validate the sweep, write its manifest and design; returns (out, tasks, manifest)."""
    from experiments.cli import PACKAGES, _version, code_version, parse_overrides
    from model import engine_class

    factors = [parse_factor(f) for f in args.factor]
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise SweepError("a factor is given twice")
    if args.replicates < 1:
        raise SweepError(f"--replicates must be at least 1, got {args.replicates}")
    fixed = parse_overrides(args.set)
    clash = set(fixed) & set(names)
    if clash:
        raise SweepError(f"{', '.join(sorted(clash))} is both --set and --factor")
    scenario = build_scenario(args.scenario, None, fixed)
    check_corners(scenario, factors)
    design = make_design(factors, design_name, args.samples, levels, design_seed)
    n_members = scenario.parameters.n_members
    if "n_members" in names:
        n_members = int(design["n_members"].max())
    engine = engine_class(args.engine, n_members).engine
    path, sha = scenario_digest(args.scenario)
    version = code_version()
    code = (f"{version.get('git_commit')}{'+dirty' if version.get('git_dirty') else ''}"
            if version.get("git_commit") else f"purges-{version.get('package')}")
    tasks = make_tasks(design, args.replicates, args.first_seed, fixed, path, sha, code, engine)
    spec = {"design": design_name, "factors": [f.__dict__ for f in factors],
            "samples": args.samples, "levels": levels, "design_seed": design_seed,
            "replicates": args.replicates, "first_seed": args.first_seed, "fixed": fixed,
            "scenario_sha256": sha, "code": code, "engine": engine}
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise SweepError(f"cannot create output folder {out}: {err.strerror}") from None
    manifest = {"tool": "purges sweep", "command": sys.argv, **spec,
                "sweep_sha": sweep_sha(spec), "salib_problem": salib_problem(factors),
                "scenario": {"file": path or "packaged historical.toml", "sha256": sha},
                "code_version": version, "n_points": len(design), "n_runs": len(tasks),
                "started_utc": dt.datetime.now(dt.UTC).isoformat(),
                "packages": {name: _version(name) for name in
                             (*PACKAGES, "scipy", "SALib", "dask", "distributed", "pyarrow")}}
    write_manifest(out, manifest)
    for name, frame in (("design", design), ("tasks", tasks_frame(tasks))):
        tmp = out / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, out / f"{name}.parquet")
    return out, tasks, manifest


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
    out, tasks, _ = prepare(args, args.design, args.levels, args.design_seed)
    counts = execute(args, out, tasks)
    if not args.quiet:
        print(f"{counts['total']} distinct runs: {counts['already_done']} already done, "
              f"{counts['run']} run now, {counts['failed']} failed. Results in {out}/ "
              "(runs/, yearly/ as Parquet; design.parquet; manifest.json)")
    return 0


def add_parser(sub) -> None:
    """Register ``purges sweep``."""
    p = sub.add_parser("sweep", help="run a parameter sweep (grid, LHS, Sobol, Morris) into "
                                     "Parquet, resumable, on Dask")
    add_sweep_arguments(p)
    p.add_argument("--design", choices=DESIGNS, default="lhs", help="default lhs")
    p.add_argument("--levels", type=int, default=3, help="grid: values per factor (default 3)")
    p.add_argument("--design-seed", type=int, default=0, help="seed of the design's sampler")
    p.add_argument("--out", required=True, help="output folder (resumes if it exists)")
    p.set_defaults(func=cmd_sweep)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``purges sensitivity``: Sobol or Morris indices of the key outputs, with a figure."""
    import json

    import pandas as pd

    from experiments import sensitivity
    from experiments.sweep import load_results

    outputs = [o.strip() for o in args.outputs.split(",")] if args.outputs else list(
        sensitivity.DEFAULT_OUTPUTS)
    out, tasks, manifest = prepare(args, args.method, design_seed=args.design_seed)
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
    path = sensitivity.figure(indices, args.method, out / "sensitivity.png")
    (out / "sensitivity.json").write_text(json.dumps({"method": args.method,
                                                      "outputs": outputs}, indent=2) + "\n")
    if not args.quiet:
        key = "ST" if args.method == "sobol" else "mu_star"
        if key in indices:
            table = indices.pivot(index="factor", columns="output", values=key)
            print(f"{key} per factor and output:\n{table.round(3).to_string()}")
        print(f"{counts['run']} runs now, {counts['already_done']} already done. "
              f"Indices in {out / 'indices.csv'}, figure {path}")
    return 0


def add_sensitivity_parser(sub) -> None:
    """Register ``purges sensitivity``."""
    p = sub.add_parser("sensitivity", help="Sobol or Morris sensitivity indices (SALib)")
    add_sweep_arguments(p)
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument("--outputs", help="comma-separated metric names (default: yearly rates "
                                     "1933/35/37/38, leaders' share 1933/37, records loss)")
    p.add_argument("--design-seed", type=int, default=0)
    p.add_argument("--out", required=True, help="output folder (resumes if it exists)")
    p.set_defaults(func=cmd_sensitivity)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``purges calibrate``: ABC-SMC on the visible targets, posterior, predictive, params file."""
    import json

    import pandas as pd

    from experiments import calibrate
    from experiments.cli import code_version, parse_overrides
    from experiments.runner import combine, run_many
    from model import engine_class

    factors = [parse_factor(f) for f in args.factor]
    if not factors:
        raise SweepError("calibrate needs at least one --factor NAME=LOW:HIGH (the priors)")
    if args.population < 5 or args.generations < 1:
        raise SweepError("--population must be at least 5 and --generations at least 1")
    fixed = parse_overrides(args.set)
    scenario = build_scenario(args.scenario, args.variant, fixed)
    check_corners(scenario, factors)
    engine = engine_class(args.engine, scenario.parameters.n_members).engine
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    workers = args.workers or os.cpu_count() or 1
    posterior, stats, history = calibrate.calibrate_and_save(
        factors, out, "purges calibrate", population=args.population,
        generations=args.generations, workers=workers, scenario_path=args.scenario,
        fixed=fixed, engine=engine, seed=args.first_seed, variant=args.variant)
    params = out / "calibrated.toml"
    calibrate.posterior_figure(posterior, factors, out / "posterior.png")
    # posterior predictive: runs at posterior means over several seeds
    best = calibrate.posterior_means(stats)
    results = run_many(args.scenario, list(range(1, args.predictive + 1)), {**fixed, **best},
                       processes=workers, progress=not args.quiet, engine=engine,
                       variant=args.variant)
    yearly = combine(results, "yearly")
    yearly.to_csv(out / "predictive_yearly.csv", index=False)
    calibrate.predictive_figure(yearly, out / "predictive.png")
    from experiments.compare import comparison_table

    comparison_table(results).to_csv(out / "predictive_comparison.csv", index=False)
    (out / "manifest.json").write_text(json.dumps({
        "tool": "purges calibrate", "command": sys.argv,
        "factors": [f.__dict__ for f in factors], "fixed": fixed, "engine": engine,
        "variant": args.variant or "center-periphery",
        "population": args.population, "generations": args.generations,
        "targets": [t.__dict__ for t in calibrate.CALIBRATION_TARGETS],
        "observed": calibrate.observed(), "epsilons": history.get_all_populations()[
            "epsilon"].tolist(), "code_version": code_version(),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat()}, indent=2, default=str) + "\n")
    if not args.quiet:
        print(pd.DataFrame(stats).round(4).to_string(index=False))
        print(f"Posterior in {out}/posterior.csv; figures posterior.png, predictive.png; "
              f"calibrated parameters {params} (use: purges run --params {params})")
    return 0


def add_calibrate_parser(sub) -> None:
    """Register ``purges calibrate``."""
    p = sub.add_parser("calibrate", help="ABC-SMC calibration (pyabc) on the visible targets")
    p.add_argument("--factor", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="a calibrated input and its uniform prior (repeat)")
    p.add_argument("--population", type=int, default=100, help="particles per generation")
    p.add_argument("--generations", type=int, default=4, help="ABC-SMC generations")
    p.add_argument("--predictive", type=int, default=10,
                   help="posterior-predictive runs at the posterior means (seeds)")
    p.add_argument("--first-seed", type=int, default=0, help="seed of the ABC sampler")
    p.add_argument("--variant", help="calibrate a named explanation (model.variants)")
    p.add_argument("--scenario", help="scenario TOML file (default: the historical one)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_calibrate)
