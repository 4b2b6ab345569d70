"""Simulated against historical: the visible calibration targets and their distances.

Each target names the historical figure (from ``experiments/data/historical_figures.csv``
by ``figure_id``) and how the same quantity is read off a simulated run. Figures the
book withholds for validation are never used here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments import history
from experiments.runner import RunResult


@dataclass(frozen=True)
class Target:
    """One visible pattern: a historical value and the simulated quantity to set beside it."""

    name: str
    figure_id: str
    description: str
    simulated: Callable[[RunResult], float]
    scale: float = 1.0  # historical value multiplied by this (e.g. shares -> percent)


def _operation(name: str, column: str = "rate_pct_of_rolls") -> Callable[[RunResult], float]:
    def read(r: RunResult) -> float:
        row = r.operations[r.operations["operation"] == name]
        return float(row[column].iloc[0]) if len(row) else float("nan")
    return read


def _year(year: int) -> Callable[[RunResult], float]:
    def read(r: RunResult) -> float:
        row = r.yearly[r.yearly["year"] == year]
        return float(row["expulsion_rate_pct"].iloc[0]) if len(row) else float("nan")
    return read


def _region(operation: str, region: str) -> Callable[[RunResult], float]:
    def read(r: RunResult) -> float:
        row = r.regions[(r.regions["operation"] == operation) & (r.regions["region"] == region)]
        return float(row["rate_pct_of_rolls"].iloc[0]) if len(row) else float("nan")
    return read


def chistka_month_rate(r: RunResult, month: str) -> float:
    """Share of those screened in ``month`` who were expelled by the *chistka*, in percent."""
    e = r.expulsions
    expelled = int(((e["campaign"] == "chistka") & (e["month"] == month)).sum()) if len(e) else 0
    screened = r.monthly.loc[r.monthly["month"] == month, "screened"]
    return 100.0 * expelled / float(screened.iloc[0]) if len(screened) and screened.iloc[0] else np.nan


def chistka_cumulative_1933(r: RunResult) -> float:
    """Expelled by the chistka over those screened, June-December 1933, in percent."""
    e = r.expulsions
    months = [f"1933-{m:02d}" for m in range(6, 13)]
    expelled = int(((e["campaign"] == "chistka") & e["month"].isin(months)).sum()) if len(e) else 0
    screened = r.monthly.loc[r.monthly["month"].isin(months), "screened"].sum()
    return 100.0 * expelled / screened if screened else np.nan


def _chain(numerator: str, denominator: str) -> Callable[[RunResult], float]:
    """A ratio of denunciation flows during the 1935 proverka meetings (May-Dec 1935)."""
    def read(r: RunResult) -> float:
        m = r.monthly[(r.monthly["month"] >= "1935-05") & (r.monthly["month"] <= "1935-12")]
        den = m[denominator].sum()
        return float(m[numerator].sum() / den) if den else np.nan
    return read


def _rolls_shrink_1933_34(r: RunResult) -> float:
    y = r.yearly.set_index("year")
    if 1933 not in y.index or 1935 not in y.index:
        return np.nan
    return 100.0 * (1.0 - y.loc[1935, "members_start"] / y.loc[1933, "members_start"])


def _share(operation: str, column: str, test: Callable[[pd.Series], pd.Series]):
    """Share (percent) of an operation's expellees for whom ``test(column)`` holds."""
    def read(r: RunResult) -> float:
        e = r.expulsions[r.expulsions["campaign"] == operation] if len(r.expulsions) else None
        if e is None or not len(e):
            return np.nan
        return 100.0 * float(test(e[column]).mean())
    return read


def _candidate_member_ratio(r: RunResult) -> float:
    """Proverka expulsion rate of candidates over that of members (Western Region, L976)."""
    e = r.expulsions[r.expulsions["campaign"] == "proverka"]
    m = r.monthly[r.monthly["month"] == "1935-04"]
    if not len(m) or not len(e):
        return np.nan
    cand = e["was_candidate"].sum() / max(1, int(m["n_candidate"].iloc[0]))
    memb = (~e["was_candidate"].astype(bool)).sum() / max(1, int(m["n_member"].iloc[0]))
    return float(cand / memb) if memb else np.nan


def _readmitted_share_1938(r: RunResult) -> float:
    """Share of appeals examined January-August 1938 that readmitted (L2203)."""
    m = r.monthly[(r.monthly["month"] >= "1938-01") & (r.monthly["month"] <= "1938-08")]
    return 100.0 * m["reinstated"].sum() / m["appeals"].sum() if m["appeals"].sum() else np.nan


TARGETS: tuple[Target, ...] = (
    Target("chistka_national", "t3_4_chistka_1933_national",
           "1933 chistka, % of party expelled (Table 3.4)", _operation("chistka")),
    Target("proverka_national", "t3_4_proverka_1935_national",
           "1935 proverka, % expelled (Table 3.4)", _operation("proverka")),
    Target("expelled_1937", "t7_1_1937_pct", "1937, % of party expelled (Table 7.1)", _year(1937)),
    Target("expelled_1938", "t7_1_1938_pct", "1938, % of party expelled (Table 7.1)", _year(1938)),
    Target("chistka_first_month", "text_chistka_first_month_rate",
           "chistka, % expelled of those screened in June 1933 ('over one-third', L672)",
           lambda r: chistka_month_rate(r, "1933-06")),
    Target("chistka_1933_cumulative", "text_chistka_rate_end_1933",
           "chistka, % expelled of those screened by end-1933 ('cut in half', L672)",
           chistka_cumulative_1933),
    Target("western_chistka", "t3_4_chistka_1933_smolensk",
           "chistka, Western Region vs Smolensk (Table 3.4)",
           _region("chistka", "Western Region")),
    Target("western_proverka", "t3_4_proverka_1935_smolensk",
           "proverka, Western Region vs Smolensk (Table 3.4)",
           _region("proverka", "Western Region")),
    Target("chain_checked_share", "derived_t3_2_checked_share",
           "proverka statements checked / made (Table 3.2: 492/712)",
           _chain("denunciations_checked", "denunciations_made")),
    Target("chain_supported_share", "derived_t3_2_supported_share",
           "supported / checked (Table 3.2: 323/492)",
           _chain("denunciations_supported", "denunciations_checked")),
    Target("chain_expelled_share", "derived_t3_2_expelled_share",
           "expelled / supported (Table 3.2: 134/323)",
           _chain("outcome_expel", "denunciations_supported")),
    Target("rolls_shrink_1933_34", "text_party_shrank_one_third",
           "% fall of the rolls 1933-34 ('decreased in size by one-third', L697)",
           _rolls_shrink_1933_34),
    Target("obmen_rate", "text_obmen_smolensk_pct",
           "1936 obmen, % expelled (about 2 %, L1109-1111)", _operation("obmen")),
    Target("chistka_passivity_share", "t2_3_passivity_pct",
           "chistka expellees expelled for passivity, % (Table 2.3)",
           _share("chistka", "reason", lambda c: c == "passivity")),
    Target("chistka_joined_since_1929", "text_chistka_joined_since_1929_pct",
           "chistka expellees who joined in 1929 or later, % (L678)",
           _share("chistka", "joined", lambda c: c >= 1929)),
    Target("proverka_joined_1929_32", "derived_proverka_joined_1929_32_pct",
           "proverka expellees who joined 1929-32, % (235 of 455, L1038)",
           _share("proverka", "joined", lambda c: c.between(1929, 1932))),
    Target("proverka_candidate_member_ratio", "derived_proverka_candidate_member_ratio",
           "proverka rate of candidates / members (13.1 / 10.1, L976)",
           _candidate_member_ratio),
    Target("readmitted_share_1938", "text_1938_readmitted_pct",
           "% of appeals examined Jan-Aug 1938 that readmitted (L2203)",
           _readmitted_share_1938),
)


def historical_values() -> dict[str, tuple[float, str, int]]:
    """figure_id -> (value, source table, book line), derived chain ratios included."""
    figures = history.load_figures().set_index("figure_id")
    out = {fid: (float(row["value"]), str(row["source_table"]), int(row["book_line"]))
           for fid, row in figures.iterrows() if row["status"] != "withheld"
           and pd.notna(row["value"])}
    chain = history.proverka_denunciation_chain().set_index("stage")["n"]
    line = out.get("t3_2_statements", (0, "Table 3.2", 859))[2]
    out["derived_t3_2_checked_share"] = (chain["checked"] / chain["statements"], "Table 3.2", line)
    out["derived_t3_2_supported_share"] = (chain["supported"] / chain["checked"], "Table 3.2", line)
    out["derived_t3_2_expelled_share"] = (chain["expelled"] / chain["supported"], "Table 3.2", line)
    out["derived_proverka_joined_1929_32_pct"] = (
        100.0 * figures.loc["text_proverka_smolensk_joined_1929_32", "value"]
        / figures.loc["t3_5_total_n", "value"], "text", 1038)
    out["derived_proverka_candidate_member_ratio"] = (
        figures.loc["text_proverka_western_candidates_pct", "value"]
        / figures.loc["text_proverka_western_members_pct", "value"], "text", 976)
    return out


def comparison_table(results: list[RunResult]) -> pd.DataFrame:
    """Per target: historical value, simulated mean, 5-95 % band over seeds, and distance."""
    hist = historical_values()
    rows = []
    for t in TARGETS:
        values = np.array([t.simulated(r) for r in results], dtype=float)
        h = hist.get(t.figure_id)
        mean = float(np.nanmean(values)) if np.isfinite(values).any() else np.nan
        rows.append({
            "target": t.name, "description": t.description,
            "historical": h[0] * t.scale if h else np.nan,
            "source": f"{h[1]}, L{h[2]}" if h else "missing in data file",
            "simulated_mean": mean,
            "simulated_p05": float(np.nanpercentile(values, 5)) if np.isfinite(values).any() else np.nan,
            "simulated_p95": float(np.nanpercentile(values, 95)) if np.isfinite(values).any() else np.nan,
            "distance": mean - h[0] * t.scale if h else np.nan,
            "n_seeds": int(np.isfinite(values).sum()),
        })
    return pd.DataFrame(rows)
