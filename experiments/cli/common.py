"""What every ``purges`` command shares: usage errors, ``--set``, ``--params`` and ``--out``.

:func:`output_folder` checks an output folder before any simulation
(:func:`experiments.folders.prepare`: never another command's folder, never an earlier
output unless ``--force``, writable) or ends with one line naming why it cannot be used.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from experiments import folders

__all__ = ["UsageError", "add_force", "check_runs", "output_folder", "parse_overrides",
           "read_params"]


class UsageError(ValueError):
    """A command-line value that cannot be used."""


def output_folder(path: str | Path, tool: str, force: bool = False) -> Path:
    """The checked output folder of command ``tool`` (:func:`experiments.folders.prepare`)."""
    return folders.prepare(path, tool, force)


def add_force(parser) -> None:
    """The ``--force`` option of commands that refuse to overwrite an earlier output."""
    parser.add_argument("--force", action="store_true",
                        help="replace an earlier output of this command in --out (its stale "
                             "tables and figures are removed first)")


def check_runs(args) -> None:
    """``--seeds``, ``--first-seed`` and ``--processes``, checked before any folder is made."""
    if getattr(args, "seeds", 1) < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    if getattr(args, "first_seed", 0) < 0:
        raise UsageError(f"--first-seed must be 0 or more, got {args.first_seed}")
    processes = getattr(args, "processes", None)
    if processes is not None and processes < 1:
        raise UsageError(f"--processes must be at least 1, got {processes}")


def parse_overrides(items: list[str]) -> dict:
    """``["n_members=20000", "cohort_shares=[0.1,0.2,0.1,0.2,0.4]"]`` -> dict (TOML values)."""
    out = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"--set expects NAME=VALUE, got {item!r}")
        name, text = item.split("=", 1)
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            raise UsageError(f"--set {name}: cannot read value {text!r}") from None
        out[name.strip()] = value
    return out


def read_params(path: str | None) -> dict:
    """The ``[overrides]`` table of a parameter file (``purges calibrate`` writes one)."""
    if not path:
        return {}
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--params {path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"--params {path}: not valid TOML ({err})") from None
    if set(raw) != {"overrides"} or not isinstance(raw["overrides"], dict):
        raise UsageError(f"--params {path}: expected one table [overrides] of NAME = value")
    return dict(raw["overrides"])


def warn_overlaps(scenario_path) -> None:
    """Warn (stderr) about screenings of an edited scenario that overlap in time."""
    if scenario_path is None:
        return
    from model.scenario import load_scenario, new_overlaps
    for line in new_overlaps(load_scenario(scenario_path)):
        print(f"purges: warning: {line}", file=sys.stderr)
