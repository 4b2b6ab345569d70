"""``purges verdict``: which explanation the record supports (:func:`experiments.recipes.verdict`)."""

from __future__ import annotations

import argparse

from experiments.cli.common import output_folder, parse_overrides
from experiments.explanations import ExplanationsError
from experiments.recipes import VERDICT_BUDGET, verdict
from experiments.sweep import SweepError


def add_parser(sub) -> None:
    """Register ``purges verdict``."""
    p = sub.add_parser("verdict", help="ABC model choice between the explanations on the "
                                       "visible record (pyabc)")
    p.add_argument("--explanations", help="comma-separated names (default: every one of the "
                                          "explanations file)")
    p.add_argument("--explanations-file", help="explanations and priors (default: "
                                               "experiments/data/explanations.toml)")
    p.add_argument("--draws", type=int, default=VERDICT_BUDGET["draws"],
                   help="prior-predictive runs per explanation (the separating statistics "
                        "and the log-odds regression are fitted on them)")
    p.add_argument("--population", type=int, default=VERDICT_BUDGET["population"],
                   help="particles per ABC-SMC generation")
    p.add_argument("--generations", type=int, default=VERDICT_BUDGET["generations"])
    p.add_argument("--repeats", type=int, default=VERDICT_BUDGET["repeats"],
                   help="the whole inference repeated with other seeds, its prior "
                        "predictive and log-odds regression included (its Monte Carlo error)")
    p.add_argument("--robustness", action="store_true",
                   help="re-run the model choice with narrower and wider priors, each group "
                        "of patterns left out, 16,000 members and other distances (the book's "
                        "tolerances, prior-predictive sd)")
    p.add_argument("--recovery", action="store_true",
                   help="for each explanation, a synthetic record made by it: does the model "
                        "choice find it? (recovery.csv)")
    p.add_argument("--no-out-of-sample", action="store_true",
                   help="skip the calibration on 1933-1936 and the prediction of 1937-1938")
    p.add_argument("--seed", type=int, default=0, help="seed of the priors' draws and sampler")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="an override for every run (e.g. n_members=16000: the scale)")
    p.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a Dask scheduler to run the model choice on (pyabc's Dask sampler)")
    p.add_argument("--out", required=True, help="output folder; an interrupted verdict "
                                                "there resumes")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_verdict)


def cmd_verdict(args: argparse.Namespace) -> int:
    """``purges verdict``: prior predictive, separating statistics, model choice, report."""
    out = output_folder(args.out, "purges verdict")
    names = [n.strip() for n in args.explanations.split(",")] if args.explanations else None
    try:
        found = verdict(out, explanations=names, explanations_file=args.explanations_file,
                        draws=args.draws, population=args.population,
                        generations=args.generations, repeats=args.repeats,
                        seed=args.seed, workers=args.workers,
                        engine=args.engine, scheduler=args.scheduler,
                        fixed=parse_overrides(args.set),
                        out_of_sample=not args.no_out_of_sample, robustness=args.robustness,
                        recovery=args.recovery,
                        progress=not args.quiet, log=None if args.quiet else print)
    except ExplanationsError as err:
        raise SweepError(str(err)) from None
    if not args.quiet:
        print(found.posterior.round(4).to_string(index=False))
        if found.out_of_sample is not None:
            print(found.out_of_sample.round(3).to_string(index=False))
        print(f"Verdict in {found.out}/verdict.html; tables and figures beside it")
    return 0
