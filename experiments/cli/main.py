"""The ``purges`` command.

    purges run [--scenario FILE] [--seeds N] [--out DIR] [--set name=value ...]
    purges scenario [--copy FILE]       # print or copy the historical calendar to edit
    purges parameters                   # every parameter with its default and source

Bad input (a malformed scenario, an unknown parameter, a value out of range) ends with
one line ``purges: error: ...`` and exit status 2, never a traceback.

This module only assembles the parser and handles errors; each command group is a
module of :mod:`experiments.cli`, and the work is done by the recipes
(:mod:`experiments.recipes`).
"""

from __future__ import annotations

import argparse
import os
import sys

from experiments.cli import calibrate, compare, run, sweep, verdict
from experiments.cli.common import UsageError
from experiments.folders import FolderError
from experiments.history import HistoryDataError
from experiments.report import ReportError
from experiments.sweep import SweepError
from model.params import ParameterError
from model.scenario import ScenarioError

ERRORS = (ScenarioError, ParameterError, UsageError, SweepError, ReportError, HistoryDataError,
          FolderError)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``purges`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ERRORS as err:
        print(f"purges: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("purges: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `purges parameters | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, in the order ``purges --help`` lists them."""
    parser = argparse.ArgumentParser(prog="purges", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run.add_parsers(sub)
    sweep.add_parsers(sub)
    calibrate.add_parser(sub)
    verdict.add_parser(sub)
    compare.add_parsers(sub)
    run.add_app_parsers(sub)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
