"""``purges run``, ``purges scenario``, ``purges parameters`` and ``purges app``."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path

import experiments.citations as citations
import experiments.outputs as outputs
from experiments.cli.common import (
    UsageError,
    add_force,
    check_runs,
    output_folder,
    parse_overrides,
    read_params,
    warn_overlaps,
)
from experiments.recipes import run_historical
from experiments.runner import build_scenario
from experiments.targets import TARGETS
from model.params import Parameters
from model.scenario import default_scenario_path, load_scenario

ROOT = Path(__file__).resolve().parents[2]


def add_parsers(sub) -> None:
    """Register ``run``, ``scenario``, ``app`` and ``parameters``."""
    run = sub.add_parser("run", help="simulate a scenario over several seeds and compare it "
                                     "with the historical record")
    run.add_argument("--scenario", help="scenario TOML file (default: the historical one)")
    run.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    run.add_argument("--first-seed", type=int, default=1, help="first seed (default 1)")
    run.add_argument("--out", default="results", help="output folder (default ./results)")
    add_force(run)
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="override a model parameter, e.g. --set n_members=20000")
    run.add_argument("--processes", type=int, default=None, help="worker processes "
                                                                 "(default: one per core)")
    run.add_argument("--variant", help="a named explanation (model.variants): "
                                       "center-periphery, totalitarian, no-protection, ...")
    run.add_argument("--params", metavar="FILE",
                     help="a parameter file of [overrides] (e.g. calibrated.toml from "
                          "purges calibrate); --set wins over it")
    run.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto",
                     help="arrays (vectorized, fast) or agents (one Mesa agent per member); "
                          "auto: arrays from 1,000 members up")
    run.add_argument("--no-figures", action="store_true", help="write tables only")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    run.set_defaults(func=cmd_run)
    scen = sub.add_parser("scenario", help="print the historical scenario, or copy it to edit")
    scen.add_argument("--copy", metavar="FILE", help="write a copy to FILE")
    scen.set_defaults(func=cmd_scenario)


def add_app_parsers(sub) -> None:
    """Register ``app`` and ``parameters`` (listed after the other commands)."""
    app = sub.add_parser("app", help="the seminar app in the browser (Mesa and Solara)")
    app.add_argument("--host", default="127.0.0.1",
                     help="address to bind (default 127.0.0.1: this computer only)")
    app.add_argument("--port", type=int, default=8765)
    app.set_defaults(func=cmd_app)
    par = sub.add_parser("parameters", help="list the parameters with defaults and sources")
    par.set_defaults(func=cmd_parameters)


def cmd_run(args: argparse.Namespace) -> int:
    """Validate everything, run the seeds, write tables, figures and the manifest."""
    check_runs(args)
    overrides = {**read_params(args.params), **parse_overrides(args.set)}
    # validates the file, the variant and the overrides before any work
    build_scenario(args.scenario, args.variant, overrides)
    warn_overlaps(args.scenario)
    out = output_folder(args.out, "purges run", args.force)
    run = run_historical(out, seeds=args.seeds, first_seed=args.first_seed,
                         scenario=args.scenario, variant=args.variant, overrides=overrides,
                         engine=args.engine, processes=args.processes,
                         with_figures=not args.no_figures, progress=not args.quiet)
    if not args.quiet:
        print_summary(run, out, run.figures)
    return 0


def print_summary(run, out: Path, figures_written: list[Path]) -> None:
    """What was run, the comparison with the record, and where the results are.

    Percentages are printed apart from ratios, with whole labels.
    """
    seeds = run.seeds
    span = f"{seeds[0]}-{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else (
        ", ".join(map(str, seeds)))
    print(f"\nScenario '{run.scenario}', explanation {run.variant}, {run.n_members:,} members, "
          f"{len(seeds)} seed{'s' * (len(seeds) != 1)} ({span}), {run.engine} engine.")
    units = {t.name: outputs.OUTPUTS[t.output].unit for t in TARGETS}
    rows = run.comparison.assign(unit=run.comparison["target"].map(units))
    percent = rows["unit"].str.startswith("%")
    for title, part, fmt in (("Percentages", rows[percent], "{:7.1f}"),
                             ("Ratios and shares", rows[~percent], "{:7.2f}")):
        if not len(part):
            continue
        print(f"\n{title}: book, then the model's mean over seeds [5-95 % band]")
        for _, r in part.iterrows():
            print(f"  {r['description']}\n      book {fmt.format(r['historical'])}   model "
                  f"{fmt.format(r['simulated_mean'])} [{fmt.format(r['simulated_p05']).strip()}, "
                  f"{fmt.format(r['simulated_p95']).strip()}]\n      {r['source']}")
    print(f"\nResults in {out.resolve()}{os.sep}: tables (.csv), manifest.json"
          + (", figures: " + ", ".join(p.name for p in figures_written) if figures_written else ""))


def cmd_scenario(args: argparse.Namespace) -> int:
    """Print the historical scenario, or copy it for editing."""
    source = default_scenario_path()
    if args.copy:
        dest = Path(args.copy)
        if dest.exists():
            raise UsageError(f"{dest} exists; not overwriting it")
        shutil.copyfile(source, dest)
        regions = Path(load_scenario(source).region_map.file)
        beside = dest.parent / regions.name
        if not beside.exists():  # its regions, to edit too (else the packaged file is read)
            shutil.copyfile(regions, beside)
        print(f"copied the historical scenario to {dest} and its regions to {beside}; run it "
              f"with `purges run --scenario {dest}`")
    else:
        print(source.read_text(encoding="utf-8"), end="")
    return 0


def cmd_parameters(args: argparse.Namespace) -> int:
    """List every parameter with its default, range and source."""
    del args
    for row in Parameters.describe():
        print(f"{row['name']} = {row['default']}  [{row['min']}, {row['max']}]\n"
              f"    {citations.humanize(row['source'])}")
        if row["inert"]:
            print(f"    NO EFFECT on the historical calendar: {row['inert']}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    """Start the seminar app with Solara (needs the ``app`` extra: pip install -e .[app])."""
    try:
        import solara  # noqa: F401  (optional: only the app needs it)
    except ImportError:
        raise UsageError("the app needs Solara: run `bash scripts/setup.sh dev` or "
                         "`.venv/bin/pip install -e .[app]`") from None
    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be a port number from 1 to 65535, got {args.port}")
    try:  # a busy or forbidden address ends here, before anything says the app is starting
        with socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET) as probe:
            # as the server binds: a port left in TIME_WAIT by a stopped app is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((args.host, args.port))
    except OSError as err:
        raise UsageError(f"cannot serve the app on {args.host}:{args.port}: "
                         f"{err.strerror or err}") from None
    # a classroom may have no internet: no telemetry calls home, and the JavaScript comes
    # from the installed solara-assets (the server's CDN proxy serves its cache)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
    app = ROOT / "seminar" / "app.py"
    solara_cli = Path(sys.executable).with_name("solara")
    print(f"The seminar app: http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    # this process becomes the Solara server, so Ctrl-C or SIGTERM sent to `purges app`
    # stops the server itself (a child process would be left running on the port)
    os.execv(str(solara_cli), [str(solara_cli), "run", str(app), "--host", args.host,
                               "--port", str(args.port), "--production"])
    return 0  # not reached
