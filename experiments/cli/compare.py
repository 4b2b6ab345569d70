"""``purges compare`` and ``purges report``: rival explanations on one engine and one record."""

from __future__ import annotations

import argparse

import experiments.scorecard as scorecard
from experiments.cli.common import (
    UsageError,
    add_force,
    check_runs,
    output_folder,
    parse_overrides,
    read_params,
    warn_overlaps,
)
from experiments.recipes import DEFAULT_VARIANTS, compare
from experiments.report import write_report
from experiments.runner import build_scenario


def add_parsers(sub) -> None:
    """Register ``purges compare`` and ``purges report``."""
    p = sub.add_parser("compare", help="run the rival explanations and score them against "
                                       "the record")
    p.add_argument("--variants", help="comma-separated (default: center-periphery, "
                                      "totalitarian and the five ablations)")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--scenario", help="scenario TOML file (default: the historical one); "
                   "its first variant is also set against the historical scenario")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--params", action="append", default=[], metavar="VARIANT=FILE",
                   help="calibrated parameters for a variant (from purges calibrate "
                        "--variant VARIANT)")
    p.add_argument("--calibrate", action="store_true",
                   help="calibrate every variant (ABC-SMC) on the same visible targets and "
                        "priors before comparing; --params wins for a variant")
    p.add_argument("--calibrate-factor", action="append", default=[], metavar="NAME=LOW:HIGH",
                   help="priors for --calibrate (default: chistka, proverka and 1937 "
                        "intensities)")
    p.add_argument("--population", type=int, default=40, help="--calibrate: particles")
    p.add_argument("--generations", type=int, default=3, help="--calibrate: generations")
    p.add_argument("--table-3-2", choices=tuple(scorecard.TABLE_3_2_READINGS),
                   default=scorecard.DEFAULT_READING,
                   help="how to read the 71 checked statements of Table 3.2 without a "
                        "result: outside the 323 supported (no_result, L861) or disregarded "
                        "among them (disregarded, L874)")
    p.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto")
    p.add_argument("--processes", type=int, default=None)
    p.add_argument("--out", default="compare", help="output folder (default ./compare)")
    add_force(p)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_compare)
    r = sub.add_parser("report", help="an HTML report of a purges compare folder")
    r.add_argument("--from", dest="source", default="compare", help="the compare folder")
    r.add_argument("--out", help="HTML file (default: FOLDER/report.html)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_report)


def cmd_compare(args: argparse.Namespace) -> int:
    """Run each variant over the seeds; write the scorecard, tables and figures."""
    check_runs(args)
    names = args.variants.split(",") if args.variants else list(DEFAULT_VARIANTS)
    for name in names:
        build_scenario(args.scenario, name)  # one-line error for a bad name
    fixed = parse_overrides(args.set)
    warn_overlaps(args.scenario)
    params = {}
    for item in args.params:
        variant, _, path = item.partition("=")
        if variant not in names or not path:
            raise UsageError(f"--params expects VARIANT=FILE for a compared variant, got {item}")
        params[variant] = read_params(path)
    out = output_folder(args.out, "purges compare", args.force)
    result = compare(names, out, seeds=args.seeds, first_seed=args.first_seed,
                     scenario=args.scenario, fixed=fixed, params=params,
                     calibrate=args.calibrate, calibrate_factors=args.calibrate_factor,
                     population=args.population, generations=args.generations,
                     engine=args.engine, processes=args.processes, table_3_2=args.table_3_2,
                     progress=not args.quiet,
                     log=None if args.quiet else _log)
    if not args.quiet:
        print("Distance from the record per pattern (mean ± standard error over "
              f"{len(result.seeds)} seeds; 0 = exact, 1 = one tolerance away):")
        print(scorecard.wide(result.scorecard).to_string())
        if result.against_historical is not None:
            diff = result.against_historical
            print(f"\n{args.scenario} against the historical scenario ({names[0]}, same "
                  "seeds; scenario_vs_historical.csv and .png):")
            print(diff[["description", "book", "historical", "scenario", "difference"]]
                  .round(2).to_string(index=False))
        print(f"\nTables and figures in {out}/; `purges report --from {out}` writes the "
              "report.")
    return 0


def _log(line: str) -> None:
    print(line, flush=True)


def cmd_report(args: argparse.Namespace) -> int:
    """Write a self-contained HTML report of a ``purges compare`` folder."""
    path = write_report(args.source, args.out)
    if not args.quiet:
        print(f"Report written to {path}")
    return 0
