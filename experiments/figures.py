"""Every figure the commands write (matplotlib, PNG), saved by one helper, :func:`save`.

``purges run``: :func:`national_rates`, :func:`western_vs_national`,
:func:`denunciation_chain`, :func:`monthly_overview`, :func:`leaders_share`,
:func:`regional_secretaries`, :func:`district_rates`, :func:`regional_rates`;
``purges compare``: :func:`variant_curves`, :func:`discriminating_quantities`;
``purges calibrate``: :func:`posterior`, :func:`predictive`;
``purges sensitivity``: :func:`sensitivity_indices`;
``purges verdict``: :func:`model_probabilities`, :func:`separation`,
:func:`predictive_intervals`, :func:`robustness`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import experiments.citations as citations
import experiments.history as history
import experiments.targets as targets
from model.scenario import month_index


class _Pyplot:
    """``matplotlib.pyplot`` (Agg backend), imported when the first figure is drawn.

    Commands that draw none (``purges sweep``, a calibration's workers) then start half a
    second sooner.
    """

    _module = None

    def __getattr__(self, name: str):
        if _Pyplot._module is None:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot

            _Pyplot._module = matplotlib.pyplot
        return getattr(_Pyplot._module, name)


plt = _Pyplot()

SIM = "#b03a2e"
HIST = "#1f3b73"
VARIANT_COLORS = {"center-periphery": "#4c72b0", "totalitarian": "#c44e52",
                  "no-protection": "#55a868", "no-deflection": "#8172b2",
                  "no-records-chaos": "#937860", "no-criticism": "#da8bc3",
                  "obedient-secretaries": "#8c8c8c"}


@dataclass(frozen=True)
class Provenance:
    """What a figure shows runs of, printed in its footer.

    A figure copied into a paper or a slide then still says where it came from.
    """

    scenario: str
    explanation: str
    members: int
    seeds: int
    seeds_label: str = "seeds"

    def line(self) -> str:
        """The footer's first line: scenario, explanation, members and seeds."""
        return (f"Scenario '{self.scenario}' · explanation: {self.explanation} · "
                f"{self.members:,} members simulated · {self.seeds} {self.seeds_label}")


def sources(*lines: int) -> str:
    """The book's places behind a figure, as a historian cites them (line anchors in)."""
    return "Book figures: " + "; ".join(
        citations.cite(line, author=i == 0) for i, line in enumerate(lines))


def footer(fig, lines: list[str], fontsize: float = 7) -> None:
    """Lay out ``fig`` leaving room at the bottom for ``lines``, and write them there."""
    if not lines:
        fig.tight_layout()
        return
    height = fig.get_figheight()  # inches: a line takes about 0.16 in at 7 pt
    fig.tight_layout(rect=(0, (0.16 * len(lines) + 0.08) / height, 1, 1))
    fig.text(0.01, 0.048 / height, "\n".join(lines), fontsize=fontsize, color="#555555",
             ha="left", va="bottom", wrap=True)


def save(fig, path: str | Path, dpi: int = 120, provenance: Provenance | None = None,
         source: str | None = None) -> Path:
    """Lay out ``fig`` with its footer, write it as a PNG at ``path`` and close it.

    The footer names the runs (``provenance``: scenario, explanation, members, seeds)
    and the book's places the figure compares with (``source``, see :func:`sources`).
    Returns the path.
    """
    path = Path(path)
    footer(fig, [t for t in (provenance.line() if provenance else None, source) if t])
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def _band(ax, x, frame: pd.DataFrame, label: str) -> None:
    mean = frame.mean(axis=1)
    ax.fill_between(x, frame.quantile(0.05, axis=1), frame.quantile(0.95, axis=1), color=SIM,
                    alpha=0.2, lw=0, label=f"{label}: 5-95 % of seeds")
    ax.plot(x, mean, color=SIM, lw=2, marker="o", ms=4, label=f"{label}: mean")


CALENDAR_YEAR = "calendar year, % of the rolls on 1 January"


def _calendar_year_book_points(ax) -> None:
    """The book's national rates that are for a calendar year (Table 7.1's 1937 and 1938)."""
    book = history.calendar_year_rates()
    ax.plot(book["year"], book["rate_pct"], "D", color=HIST, ms=7, zorder=5, ls="none",
            label="Getty, Table 7.1: " + ", ".join(str(y) for y in book["year"])
            + " (calendar years)")


def national_rates(yearly: pd.DataFrame, comparison: pd.DataFrame, path: Path,
                   provenance: Provenance | None = None) -> Path:
    """Expelled per operation beside the book's rates; the calendar-year series apart.

    Right: each operation the book gives a national rate for
    (:data:`experiments.targets.OPERATIONS`), book against simulated. Left: the simulated
    rate per calendar year, with only the book's calendar-year figures (1937, 1938)
    beside it: the chistka's 18.5 % is for the operation of 1933-35, not for 1933.
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), gridspec_kw={"width_ratios": [3, 2]})
    wide = yearly.pivot(index="year", columns="seed", values="expulsion_rate_pct")
    _band(ax1, wide.index, wide, "simulated")
    _calendar_year_book_points(ax1)
    ax1.set(xlabel="calendar year", ylabel=f"% expelled ({CALENDAR_YEAR})",
            title="By calendar year (the book gives whole years only for 1937 and 1938)")
    ax1.legend(fontsize=8, loc="upper right")
    ax1.grid(alpha=0.3)
    ops = comparison.set_index("target").loc[[op.target for op in targets.OPERATIONS]]
    x = np.arange(len(ops))
    ax2.bar(x - 0.2, ops["historical"], 0.4, color=HIST, label="Getty")
    ax2.bar(x + 0.2, ops["simulated_mean"], 0.4, color=SIM, label="simulated (mean)")
    ax2.errorbar(x + 0.2, ops["simulated_mean"],
                 yerr=[ops["simulated_mean"] - ops["simulated_p05"],
                       ops["simulated_p95"] - ops["simulated_mean"]],
                 fmt="none", ecolor="black", capsize=3, label="5-95 % of seeds")
    ax2.set_xticks(x, [op.label.replace(" ", "\n") for op in targets.OPERATIONS], fontsize=8)
    ax2.set(ylabel="% of the rolls expelled",
            title="By operation (the book's rates per operation)")
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3, axis="y")
    return save(fig, path, provenance=provenance, source=sources(1010, 2062, 1109))


def western_vs_national(comparison: pd.DataFrame, path: Path,
                        provenance: Provenance | None = None) -> Path:
    """The Western Region (Smolensk) against the national rate, simulated and historical."""
    c = comparison.set_index("target")
    groups = [("chistka 1933", "chistka_national", "western_chistka"),
              ("proverka 1935", "proverka_national", "western_proverka")]
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    x = np.arange(len(groups))
    w = 0.2
    for i, (label, key, color, hatch) in enumerate([
            ("Getty, national", "nat_h", HIST, ""), ("Getty, Smolensk", "wes_h", HIST, "//"),
            ("simulated, national", "nat_s", SIM, ""), ("simulated, Western Region", "wes_s", SIM,
                                                          "//")]):
        vals = []
        for _, nat, wes in groups:
            vals.append({"nat_h": c.loc[nat, "historical"], "wes_h": c.loc[wes, "historical"],
                         "nat_s": c.loc[nat, "simulated_mean"],
                         "wes_s": c.loc[wes, "simulated_mean"]}[key])
        ax.bar(x + (i - 1.5) * w, vals, w, color=color, hatch=hatch, edgecolor="white",
               alpha=1.0 if "Getty" in label else 0.8, label=label)
    ax.set_xticks(x, [g[0] for g in groups])
    ax.set(ylabel="% expelled", title="Smolensk / Western Region against the national rate\n"
           "(the book's 1933 Smolensk figure is for the city alone)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return save(fig, path, provenance=provenance, source=sources(1010, 672))


def denunciation_chain(monthly: pd.DataFrame, path: Path,
                       provenance: Provenance | None = None) -> Path:
    """The proverka denunciation chain against Table 3.2, scaled to 712 statements."""
    chain = history.proverka_denunciation_chain().set_index("stage")["n"]
    stages = [("statements", "denunciations_made"), ("checked", "denunciations_checked"),
              ("supported", "denunciations_supported"), ("unsupported", "denunciations_unsupported"),
              ("pending", "no_result"),
              ("expelled", "outcome_expel"), ("reprimanded", "outcome_reprimand"),
              ("removed", "outcome_remove_from_post"), ("warned", "outcome_warn")]
    stages = [(s, col) for s, col in stages if s in chain.index]
    m = monthly[(monthly["month"] >= "1935-05") & (monthly["month"] <= "1935-12")]
    # Table 3.2's 71 checked without a result, read as L861: the model's disregarded
    # statements (L874) and any left pending
    m = m.assign(no_result=m["denunciations_pending"] + m["denunciations_disregarded"])
    per_seed = m.groupby("seed")[[col for _, col in stages]].sum()
    scale = chain["statements"] / per_seed["denunciations_made"].replace(0, np.nan)
    scaled = per_seed.mul(scale, axis=0)
    fig, ax = plt.subplots(figsize=(9, 4.4))
    x = np.arange(len(stages))
    ax.bar(x - 0.2, [chain[s] for s, _ in stages], 0.4, color=HIST,
           label="Smolensk city, summer 1935 (Table 3.2)")
    means = [scaled[col].mean() for _, col in stages]
    ax.bar(x + 0.2, means, 0.4, color=SIM, alpha=0.85,
           label="simulated, May-Dec 1935, scaled to 712 statements")
    ax.errorbar(x + 0.2, means, yerr=[scaled[col].std() for _, col in stages], fmt="none",
                ecolor="black", capsize=3, label="±1 standard deviation over seeds")
    outcomes = {"expelled", "reprimanded", "removed", "warned"}
    shown = {"pending": "no result\n(disregarded)"}
    ax.set_xticks(x, [f"supported:\n{s}" if s in outcomes else shown.get(s, s)
                      for s, _ in stages], rotation=20, fontsize=8)
    first = next((i for i, (s, _) in enumerate(stages) if s in outcomes), None)
    if first is not None:  # the outcomes are the parts of "supported"
        ax.axvline(first - 0.5, color="grey", lw=0.8, ls="--")
    ax.set(ylabel="statements (denunciations)",
           title="The proverka denunciation chain; the outcomes (right of the dashed line) "
                 "are parts of 'supported'")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return save(fig, path, provenance=provenance, source=sources(861, 874))


def monthly_overview(monthly: pd.DataFrame, path: Path, campaigns=(),
                     provenance: Provenance | None = None) -> Path:
    """Monthly flows per 1,000 members present and the rolls, mean over seeds.

    ``campaigns``: the scenario's campaigns; screenings and police operations are shaded
    and named, so a peak can be read against the operation that made it.
    """
    g = monthly.groupby("month")[["expelled", "arrested", "reinstated", "lost_from_rolls",
                                   "on_rolls", "in_party"]].mean()
    x = pd.to_datetime(g.index)
    per_1000 = g[["expelled", "arrested", "reinstated", "lost_from_rolls"]].div(
        g["in_party"].replace(0, np.nan), axis=0) * 1000
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(11, 6.4), sharex=True)
    shaded = [c for c in campaigns if c.pace > 0 or c.arrest_rate > 0 or c.elections]
    top = float(np.nanmax(per_1000.to_numpy())) if len(per_1000) else 1.0
    for i, c in enumerate(shaded):
        start = pd.Timestamp(c.start + "-01")
        end = pd.Timestamp(c.end + "-01") + pd.offsets.MonthEnd(1)
        color = "#f4a582" if c.arrest_rate > 0 else ("#92c5de" if c.pace > 0 else "#b8e186")
        for ax in (ax1, ax2):
            ax.axvspan(start, end, color=color, alpha=0.25, lw=0)
        ax1.text(start, top * (1.02 - 0.09 * (i % 3)), c.name.replace("_", " "), fontsize=7,
                 va="top")
    for col, color in [("expelled", SIM), ("arrested", "black"), ("reinstated", "#2e8b57"),
                       ("lost_from_rolls", "#999999")]:
        ax1.plot(x, per_1000[col], label=col.replace("_", " "), color=color, lw=1.5)
    ax1.set(ylabel="per 1,000 members present\n(mean of seeds)",
            title="Monthly flows; shaded: screenings (blue), police operations (red), "
                  "elections (green)")
    ax1.legend(fontsize=8, ncol=2, loc="center right")
    ax1.grid(alpha=0.3)
    ax2.plot(x, g["on_rolls"], label="on the rolls (incl. dead souls)", color=HIST)
    ax2.plot(x, g["in_party"], label="actually present", color=SIM)
    ax2.set(ylabel="members and candidates\n(simulated)")
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3)
    return save(fig, path, provenance=provenance,
                source="Campaigns: the scenario's calendar (each campaign cites the book there)")


def leaders_share(expulsions: pd.DataFrame, path: Path,
                  provenance: Provenance | None = None) -> Path:
    """Share of the expelled who held an office, by year (a discriminating quantity)."""
    e = expulsions.assign(leader=expulsions["level"] != "rank_and_file")
    share = e.groupby(["year", "seed"])["leader"].mean().unstack() * 100
    fig, ax = plt.subplots(figsize=(7.5, 4))
    _band(ax, share.index, share, "simulated")
    ax.set(xlabel="year", ylabel="% of the expelled holding an office",
           title="Leaders among the expelled (not calibrated: 1937 figures withheld)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, path, provenance=provenance)


HOW_LEFT_COLORS = {"voted_out": "#4c72b0", "removed": "#8172b2", "removed_from_above": "#dd8452",
                   "expelled": "#c44e52", "arrested": "#222222", "dead_soul": "#937860",
                   "struck_off": "#937860", "in_office": "#55a868"}


def _month_number(label: str) -> float:
    """A month label "YYYY-MM" as a fractional year (its first day)."""
    return 1933 + month_index(label) / 12


def regional_secretaries(secretaries: pd.DataFrame, path: Path, end: str = "1939-12",
                         provenance: Provenance | None = None) -> Path:
    """The succession of regional first secretaries of one run, as a timeline.

    One row per region; each tenure a bar from the month he took office to the month he
    left, coloured by how he left (the last bar of a region, still in office, in green).
    The first seed of ``secretaries`` (``regional_secretaries.csv``) is drawn.
    """
    seed = secretaries["seed"].iloc[0]
    one = secretaries[secretaries["seed"] == seed]
    regions = list(dict.fromkeys(one["region"]))
    last = _month_number(end) + 1 / 12
    fig, ax = plt.subplots(figsize=(9, max(2.4, 1.2 + 0.45 * len(regions))))
    for y, region in enumerate(regions):
        for row in one[one["region"] == region].itertuples():
            start = _month_number(row.start)
            stop = _month_number(row.end) if row.end and isinstance(row.end, str) else last
            ax.barh(y, stop - start, left=start, height=0.6, color=HOW_LEFT_COLORS[row.how_left],
                    edgecolor="white", lw=0.8)
    ax.set_yticks(range(len(regions)), regions, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(1933, last)
    ax.set_xlabel("year")
    ax.set_title(f"Regional first secretaries, one bar a tenure (seed {seed})", fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in HOW_LEFT_COLORS.values()]
    labels = [h.replace("_", " ") for h in HOW_LEFT_COLORS]
    keep = [i for i, h in enumerate(HOW_LEFT_COLORS) if h != "struck_off"]
    ax.legend([handles[i] for i in keep], [labels[i].replace("dead soul", "left the rolls")
                                            for i in keep],
              fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5),
              title="how he left", title_fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path, provenance=provenance, source=sources(1938, 2029))


# marker, face and edge colour of each of the book's regional measures, in the order of
# experiments.history.REGIONAL_MEASURES (Table 3.3, L944, Table 3.4)
BOOK_MARKERS = dict(zip(history.REGIONAL_MEASURES.values(),
                        (("D", HIST, HIST), ("o", "white", HIST), ("s", "#7f7f7f", "#7f7f7f")),
                        strict=True))


def regional_rates(regions: pd.DataFrame, path: Path, operations=("chistka", "proverka", "obmen"),
                   provenance: Provenance | None = None) -> Path:
    """Each region's expulsion rate by operation against the book's regional figures.

    Small multiples, one panel per screening operation: for each region of the run the
    simulated rate (% of those screened; the mean over seeds and its 5-95 % range, from
    ``regions.csv``) and, where the book gives one for that region, its figure
    (:func:`experiments.history.regional_figures`: Table 3.3's rates, L944's cards
    confiscated in the proverka's second month, Table 3.4's Smolensk).
    """
    ops = [op for op in operations if op in set(regions["operation"])]
    book = history.regional_figures()
    by = "proverka" if "proverka" in ops else (ops[-1] if ops else None)  # most book figures
    order = (regions[regions["operation"] == by].groupby("region")["rate_pct_of_screened"]
             .mean().sort_values(ascending=False).index.tolist()) if by else []
    order += sorted(set(regions["region"]) - set(order))
    y = {name: i for i, name in enumerate(order)}
    fig, axes = plt.subplots(1, max(1, len(ops)), figsize=(3.2 * max(1, len(ops)) + 4.5,
                                                          1.8 + 0.3 * len(order)),
                             sharey=True, squeeze=False)
    for ax, op in zip(axes[0], ops, strict=False):
        rates = regions[regions["operation"] == op].groupby("region")["rate_pct_of_screened"]
        band = rates.quantile([0.05, 0.5, 0.95]).unstack()
        for name, row in band.iterrows():
            ax.plot([row[0.05], row[0.95]], [y[name]] * 2, color=SIM, lw=2, alpha=0.5)
        means = rates.mean()
        ax.plot(means.values, [y[n] for n in means.index], "o", color=SIM, ms=4,
                label="simulated: mean, 5-95 % of seeds")
        for measure, (marker, face, edge) in BOOK_MARKERS.items():
            pts = book[(book["operation"] == op) & (book["measure"] == measure)
                       & book["region"].isin(y)]
            if len(pts):
                ax.plot(pts["value"], [y[n] for n in pts["region"]], marker, ls="none", ms=6,
                        markerfacecolor=face, markeredgecolor=edge, label=measure)
        ax.set_title(op, fontsize=9)
        ax.set_xlabel("% of those screened", fontsize=8)
        ax.grid(alpha=0.3)
    axes[0][0].set_yticks(range(len(order)), order, fontsize=7)
    handles: dict[str, object] = {}
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    axes[0][-1].legend(list(handles.values()), list(handles), fontsize=7, loc="upper left",
                       bbox_to_anchor=(1.02, 1.0))
    fig.suptitle("Regional expulsion rates by operation, against the book's regional figures",
                 fontsize=10)
    return save(fig, path, provenance=provenance, source=sources(944, 987, 1012))


def district_rates(districts: pd.DataFrame, path: Path,
                   provenance: Provenance | None = None) -> Path:
    """The distribution of the districts' expulsion rates, year by year.

    Each district's expelled over its rolls on 1 January (``districts.csv``), all seeds
    pooled: a box for the middle half and whiskers to the 5th and 95th percentiles, so a
    district's record from an archive can be set against simulated districts.
    """
    d = districts[districts["members_start"] > 0]
    rate = 100 * d["expelled"] / d["members_start"]
    years = sorted(d["year"].unique())
    data = [rate[d["year"] == y].to_numpy() for y in years]
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.boxplot(data, positions=years, whis=(5, 95), showfliers=False, widths=0.5,
               medianprops={"color": SIM}, boxprops={"color": "#444444"})
    sizes = d.groupby("year")["members_start"].median()
    ax.set(xlabel="year", ylabel="% of the district's rolls on 1 January",
           title="Expulsion rates of districts (raikoms): 5th-95th percentiles, middle half, "
                 "median")
    ax.title.set_fontsize(9)
    ax.text(0.99, 0.97, f"{d['district_id'].nunique()} districts a run, median rolls "
            f"{int(sizes.median()):,}", transform=ax.transAxes, ha="right", va="top", fontsize=7)
    ax.grid(alpha=0.3)
    return save(fig, path, provenance=provenance)


def variant_curves(yearly: pd.DataFrame, path: Path,
                   title: str = "National expulsion rates by calendar year: variants "
                                "against the record",
                   provenance: Provenance | None = None) -> Path:
    """Simulated national expulsion rates per calendar year and variant (column ``variant``).

    Beside them only the book's calendar-year figures (Table 7.1's 1937 and 1938); the
    per-operation comparison is the scorecard's first pattern.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    for name, g in yearly.groupby("variant", sort=False):
        band = g.groupby("year")["expulsion_rate_pct"].quantile([0.05, 0.5, 0.95]).unstack()
        color = VARIANT_COLORS.get(name, None)
        ls = ":" if name in VARIANT_COLORS and name not in ("center-periphery",
                                                             "totalitarian") else "-"
        ax.plot(band.index, band[0.5], ls, color=color, label=name, lw=2 if ls == "-" else 1.3)
        if ls == "-":
            ax.fill_between(band.index, band[0.05], band[0.95], color=color, alpha=0.15)
    _calendar_year_book_points(ax)
    ax.set_xlabel("calendar year")
    ax.set_ylabel(f"% expelled ({CALENDAR_YEAR})", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    return save(fig, path, dpi=110, provenance=provenance, source=sources(2066))


def discriminating_quantities(disc: pd.DataFrame, path: Path,
                              provenance: Provenance | None = None) -> Path:
    """The quantities that tell the explanations apart, per variant (column ``variant``)."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    variants = list(dict.fromkeys(disc["variant"]))
    for ax, quantity, title in ((axes[0, 0], "leaders_share", "officeholders"),
                                (axes[0, 1], "clients_share", "secretaries' clients")):
        for name in variants:
            d = disc[(disc["variant"] == name) & (disc["quantity"] == quantity)]
            m = d.groupby("year")["value"].mean()
            ax.plot(m.index, 100 * m, "-o", ms=3, color=VARIANT_COLORS.get(name), label=name)
        ax.set_title(f"{title} among the expelled, %")
    axes[0, 0].legend(fontsize=6)
    ax = axes[1, 0]
    d = disc[disc["quantity"] == "election_turnover"]
    if len(d):
        table = d.groupby(["category", "variant"])["value"].mean().unstack()[variants]
        (100 * table).plot.bar(ax=ax, color=[VARIANT_COLORS.get(v) for v in variants],
                               legend=False)
    ax.set_title("1937 elections: officeholders voted out, % by level")
    ax.tick_params(axis="x", labelrotation=0, labelsize=7)
    ax = axes[1, 1]
    d = disc[disc["quantity"] == "regional_spread"]
    if len(d):
        table = d.groupby(["category", "variant"])["value"].mean().unstack()[variants]
        table.plot.bar(ax=ax, color=[VARIANT_COLORS.get(v) for v in variants], legend=False)
    ax.set_title("spread of regional expulsion rates (sd, points)")
    ax.tick_params(axis="x", labelrotation=0, labelsize=7)
    return save(fig, path, dpi=100, provenance=provenance)


def posterior(posterior: pd.DataFrame, factors: list, path: Path,
              provenance: Provenance | None = None) -> Path:
    """Weighted histograms of an ABC posterior over each factor's prior range."""
    fig, axes = plt.subplots(1, len(factors), figsize=(3.6 * len(factors), 2.8), squeeze=False)
    for ax, f in zip(axes.flat, factors, strict=True):
        ax.hist(posterior[f.name], bins=15, range=(f.low, f.high),
                weights=posterior["weight"], color="#4c72b0", alpha=0.8, density=True)
        ax.axhline(1.0 / (f.high - f.low), color="grey", ls="--", lw=1, label="prior")
        ax.set_title(f.name, fontsize=9)
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Posterior (ABC-SMC, final population)")
    return save(fig, path, dpi=110, provenance=provenance)


def predictive(yearly: pd.DataFrame, path: Path,
               provenance: Provenance | None = None) -> Path:
    """Posterior-predictive national expulsion rates by calendar year against the record."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    band = yearly.groupby("year")["expulsion_rate_pct"].quantile([0.05, 0.5, 0.95]).unstack()
    ax.fill_between(band.index, band[0.05], band[0.95], color="#4c72b0", alpha=0.25,
                    label="posterior predictive, 5-95 %")
    ax.plot(band.index, band[0.5], color="#4c72b0", label="posterior predictive, median")
    _calendar_year_book_points(ax)
    ax.set_xlabel("calendar year")
    ax.set_ylabel(f"% expelled ({CALENDAR_YEAR})", fontsize=8)
    ax.legend(fontsize=8)
    return save(fig, path, dpi=110, provenance=provenance, source=sources(2066))


def sensitivity_indices(indices: pd.DataFrame, method: str, path: Path,
                        provenance: Provenance | None = None) -> Path:
    """Bar charts of Sobol or Morris indices, one panel per output."""
    outputs = list(dict.fromkeys(indices["output"]))
    cols = min(4, len(outputs))
    rows = int(np.ceil(len(outputs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    for ax, output in zip(axes.flat, outputs, strict=False):
        d = indices[indices["output"] == output]
        x = np.arange(len(d))
        if method == "sobol" and "S1" in d:
            ax.bar(x - 0.2, d["S1"], 0.4, yerr=d["S1_conf"], label="first order (S1)",
                   color="#4c72b0")
            ax.bar(x + 0.2, d["ST"], 0.4, yerr=d["ST_conf"], label="total (ST)",
                   color="#dd8452")
            ax.set_ylim(bottom=min(0, float(np.nanmin(d[["S1", "ST"]].to_numpy())) - 0.05))
        elif "mu_star" in d:
            ax.bar(x, d["mu_star"], 0.6, yerr=d["mu_star_conf"], color="#4c72b0",
                   label="mu* (Morris)")
        ax.set_xticks(x, d["factor"], rotation=30, ha="right", fontsize=8)
        ax.set_title(output, fontsize=9)
    for ax in list(axes.flat)[len(outputs):]:
        ax.axis("off")
    if axes.flat[0].get_legend_handles_labels()[0]:
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"Sensitivity of the outputs to the factors ({method})")
    return save(fig, path, dpi=110, provenance=provenance)


def model_probabilities(probabilities: pd.DataFrame, path: Path,
                        provenance: Provenance | None = None) -> Path:
    """Posterior probability of each explanation by ABC-SMC generation (``purges verdict``).

    ``probabilities``: column ``generation``, one column per explanation and, with
    repeats of the whole model choice, ``repeat`` (each drawn; the first solid).
    """
    fig, ax = plt.subplots(figsize=(7.5, 4))
    if "repeat" not in probabilities:
        probabilities = probabilities.assign(repeat=0)
    names = [c for c in probabilities.columns if c not in ("generation", "repeat")]
    for r, rows in probabilities.groupby("repeat"):
        for name in names:
            ax.plot(rows["generation"], rows[name], "-o" if r == 0 else ":", ms=4,
                    alpha=1.0 if r == 0 else 0.6, color=VARIANT_COLORS.get(name),
                    label=name if r == 0 else None)
    ax.axhline(1 / max(1, len(names)), color="grey", ls="--", lw=1, label="prior")
    ax.set_xlabel("ABC-SMC generation")
    ax.set_ylabel("posterior probability")
    ax.set_ylim(0, 1)
    ax.set_xticks(sorted(set(probabilities["generation"])))
    repeats = probabilities["repeat"].nunique()
    if repeats > 1:
        ax.plot([], [], ":", color="grey", label=f"other repeats ({repeats - 1})")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title("Which explanation the visible record supports")
    return save(fig, path, dpi=110, provenance=provenance)


def separation(pairs: pd.DataFrame, path: Path, threshold: float,
               provenance: Provenance | None = None) -> Path:
    """How far apart the explanations' prior predictives lie, statistic by pair.

    ``pairs``: :func:`experiments.verdict.separation`'s table; cells are standardized
    differences of the means (capped at 5), framed where at least ``threshold``.
    """
    pairs = pairs.assign(pair=pairs["a"] + " vs " + pairs["b"])
    table = pairs.pivot(index="statistic", columns="pair", values="standardized_difference")
    table = table.reindex(index=list(dict.fromkeys(pairs["statistic"])),
                          columns=list(dict.fromkeys(pairs["pair"])))
    values = np.clip(table.to_numpy(float), 0, 5)
    fig, ax = plt.subplots(figsize=(2.5 + 0.35 * table.shape[1], 1.5 + 0.28 * table.shape[0]))
    image = ax.imshow(np.nan_to_num(values), cmap="viridis", vmin=0, vmax=5, aspect="auto")
    for i, j in zip(*np.nonzero(np.nan_to_num(values) >= threshold), strict=True):
        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="white", lw=0.8))
    ax.set_yticks(range(table.shape[0]), table.index, fontsize=7)
    ax.set_xticks(range(table.shape[1]), table.columns, fontsize=6, rotation=60, ha="right")
    fig.colorbar(image, ax=ax, label="|difference of means| / pooled sd (capped at 5)")
    ax.set_title(f"Prior predictive: which statistics separate which explanations "
                 f"(framed: >= {threshold:g})", fontsize=9)
    return save(fig, path, dpi=100, provenance=provenance)


def predictive_intervals(checks: pd.DataFrame, path: Path,
                         provenance: Provenance | None = None) -> Path:
    """Out of sample: each explanation's 90 % predictive interval against the book.

    ``checks``: :func:`experiments.verdict.predictive_checks`; one panel per statistic
    of the period "predicted" (1937-1938, not calibrated on).
    """
    later = checks[checks["period"] == "predicted"]
    stats = list(dict.fromkeys(later["statistic"]))
    names = list(dict.fromkeys(later["explanation"]))
    cols = min(3, max(1, len(stats)))
    rows = -(-len(stats) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 0.45 * len(names) * rows + 1.6),
                             squeeze=False)
    for ax, stat in zip(axes.flat, stats, strict=False):
        d = later[later["statistic"] == stat].set_index("explanation").reindex(names)
        y = np.arange(len(names))
        ax.hlines(y, d["low"], d["high"], color=[VARIANT_COLORS.get(n, SIM) for n in names], lw=3)
        ax.plot(d["median"], y, "o", color="black", ms=3)
        ax.axvline(d["book"].iloc[0], color=HIST, ls="--", lw=1.2, label="book")
        ax.set_yticks(y, names, fontsize=7)
        ax.set_title(stat, fontsize=8)
        ax.invert_yaxis()
    for ax in list(axes.flat)[len(stats):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("1937-1938 predicted from a calibration on 1933-1936 (90 % intervals)",
                 fontsize=10)
    return save(fig, path, dpi=100, provenance=provenance)


def robustness(table: pd.DataFrame, path: Path, provenance: Provenance | None = None) -> Path:
    """The verdict's robustness: each explanation's probability under each variation."""
    names = [c for c in table.columns
             if c not in ("variation", "best", "agrees", "rejected_stay_rejected")]
    values = table[names].to_numpy(float)
    import textwrap

    fig, ax = plt.subplots(figsize=(6.5 + 0.9 * len(names), 1.2 + 0.32 * len(table)))
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=6,
                    color="white" if values[i, j] > 0.6 else "black")
    ax.set_yticks(range(len(table)), [textwrap.shorten(str(t), 60, placeholder="...")
                                      for t in table["variation"]], fontsize=7)
    ax.set_xticks(range(len(names)), names, fontsize=7, rotation=40, ha="right")
    fig.colorbar(image, ax=ax, label="posterior probability")
    ax.set_title("Robustness of the verdict: posterior probabilities under each variation",
                 fontsize=9)
    return save(fig, path, dpi=100, provenance=provenance)
