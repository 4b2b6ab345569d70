"""The ``purges`` command.

    purges run [--scenario FILE] [--seeds N] [--out DIR] [--set name=value ...]
    purges scenario [--copy FILE]       # print or copy the historical calendar to edit
    purges parameters                   # every parameter with its default and source

Bad input (a malformed scenario, an unknown parameter, a value out of range) ends with
one line ``purges: error: ...`` and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from experiments.sweep import SweepError
from model import engine_class
from model.params import ParameterError, Parameters
from model.scenario import ScenarioError, default_scenario_path

PACKAGES = ("mesa", "numpy", "pandas", "matplotlib", "networkx", "tqdm")


class UsageError(ValueError):
    """A command-line value that cannot be used."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``purges`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, ParameterError, UsageError, SweepError) as err:
        print(f"purges: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("purges: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="purges", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate a scenario over several seeds and compare it "
                                     "with the historical record")
    run.add_argument("--scenario", help="scenario TOML file (default: the historical one)")
    run.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    run.add_argument("--first-seed", type=int, default=1, help="first seed (default 1)")
    run.add_argument("--out", default="results", help="output folder (default ./results)")
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
    from experiments import sweep_cli

    sweep_cli.add_parser(sub)
    sweep_cli.add_sensitivity_parser(sub)
    sweep_cli.add_calibrate_parser(sub)
    from experiments import variants_cli

    variants_cli.add_parsers(sub)
    app = sub.add_parser("app", help="the seminar app in the browser (Mesa SolaraViz)")
    app.add_argument("--host", default="127.0.0.1",
                     help="address to bind (default 127.0.0.1: this computer only)")
    app.add_argument("--port", type=int, default=8765)
    app.set_defaults(func=cmd_app)
    par = sub.add_parser("parameters", help="list the parameters with defaults and sources")
    par.set_defaults(func=cmd_parameters)
    return parser


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


def cmd_app(args: argparse.Namespace) -> int:
    """Start the seminar app with Solara (needs the ``app`` extra: pip install -e .[app])."""
    try:
        import solara  # noqa: F401
    except ImportError:
        raise UsageError("the app needs Solara: run `bash scripts/setup.sh dev` or "
                         "`.venv/bin/pip install -e .[app]`") from None
    app = Path(__file__).resolve().parents[1] / "seminar" / "app.py"
    solara_cli = Path(sys.executable).with_name("solara")
    print(f"The seminar app: http://{args.host}:{args.port}  (Ctrl-C to stop)", flush=True)
    return subprocess.call([str(solara_cli), "run", str(app), "--host", args.host,
                            "--port", str(args.port), "--production"])


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


def cmd_run(args: argparse.Namespace) -> int:
    """Validate everything, run the seeds, write tables, figures and the manifest."""
    from experiments import compare, figures
    from experiments.runner import build_scenario, combine, expulsion_breakdown, run_many

    if args.seeds < 1:
        raise UsageError(f"--seeds must be at least 1, got {args.seeds}")
    overrides = {**read_params(args.params), **parse_overrides(args.set)}
    # validates the file, the variant and the overrides before any work
    scenario = build_scenario(args.scenario, args.variant, overrides)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot create output folder {out}: {err.strerror}") from None
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    started = dt.datetime.now(dt.UTC)
    engine = engine_class(args.engine, scenario.parameters.n_members).engine
    results = run_many(args.scenario, seeds, overrides, processes=args.processes,
                       progress=not args.quiet, engine=engine, variant=args.variant)
    tables = {name: combine(results, name) for name in
              ("yearly", "monthly", "expulsions", "operations", "regions")}
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    expulsion_breakdown(tables["expulsions"]).to_csv(out / "breakdown.csv", index=False)
    comparison = compare.comparison_table(results)
    comparison.to_csv(out / "comparison.csv", index=False)
    written = []
    if not args.no_figures:
        written = [
            figures.national_rates(tables["yearly"], comparison, out / "national_rates.png"),
            figures.western_vs_national(comparison, out / "western_vs_national.png"),
            figures.denunciation_chain(tables["monthly"], out / "denunciation_chain.png"),
            figures.monthly_overview(tables["monthly"], out / "monthly.png"),
            figures.leaders_share(tables["expulsions"], out / "leaders_share.png"),
        ]
    source = Path(args.scenario) if args.scenario else default_scenario_path()
    shutil.copyfile(source, out / "scenario.toml")
    manifest = build_manifest(scenario, source, seeds, overrides, started,
                              files=sorted(p.name for p in out.iterdir()), engine=engine)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    if not args.quiet:
        _print_summary(comparison, out, written)
    return 0


def build_manifest(scenario, source: Path, seeds: list[int], overrides: dict,
                   started: dt.datetime, files: list[str], engine: str = "agents") -> dict:
    """Everything needed to reproduce a run: parameters, seeds, code and package versions."""
    return {
        "tool": "purges",
        "command": sys.argv,
        "started_utc": started.isoformat(),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
        "scenario": {"name": scenario.name, "file": str(source),
                     "sha256": hashlib.sha256(source.read_bytes()).hexdigest()},
        "seeds": seeds,
        "engine": engine,
        "variant": scenario.variant,
        "overrides": overrides,
        "parameters": dataclasses.asdict(scenario.parameters),
        "code_version": code_version(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in PACKAGES},
        "files": files,
    }


def code_version() -> dict:
    """The git commit of the code (and whether the work tree was modified), if known."""
    root = Path(__file__).resolve().parents[1]
    info = {"package": _version("purges")}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout
        info.update({"git_commit": commit, "git_dirty": bool(dirty.strip())})
    except (OSError, subprocess.SubprocessError):
        info["git_commit"] = None
    return info


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _print_summary(comparison, out: Path, figures_written: list[Path]) -> None:
    print("\nSimulated against Getty (mean over seeds; 5-95 % band):")
    for _, r in comparison.iterrows():
        print(f"  {r['description'][:62]:<62} book {r['historical']:7.2f}   "
              f"model {r['simulated_mean']:7.2f} [{r['simulated_p05']:.2f}, "
              f"{r['simulated_p95']:.2f}]")
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
        print(f"copied the historical scenario to {dest}; run it with "
              f"`purges run --scenario {dest}`")
    else:
        print(source.read_text(encoding="utf-8"), end="")
    return 0


def cmd_parameters(args: argparse.Namespace) -> int:
    """List every parameter with its default, range and source."""
    del args
    for row in Parameters.describe():
        print(f"{row['name']} = {row['default']}  [{row['min']}, {row['max']}]\n"
              f"    {row['source']}")
        if row["inert"]:
            print(f"    NO EFFECT on the historical calendar: {row['inert']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
