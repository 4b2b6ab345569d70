"""``purges calibrate``: ABC-SMC on the visible targets (recipe :func:`experiments.calibrate`)."""

from __future__ import annotations

import argparse

import pandas as pd

from experiments.cli.common import add_force, output_folder, parse_overrides
from experiments.recipes import calibrate


def add_parser(sub) -> None:
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
    add_force(p)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``purges calibrate``: ABC-SMC on the visible targets, posterior, predictive, params file."""
    fixed = parse_overrides(args.set)
    out = output_folder(args.out, "purges calibrate", args.force)
    found = calibrate(args.factor, out, population=args.population,
                      generations=args.generations, predictive=args.predictive,
                      seed=args.first_seed, variant=args.variant, scenario=args.scenario,
                      fixed=fixed, engine=args.engine, workers=args.workers,
                      progress=not args.quiet)
    if not args.quiet:
        out, params = found.out, found.params_file
        print(pd.DataFrame(found.summary).round(4).to_string(index=False))
        print(f"Posterior in {out}/posterior.csv; figures posterior.png, predictive.png; "
              f"calibrated parameters {params} (use: purges run --params {params})")
    return 0
