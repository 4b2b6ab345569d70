"""What a sweep keeps of each run: summary outputs and the yearly series.

Every visible calibration target of :mod:`experiments.targets` (prefixed ``target_``)
and the outputs in :data:`SUMMARY`, all defined in :mod:`experiments.outputs`: the
yearly rates, leaders' share of the expelled per year, records loss, reinstatements,
arrests, the share of the expelled who were secretaries' clients, election turnover and
the regional secretaries of 1933 still in office. These names are the metric columns of
a sweep's ``runs/*.parquet``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import experiments.outputs as outputs
from experiments.runner import RunResult
from experiments.scorecard import simulated_values

YEARS = outputs.YEARS

# The outputs a sweep keeps per run, after the targets (names of experiments.outputs.OUTPUTS).
SUMMARY = (*(name for year in YEARS for name in (f"rate_{year}", f"leaders_share_{year}")),
           "leaders_share", "clients_share", "records_loss_pct", "reinstated_pct",
           "arrested_pct", "election_turnover_pct", "regional_secretaries_original_1939")

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
    out.update({name: outputs.value(name, result) for name in SUMMARY})
    return out


def yearly_series(result: RunResult) -> pd.DataFrame:
    """The yearly series kept by a sweep (columns :data:`YEARLY_COLUMNS`)."""
    return pd.DataFrame(_yearly_arrays(result))


def yearly_record(result: RunResult) -> dict[str, list]:
    """:func:`yearly_series` as a sweep's journal keeps it: a list per column.

    Without the frame (making one to turn it into lists cost more than the rest of a
    run's record).
    """
    return {c: values.tolist() for c, values in _yearly_arrays(result).items()}


def _yearly_arrays(result: RunResult) -> dict[str, np.ndarray]:
    yearly = result.columns["yearly"]
    n = len(yearly["year"])
    return {c: np.asarray(yearly[c]) if c in yearly else np.full(n, np.nan)
            for c in YEARLY_COLUMNS}
