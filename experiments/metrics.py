"""What a sweep keeps of each run: summary metrics and the yearly series.

Every visible calibration target of :mod:`experiments.compare` (prefixed ``target_``)
and the quantities that discriminate explanations even where the book's figures are
withheld: leaders' share of the expelled per year, records loss, reinstatements, the
share of the expelled who were secretaries' clients, election turnover and the
regional secretaries of 1933 still in office.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.runner import RunResult
from experiments.scorecard import simulated_values

YEARS = range(1933, 1940)

# Columns of the yearly series kept per run (tidy: one row per run and year).
YEARLY_COLUMNS = ("year", "members_start", "in_party_start", "expelled", "expulsion_rate_pct",
                  "demoted", "reinstated", "lost_from_rolls", "arrested", "admitted",
                  "denunciations_made", "denunciations_checked", "denunciations_supported",
                  "outcome_expel", "expelled_rank_and_file", "expelled_ppo_secretary",
                  "expelled_other_official", "expelled_district_secretary",
                  "expelled_regional_secretary", "regional_secretaries_original_end")


def summarize(result: RunResult) -> dict[str, float]:
    """Summary metrics of one run (floats; NaN where a quantity is undefined)."""
    out = {f"target_{name}": value for name, value in simulated_values(result).items()}
    yearly = result.yearly.set_index("year")
    expelled = result.expulsions
    start = float(yearly["members_start"].iloc[0])
    for year in YEARS:
        out[f"rate_{year}"] = float(yearly.loc[year, "expulsion_rate_pct"]) if (
            year in yearly.index) else float("nan")
        e = expelled[expelled["year"] == year] if len(expelled) else expelled
        out[f"leaders_share_{year}"] = float((e["level"] != "rank_and_file").mean()) if len(
            e) else float("nan")
    total = yearly.sum(numeric_only=True)
    out["leaders_share"] = float((expelled["level"] != "rank_and_file").mean()) if len(
        expelled) else float("nan")
    out["clients_share"] = float(expelled["client"].astype(bool).mean()) if len(
        expelled) else float("nan")
    out["records_loss_pct"] = 100.0 * float(total["lost_from_rolls"]) / start
    out["reinstated_pct"] = 100.0 * float(total["reinstated"]) / start
    out["arrested_pct"] = 100.0 * float(total["arrested"]) / start
    holders = sum(float(total.get(f"election_holders_{lvl}", 0)) for lvl in (
        "ppo_secretary", "other_official", "district_secretary"))
    voted = sum(float(total.get(f"voted_out_{lvl}", 0)) for lvl in (
        "ppo_secretary", "other_official", "district_secretary"))
    out["election_turnover_pct"] = 100.0 * voted / holders if holders else float("nan")
    out["regional_secretaries_original_1939"] = float(
        yearly["regional_secretaries_original_end"].iloc[-1])
    return out


def yearly_series(result: RunResult) -> pd.DataFrame:
    """The yearly series kept by a sweep (columns :data:`YEARLY_COLUMNS`)."""
    yearly = result.yearly
    cols = [c for c in YEARLY_COLUMNS if c in yearly]
    frame = yearly[cols].copy()
    for c in YEARLY_COLUMNS:
        if c not in frame:
            frame[c] = np.nan
    return frame[list(YEARLY_COLUMNS)]
