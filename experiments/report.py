"""The HTML report of a ``purges compare`` folder (``purges report``).

One self-contained page (figures embedded) that reads without Python: the explanations,
the scorecard, the best fit per pattern, the curves, the discriminating quantities and
the patterns with their tolerances.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

import experiments.citations as citations
import experiments.manifest as manifest_file
import experiments.scorecard as scorecard
from model.variants import VARIANTS


class ReportError(ValueError):
    """The folder is not a ``purges compare`` folder (one line)."""


def write_report(source: str | Path = "compare", out: str | Path | None = None) -> Path:
    """Write the report of the compare folder ``source`` (default FOLDER/report.html)."""
    src = Path(source)
    try:
        card = pd.read_csv(src / "scorecard.csv")
        manifest = manifest_file.read(src)
    except FileNotFoundError:
        raise ReportError(f"{src} is not a `purges compare` folder (no scorecard.csv or "
                          "manifest.json); run purges compare --out DIR first") from None
    path = Path(out or src / "report.html")
    path.write_text(render_report(card, manifest, src), encoding="utf-8")
    return path


FEW_SEEDS = 10  # below this many seeds the report warns that its means are rough

CAVEAT = ("The center-periphery defaults were set by hand on these very targets "
          "while the other variants run with the same values and only their own changes; "
          "the comparison therefore favours center-periphery and is not a test of it on "
          "these targets.")

CAPTIONS = {
    "curves.png": "Simulated national expulsion rate per calendar year (% of the rolls on 1 "
                  "January), median over seeds per variant, with the 5-95 % band of the two "
                  "main explanations. The black diamonds are the only calendar-year figures "
                  "the book gives (Table 7.1: 1937 and 1938); the chistka's 18.5 % and the "
                  "proverka's 9 % are rates per operation, scored as such in the pattern "
                  "'national rates by operation and year' above and not drawn here.",
    "discriminating.png": "Mean over seeds per variant: officeholders and secretaries' "
                          "clients among the expelled per year (%), officeholders voted out "
                          "in the 1937 elections by level (%), and the spread (standard "
                          "deviation, points) of regional expulsion rates per operation. The "
                          "book withholds or does not give these for the whole party.",
}


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}" style="max-width:100%">'


def _figure(src: Path, name: str, alt: str) -> str:
    """An embedded figure with its caption (:data:`CAPTIONS`) under it."""
    return (f"<figure>{_img(src / name, alt)}<figcaption>{html.escape(CAPTIONS[name])}"
            "</figcaption></figure>")


def _warnings(manifest: dict) -> list[str]:
    """The caveat on hand-set defaults, and a warning when the seeds are few."""
    variants = manifest["variants"]
    calibrated = sorted(manifest.get("calibrated") or {})
    if set(calibrated) >= set(variants):
        fair = ("Here every variant was calibrated on the same targets and priors first "
                "(ABC-SMC), which is the fair test; parameters not calibrated keep the "
                "hand-set values.")
    elif calibrated:
        fair = ("Here only " + html.escape(", ".join(calibrated)) + " was calibrated first; the others "
                "run with their defaults. The fair test calibrates every variant on the "
                "same targets and priors (<code>purges compare --calibrate</code>).")
    else:
        fair = ("No variant was calibrated here. The fair test calibrates every variant on "
                "the same targets and priors first (<code>purges compare --calibrate</code>).")
    parts = [f"<p class='warning'><b>Read this with care.</b> {html.escape(CAVEAT)} {fair}</p>"]
    n = len(manifest["seeds"])
    if n < FEW_SEEDS:
        parts.append(f"<p class='warning'><b>Few seeds.</b> Each variant was run over only {n} "
                     f"seed{'s' if n != 1 else ''} (fewer than {FEW_SEEDS}): the means and "
                     "standard errors below are rough, and differences between variants of "
                     "a few tenths may be chance. Run <code>purges compare --seeds 10</code> "
                     "or more before drawing conclusions.</p>")
    return parts


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
        "font-style:italic}figcaption{font-size:.9em;color:#444}.warning{background:#fff4e0;"
        "border-left:4px solid #c47f00;padding:.5em .8em}</style></head><body>",
        "<h1>Why did the purges happen? Rival explanations against the record</h1>",
        "<p>This report compares explanations of the Soviet party purges of 1933-1939 run on "
        "the same agent-based model and scored against the same visible historical record "
        "(J. Arch Getty, <i>Origins of the Great Purges: The Soviet Communist Party "
        "Reconsidered, 1933-1938</i>, Cambridge University Press, 1985, cited as Getty 1985 "
        "with chapter, section, table or note). Each explanation is a set of "
        "assumptions about how the center, the regional and district secretaries and the "
        "rank and file behaved; the rules of behaviour themselves are the same for all. "
        f"Each variant was run over {len(manifest['seeds'])} seeds"
        + (" with calibrated parameters for " + ", ".join(manifest["calibrated"])
           if manifest.get("calibrated") else " with its default parameters") + ".</p>",
        *_warnings(manifest),
        "<h2>The explanations</h2><dl>"]
    for name in variants:
        v = VARIANTS[name]
        parts.append(f"<dt><b>{html.escape(v.label)}</b> (<code>{name}</code>)</dt><dd>"
                     f"{html.escape(v.assumes)}<br><small>Sources: "
                     f"{html.escape(citations.humanize(v.sources))}"
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
    parts.append("<h2>Curves</h2>" + _figure(src, "curves.png", "expulsion rates per variant"))
    parts.append("<h2>Where the explanations diverge</h2><p>Quantities the book does not "
                 "give for the whole party (some are withheld for validation) but which the "
                 "explanations predict differently: who is expelled (officeholders and "
                 "clients), how many officeholders lose the 1937 elections, and how much "
                 "regions differ from one another.</p>"
                 + _figure(src, "discriminating.png", "discriminating quantities"))
    parts.append("<h2>Patterns and tolerances</h2><ul>")
    for p in scorecard.patterns(manifest.get("table_3_2_reading", scorecard.DEFAULT_READING)):
        tol = "; ".join(f"{t}: ±{scorecard.TOLERANCES[t][0]:g} "
                        f"({citations.humanize(scorecard.TOLERANCES[t][1])})" for t in p.targets)
        parts.append(f"<li><b>{html.escape(p.name)}</b> - "
                     f"{html.escape(citations.humanize(p.where))}. "
                     f"{html.escape(tol)}</li>")
    parts.append("</ul><p><small>Generated by <code>purges report</code> from "
                 f"<code>{html.escape(str(src))}</code>; code "
                 f"{html.escape(str(manifest.get('code_version', {}).get('git_commit')))}."
                 "</small></p></body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------------- the verdict
VERDICT_LIMITS = (
    "Not measured in this run: the robustness of the verdict to the priors, the patterns "
    "left out, the scale and the units of the distance (purges verdict --robustness). "
    "Read the probabilities as this budget's estimate, with the Monte Carlo error shown.")


def _robustness_section(result, folder: Path) -> str:
    """The robustness table, if it was made."""
    if result.robustness is None:
        return ""
    esc = html.escape
    table = result.robustness
    agree = int(table["agrees"].sum()) - 1
    kept = int(table["rejected_stay_rejected"].sum()) - 1
    n = len(table) - 1
    rows = "".join(f"<tr><td>{esc(str(r.variation))}</td><td>{esc(str(r.best))}</td>"
                   f"<td>{'yes' if r.agrees else 'no'}</td>"
                   f"<td>{'yes' if r.rejected_stay_rejected else 'no'}</td></tr>"
                   for r in table.itertuples())
    return f"""<h2>How robust</h2>
<p>The model choice re-run under {n} variations (a smaller budget each): the same
explanation first in {agree} of {n}; the explanations the verdict rejects (under 1 %)
stay under 5 % in {kept} of {n}.</p>
<table><tr><th>variation</th><th>first</th><th>same first</th><th>rejected stay rejected</th>
</tr>{rows}</table>
{_img(folder / "robustness.png", "posterior probabilities under each variation")}
"""


def _out_of_sample_section(result, folder: Path) -> str:
    """The calibration on 1933-1936 and the prediction of 1937-1938, if it was made."""
    if result.out_of_sample is None:
        return ""
    esc = html.escape
    table = result.out_of_sample.pivot(index="explanation", columns="period",
                                       values=["coverage", "mean_error_in_tolerances"])
    rows = "".join(
        f"<tr><td>{esc(str(name))}</td>"
        f"<td>{table.loc[name, ('coverage', 'fitted')]:.0%}</td>"
        f"<td>{table.loc[name, ('coverage', 'predicted')]:.0%}</td>"
        f"<td>{table.loc[name, ('mean_error_in_tolerances', 'fitted')]:.2f}</td>"
        f"<td>{table.loc[name, ('mean_error_in_tolerances', 'predicted')]:.2f}</td></tr>"
        for name in table.index)
    later = result.checks[result.checks["period"] == "predicted"]
    best = (later.groupby("explanation")["error_in_tolerances"].mean().idxmin()
            if later["error_in_tolerances"].notna().any() else None)
    lead = (f"Predicting best out of sample (smallest mean error on the 1937-1938 figures): "
            f"<b>{esc(str(best))}</b>." if best is not None else "")
    return f"""<h2>Out of sample: 1937-1938 predicted from 1933-1936</h2>
<p>Each explanation was calibrated (ABC-SMC, its own priors) on the statistics of 1933-1936
only, then run afresh at parameter sets drawn from its posterior; every visible statistic
was read off those runs. Coverage is the share of the book's figures inside the runs' 90 %
interval (5th to 95th percentile); the error is the distance of the runs' median from the
book, in the figure's tolerance. {lead}</p>
<table><tr><th>explanation</th><th>coverage, fitted (1933-36)</th>
<th>coverage, predicted (1937-38)</th><th>error, fitted</th><th>error, predicted</th></tr>
{rows}</table>
{_img(folder / "predictive_intervals.png", "1937-1938 predicted, 90 % intervals")}
<p>Every statistic's interval, median and predictive p-value: <code>predictive_checks.csv</code>
(posterior predictive checks, fitted and predicted).</p>
"""


def _identifiability_section(result) -> str:
    """Which pairs the statistics can tell apart, and where the record lies among the runs."""
    from experiments.verdict import IDENTIFIABLE

    esc = html.escape
    out = ""
    if result.identifiability is not None:
        rows = "".join(
            f"<tr><td>{esc(r.a)}</td><td>{esc(r.b)}</td><td>{r.accuracy:.2f}</td>"
            f"<td>{'yes' if r.accuracy >= IDENTIFIABLE else '<b>no</b>'}</td></tr>"
            for r in result.identifiability.sort_values("accuracy").itertuples())
        out += f"""<h3>Which explanations the record could tell apart</h3>
<p>For each pair, the share of held-out prior-predictive runs that a classifier on the
statistics gives to the right explanation (0.5 is chance). Below {IDENTIFIABLE:g}, one
record can hardly decide between the two whatever the budget: their difference lies in
figures the visible record does not hold.</p>
<table><tr><th>explanation</th><th>against</th><th>accuracy</th><th>identifiable</th></tr>
{rows}</table>"""
    if result.record_log_odds is not None:
        placed = result.record_log_odds
        outside = placed.loc[~placed["inside"], "explanation"].tolist()
        rows = "".join(
            f"<tr><td>{esc(r.explanation)}</td><td>{r.record_log_odds:.1f}</td>"
            f"<td>{r.runs_p5:.1f} - {r.runs_p95:.1f}</td><td>{r.runs_min:.1f} - "
            f"{r.runs_max:.1f}</td></tr>" for r in placed.itertuples())
        note = ("The record lies within the runs' range on every log-odds." if not outside
                else "The record lies <b>outside the range of every prior-predictive run</b> "
                f"on the log-odds of {', '.join(map(esc, outside))}: no explanation produced "
                "such a record under its priors, and the model choice weighs which comes "
                "least far.")
        out += f"""<h3>Where the record lies among the runs</h3><p>{note}</p>
<table><tr><th>log-odds of</th><th>the record</th><th>runs, 5-95 %</th><th>runs, range</th>
</tr>{rows}</table>"""
    return out


def _drivers_paragraph(result, best: str, top: int = 3) -> str:
    """The figures the favoured explanation's log-odds rest on most."""
    if result.drivers is None:
        return ""
    esc = html.escape
    rows = result.drivers[result.drivers["explanation"] == best]
    rows = rows.reindex(rows["share_of_log_odds"].sort_values(ascending=False).index).head(top)
    items = "".join(
        f"<li><code>{esc(r.statistic)}</code>: the record's {r.record:.3g} against the "
        f"runs' mean {r.prior_predictive_mean:.3g} ({r.z:+.1f} sd) adds "
        f"{r.share_of_log_odds:.1f} to its log-odds</li>" for r in rows.itertuples())
    return (f"<p>The figures the record's log-odds of {esc(best)} rest on most "
            f"(<code>drivers.csv</code>): read differently, they would move the verdict "
            f"first.</p><ul>{items}</ul>")


def _recovery_section(result) -> str:
    """The recovery check's confusion table, where it was run (``--recovery``)."""
    if result.recovery is None:
        return ""
    esc = html.escape
    rec = result.recovery
    rows = "".join(
        f"<tr><td>{esc(str(r['truth']))}</td><td>{esc(str(r['found']))}</td>"
        f"<td>{r['probability_of_truth']:.2f}</td>"
        f"<td>{esc(str(r.get('alike', '')) if isinstance(r.get('alike'), str) else '')}</td>"
        f"<td>{r.get('probability_of_alike', float('nan')):.2f}</td></tr>"
        for _, r in rec.iterrows())
    found = int(rec["recovered"].sum())
    return f"""<h2>Does it find the truth when there is one?</h2>
<p>For each explanation, a synthetic record made by one run of it at the middle of its
priors, and the same model choice on it: {found} of {len(rec)} records were given back
to the explanation that made them first. Where the statistics cannot tell two explanations
apart, their probabilities are shown together.</p>
<table><tr><th>record made by</th><th>found first</th><th>its probability</th>
<th>indistinguishable from it</th><th>together</th></tr>{rows}</table>"""


def write_verdict(result, explanations, path: Path, budget: dict) -> Path:
    """``verdict.html``: the verdict, how it was reached, and what would overturn it.

    ``result``: :class:`experiments.recipes.Verdict`; ``explanations``: the
    :class:`experiments.explanations.Explanation` weighed; one page, figures embedded.
    """
    folder = Path(path).parent
    factors = result.posterior.sort_values("probability", ascending=False)
    best = factors.iloc[0]
    runner_up = factors.iloc[1] if len(factors) > 1 else None
    repeats = int(best["repeats"])
    esc = html.escape

    def prob(row) -> str:
        return (f"{row['probability']:.2f} &plusmn; {row['probability_sd']:.2f}"
                if repeats > 1 else f"{row['probability']:.2f}")

    lead = (f"On the visible record, <b>{esc(str(best['explanation']))}</b> has posterior "
            f"probability {prob(best)} among the {len(factors)} explanations weighed "
            "(uniform prior over them")
    lead += (f"; mean &plusmn; sd over {repeats} repeats of the whole model choice)"
             if repeats > 1 else "; one run of the model choice, Monte Carlo error unknown)")
    if runner_up is not None:
        odds = best["probability"] / runner_up["probability"] if runner_up["probability"] > 0 \
            else float("inf")
        lead += (f"; the next, {esc(str(runner_up['explanation']))}, {prob(runner_up)}"
                 f" (Bayes factor {odds:.3g} in favour of the first).")
    rows = "".join(f"<tr><td>{esc(str(r.explanation))}</td><td>{r.probability:.3f}</td>"
                   f"<td>{r.probability_sd:.3f}</td><td>{r.probability_min:.3f} - "
                   f"{r.probability_max:.3f}</td><td>{r.bayes_factor_vs_best:.3g}</td></tr>"
                   for r in factors.itertuples())
    priors = "".join(
        f"<tr><td>{esc(e.name)}</td><td><code>{esc(p.name)}</code></td><td>{p.low:g}</td>"
        f"<td>{p.high:g}</td><td>{esc(p.why)}</td></tr>" for e in explanations for p in e.priors)
    stats = ", ".join(f"<code>{esc(s)}</code>" for s in result.statistics)
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>The verdict: which explanation the record supports</title>
<style>body{{font-family:Georgia,serif;max-width:60em;margin:2em auto;line-height:1.45}}
table{{border-collapse:collapse;font-size:90%}}td,th{{border:1px solid #ccc;padding:2px 6px}}
.warning{{background:#fff3cd;padding:.5em}}</style></head><body>
<h1>The verdict: which explanation the visible record supports</h1>
<p>{lead}</p>
{"" if result.robustness is not None else
 f'<p class="warning"><b>How sure.</b> {esc(VERDICT_LIMITS)}</p>'}
<h2>Posterior probabilities and Bayes factors</h2>
<table><tr><th>explanation</th><th>posterior probability (mean)</th><th>sd over repeats</th>
<th>range</th><th>Bayes factor against the best</th></tr>{rows}</table>
{_img(folder / "model_probabilities.png", "posterior probability by generation")}
<h2>What it was decided on</h2>
<p>ABC-SMC model choice (pyabc; {budget['population']} particles a generation,
{budget['generations']} generations, repeated {budget['repeats']} times from seeds
{budget['seed']} on: each repeat the whole inference, its own prior predictive, separating
statistics and log-odds regression as well as its own sampler). Only the statistics whose
prior-predictive means differ between at least two explanations by at least one pooled
standard deviation are used (ABC model choice is valid only on such statistics: Robert et
al. 2011, Marin et al. 2014);
{len(result.statistics)} of them: {stats}. The withheld 1937 figures are not among them.
Records are compared by what those statistics say about which explanation made them:
a logistic regression of the explanation on the statistics, fitted on the prior
predictive, gives each record one log-odds per explanation, and the distance is between
those (semi-automatic ABC model choice, Prangle et al. 2014).</p>
{_identifiability_section(result)}
{_img(folder / "separation.png", "which statistics separate which explanations")}
{_robustness_section(result, folder)}
{_recovery_section(result)}
{_out_of_sample_section(result, folder)}
<h2>The explanations and their priors</h2>
<table><tr><th>explanation</th><th>free parameter</th><th>low</th><th>high</th><th>why</th>
</tr>{priors}</table>
<h2>What would overturn it</h2>
{_drivers_paragraph(result, str(best['explanation']))}
<p>A record on which the favoured explanation's prior predictive is far from the book's
figures on the separating statistics (see <code>prior_predictive.csv</code>); a wider or
narrower prior that moves the probabilities; other readings of the figures (their
tolerances). The tables of this folder hold every number above.</p>
</body></html>
"""
    Path(path).write_text(page, encoding="utf-8")
    return Path(path)
