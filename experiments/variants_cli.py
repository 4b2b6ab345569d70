"""``purges compare`` and ``purges report``: rival explanations on one engine and one record."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from experiments import history, scorecard  # noqa: E402
from experiments.runner import build_scenario  # noqa: E402
from model.variants import ABLATIONS, VARIANTS  # noqa: E402

COLORS = {"center-periphery": "#4c72b0", "totalitarian": "#c44e52", "no-protection": "#55a868",
          "no-deflection": "#8172b2", "no-records-chaos": "#937860",
          "no-criticism": "#da8bc3", "obedient-secretaries": "#8c8c8c"}


def cmd_compare(args: argparse.Namespace) -> int:
    """Run each variant over the seeds; write the scorecard, tables and figures."""
    from experiments.cli import UsageError, code_version, parse_overrides, read_params
    from experiments.runner import combine, run_many
    from model import engine_class

    names = args.variants.split(",") if args.variants else [
        "center-periphery", "totalitarian", *ABLATIONS]
    for name in names:
        build_scenario(args.scenario, name)  # one-line error for a bad name
    fixed = parse_overrides(args.set)
    params = {}
    for item in args.params:
        variant, _, path = item.partition("=")
        if variant not in names or not path:
            raise UsageError(f"--params expects VARIANT=FILE for a compared variant, got {item}")
        params[variant] = read_params(path)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.calibrate:
        params.update(calibrate_variants(args, names, fixed, params, out))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    results, frames = {}, {"yearly": [], "discriminating": []}
    for name in names:
        overrides = {**params.get(name, {}), **fixed}
        scenario = build_scenario(args.scenario, name, overrides)
        engine = engine_class(args.engine, scenario.parameters.n_members).engine
        runs = run_many(args.scenario, seeds, overrides, processes=args.processes,
                        progress=not args.quiet, engine=engine, variant=name, desc=name)
        results[name] = runs
        frames["yearly"].append(combine(runs, "yearly").assign(variant=name))
        frames["discriminating"].append(
            scorecard.discriminating(runs, len(scenario.regions)).assign(variant=name))
    card = scorecard.scorecard(results)
    card.to_csv(out / "scorecard.csv", index=False)
    yearly = pd.concat(frames["yearly"], ignore_index=True)
    yearly.to_csv(out / "yearly.csv", index=False)
    disc = pd.concat(frames["discriminating"], ignore_index=True)
    disc.to_csv(out / "discriminating.csv", index=False)
    curves_figure(yearly, out / "curves.png")
    discriminating_figure(disc, out / "discriminating.png")
    (out / "manifest.json").write_text(json.dumps({
        "tool": "purges compare", "variants": names, "seeds": seeds, "fixed": fixed,
        "calibrated": {k: v for k, v in params.items()}, "code_version": code_version(),
        "finished_utc": dt.datetime.now(dt.UTC).isoformat()}, indent=2, default=str) + "\n")
    if not args.quiet:
        print("Distance from the record per pattern (mean ± standard error over "
              f"{len(seeds)} seeds; 0 = exact, 1 = one tolerance away):")
        print(scorecard.wide(card).to_string())
        print(f"\nTables and figures in {out}/; `purges report --from {out}` writes the "
              "report.")
    return 0


def calibrate_variants(args: argparse.Namespace, names: list[str], fixed: dict,
                       given: dict, out: Path) -> dict[str, dict]:
    """ABC-SMC for each variant without given parameters, on the same targets and priors."""
    import os

    from experiments import calibrate
    from experiments.sweep import parse_factor
    from model import engine_class

    factors = [parse_factor(f) for f in args.calibrate_factor or CALIBRATION_FACTORS]
    found = {}
    for name in names:
        if name in given:
            continue
        folder = out / "calibration" / name
        folder.mkdir(parents=True, exist_ok=True)
        scenario = build_scenario(args.scenario, name, fixed)
        engine = engine_class(args.engine, scenario.parameters.n_members).engine
        if not args.quiet:
            print(f"calibrating {name} ...", flush=True)
        _, stats, _ = calibrate.calibrate_and_save(
            factors, folder, f"purges compare --calibrate, variant {name}",
            population=args.population, generations=args.generations,
            workers=args.processes or os.cpu_count() or 1, scenario_path=args.scenario,
            fixed=fixed, engine=engine, variant=name)
        found[name] = calibrate.posterior_means(stats)
    return found


# The inputs every variant is calibrated on by ``purges compare --calibrate``: the
# strength of the three operations that set the yearly rates (same priors for all).
# ASSUMPTION: uniform priors from a fifth or a tenth to two to four times the hand-set
# values (chistka 1.1, proverka 0.19, 1937 arrests 0.0005; model/scenarios/historical.toml).
CALIBRATION_FACTORS = ("chistka.intensity=0.2:2.5", "proverka.intensity=0.02:0.6",
                       "ezhovshchina_1937.arrest_rate=0.00005:0.002")


def curves_figure(yearly: pd.DataFrame, path: Path) -> Path:
    """Simulated national expulsion rates per variant against the visible record."""
    book = history.national_expulsion_rates()
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for name, g in yearly.groupby("variant", sort=False):
        band = g.groupby("year")["expulsion_rate_pct"].quantile([0.05, 0.5, 0.95]).unstack()
        color = COLORS.get(name, None)
        ls = "-" if name in ("center-periphery", "totalitarian") else ":"
        ax.plot(band.index, band[0.5], ls, color=color, label=name, lw=2 if ls == "-" else 1.3)
        if ls == "-":
            ax.fill_between(band.index, band[0.05], band[0.95], color=color, alpha=0.15)
    ax.plot(book["year"], book["rate_pct"], "ko", ms=7, label="book (Table 7.1, visible)")
    ax.set_xlabel("year")
    ax.set_ylabel("% of the party expelled")
    ax.set_title("National expulsion rates: variants against the record")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def discriminating_figure(disc: pd.DataFrame, path: Path) -> Path:
    """The quantities that tell the explanations apart, per variant."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    variants = list(dict.fromkeys(disc["variant"]))
    for ax, quantity, title in ((axes[0, 0], "leaders_share", "officeholders"),
                                (axes[0, 1], "clients_share", "secretaries' clients")):
        for name in variants:
            d = disc[(disc["variant"] == name) & (disc["quantity"] == quantity)]
            m = d.groupby("year")["value"].mean()
            ax.plot(m.index, 100 * m, "-o", ms=3, color=COLORS.get(name), label=name)
        ax.set_title(f"{title} among the expelled, %")
    axes[0, 0].legend(fontsize=6)
    ax = axes[1, 0]
    d = disc[disc["quantity"] == "election_turnover"]
    if len(d):
        table = d.groupby(["category", "variant"])["value"].mean().unstack()[variants]
        (100 * table).plot.bar(ax=ax, color=[COLORS.get(v) for v in variants], legend=False)
    ax.set_title("1937 elections: officeholders voted out, % by level")
    ax.tick_params(axis="x", labelrotation=0, labelsize=7)
    ax = axes[1, 1]
    d = disc[disc["quantity"] == "regional_spread"]
    if len(d):
        table = d.groupby(["category", "variant"])["value"].mean().unstack()[variants]
        table.plot.bar(ax=ax, color=[COLORS.get(v) for v in variants], legend=False)
    ax.set_title("spread of regional expulsion rates (sd, points)")
    ax.tick_params(axis="x", labelrotation=0, labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def cmd_report(args: argparse.Namespace) -> int:
    """Write a self-contained HTML report of a ``purges compare`` folder."""
    from experiments.cli import UsageError

    src = Path(args.source)
    try:
        card = pd.read_csv(src / "scorecard.csv")
        manifest = json.loads((src / "manifest.json").read_text())
    except FileNotFoundError:
        raise UsageError(f"{src} is not a `purges compare` folder (no scorecard.csv or "
                         "manifest.json); run purges compare --out DIR first") from None
    out = Path(args.out or src / "report.html")
    out.write_text(render_report(card, manifest, src), encoding="utf-8")
    if not args.quiet:
        print(f"Report written to {out}")
    return 0


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def render_report(card: pd.DataFrame, manifest: dict, src: Path) -> str:
    """The report as one HTML page with embedded figures (readable without Python)."""
    variants = manifest["variants"]
    table = scorecard.wide(card)
    best = card[card["pattern"] != "overall"].loc[
        lambda d: d.groupby("pattern")["mean"].idxmin()]
    overall = card[card["pattern"] == "overall"].set_index("variant")["mean"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>purges: rival explanations"
        "</title><style>body{font-family:Georgia,serif;max-width:62em;margin:2em auto;"
        "line-height:1.45}table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid"
        " #ccc;padding:.25em .5em}th{background:#f3f3f3}caption{text-align:left;"
        "font-style:italic}</style></head><body>",
        "<h1>Why did the purges happen? Rival explanations against the record</h1>",
        "<p>This report compares explanations of the Soviet party purges of 1933-1939 run on "
        "the same agent-based model and scored against the same visible historical record "
        "(J. Arch Getty, <i>Origins of the Great Purges</i>, 1985; line numbers 'L' refer "
        "to the text of the book used by the project). Each explanation is a set of "
        "assumptions about how the center, the regional and district secretaries and the "
        "rank and file behaved; the rules of behaviour themselves are the same for all. "
        f"Each variant was run over {len(manifest['seeds'])} seeds"
        + (" with calibrated parameters for " + ", ".join(manifest["calibrated"])
           if manifest.get("calibrated") else " with its default parameters") + ".</p>",
        "<h2>The explanations</h2><dl>"]
    for name in variants:
        v = VARIANTS[name]
        parts.append(f"<dt><b>{html.escape(v.label)}</b> (<code>{name}</code>)</dt><dd>"
                     f"{html.escape(v.assumes)}<br><small>Sources: {html.escape(v.sources)}"
                     "</small></dd>")
    parts.append("</dl><h2>How each fits the record</h2>")
    parts.append("<p>Distance from the book per pattern: 0 is an exact fit, 1 means one "
                 "tolerance away (tolerances are the precision of the book's figures; see "
                 "the list below). Mean ± standard error over seeds; lower is better.</p>")
    parts.append(table.to_html(classes="score", border=0, escape=True))
    parts.append("<p><b>Best fit per pattern:</b></p><ul>")
    for row in best.itertuples():
        parts.append(f"<li>{html.escape(row.pattern)}: <code>{row.variant}</code> "
                     f"({row.mean:.2f})</li>")
    parts.append("</ul>")
    ranking = overall.sort_values()
    parts.append("<p><b>Overall</b> (root mean square over patterns): " + ", ".join(
        f"<code>{k}</code> {v:.2f}" for k, v in ranking.items()) + ".</p>")
    parts.append("<h2>Curves</h2>" + _img(src / "curves.png", "expulsion rates per variant"))
    parts.append("<h2>Where the explanations diverge</h2><p>Quantities the book does not "
                 "give for the whole party (some are withheld for validation) but which the "
                 "explanations predict differently: who is expelled (officeholders and "
                 "clients), how many officeholders lose the 1937 elections, and how much "
                 "regions differ from one another.</p>"
                 + _img(src / "discriminating.png", "discriminating quantities"))
    parts.append("<h2>Patterns and tolerances</h2><ul>")
    for p in scorecard.PATTERNS:
        tol = "; ".join(f"{t}: ±{scorecard.TOLERANCES[t][0]:g} ({scorecard.TOLERANCES[t][1]})"
                        for t in p.targets)
        parts.append(f"<li><b>{html.escape(p.name)}</b> - {html.escape(p.where)}. "
                     f"{html.escape(tol)}</li>")
    parts.append("</ul><p><small>Generated by <code>purges report</code> from "
                 f"<code>{html.escape(str(src))}</code>; code "
                 f"{html.escape(str(manifest.get('code_version', {}).get('git_commit')))}."
                 "</small></p></body></html>")
    return "\n".join(parts)


def add_parsers(sub) -> None:
    """Register ``purges compare`` and ``purges report``."""
    p = sub.add_parser("compare", help="run the rival explanations and score them against "
                                       "the record")
    p.add_argument("--variants", help="comma-separated (default: center-periphery, "
                                      "totalitarian and the five ablations)")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--scenario", help="scenario TOML file (default: the historical one)")
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
    p.add_argument("--engine", choices=("auto", "arrays", "agents"), default="auto")
    p.add_argument("--processes", type=int, default=None)
    p.add_argument("--out", default="compare", help="output folder (default ./compare)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_compare)
    r = sub.add_parser("report", help="an HTML report of a purges compare folder")
    r.add_argument("--from", dest="source", default="compare", help="the compare folder")
    r.add_argument("--out", help="HTML file (default: FOLDER/report.html)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_report)
