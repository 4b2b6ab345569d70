"""What the model reports: DataCollector reporters and the tidy tables of one run.

The tables of one run are made here and only here: monthly, yearly, expulsions (one row
per expulsion), operations (each screening operation's rate) and regions (per region and
operation); ``experiments.runner`` collects them into a ``RunResult``.

Model reporters are module-level functions bound with ``functools.partial`` (no
lambdas, so models pickle for parallel runs). Monthly flows are counted in
``model.flows`` during a step and read at the end of it, with the state counts, as one
integer vector a month (:func:`counts`; :func:`monthly_table` spreads it into columns);
every expulsion is also a row of the DataCollector table ``expulsions`` with its level,
reason, channel, year joined, social origin and region.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from model.census import IN_PARTY, LEVELS, ON_ROLLS, STATES
from model.scenario import month_index, month_label

# Monthly flows counted by the model (see PurgeModel.count).
FLOWS = (
    "expelled", "demoted", "reinstated", "lost_from_rolls", "withdrew", "drifted", "arrested",
    "admitted", "promoted", "screened", "appeals", "rebukes", "repeats_ordered", "shielded",
    "removed_by_screening",
    "deflected",
    "denunciations_made", "denunciations_lateral", "denunciations_from_below",
    "denunciations_from_above", "denunciations_checked", "denunciations_supported",
    "denunciations_unsupported", "denunciations_pending", "denunciations_disregarded",
    "outcome_expel", "outcome_demote", "outcome_reprimand", "outcome_remove_from_post",
    "outcome_warn",
    *(f"removed_{lvl}" for lvl in LEVELS[1:]),
    *(f"voted_out_{lvl}" for lvl in LEVELS[1:]),
    *(f"election_holders_{lvl}" for lvl in LEVELS[1:]),
    *(f"expelled_{lvl}" for lvl in LEVELS),
)

EXPULSION_COLUMNS = ("month", "member_id", "region", "district_id", "level", "reason",
                     "channel", "campaign", "joined", "origin", "was_candidate", "client")


# The integer columns reported each month, in the order of the monthly table (the month's
# label comes first and records_chaos after these, then the flows).
COUNTS = (*(f"n_{s}" for s in STATES), "on_rolls", "in_party", "regional_secretaries_original")
_ON_ROLLS = [STATES.index(s) for s in ON_ROLLS]
_IN_PARTY = [STATES.index(s) for s in IN_PARTY]
FLOW_INDEX = {name: i for i, name in enumerate(FLOWS)}


def counts(model) -> np.ndarray:
    """Reporter: the month's state counts, rolls and flows, one integer vector.

    In the order :data:`COUNTS` then :data:`FLOWS`. One vector a month rather than one
    reporter per column: Mesa's DataCollector copies every reported value, which for
    some eighty columns cost a tenth of an array-engine run.
    """
    states = model.state_vector()
    return np.concatenate((states, [states[_ON_ROLLS].sum(), states[_IN_PARTY].sum(),
                                    model.regional_secretaries_original],
                           model.flow_counts()))


def model_reporters() -> dict[str, object]:
    """The DataCollector's model reporters."""
    return {"month": "month_label", "records_chaos": "records_chaos",
            "counts": partial(counts)}


def _collected(model) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The collected reports: month labels, records_chaos and the count vectors (t=0 first)."""
    reports = model.datacollector.model_vars
    return (reports["month"], np.asarray(reports["records_chaos"], dtype=float),
            np.vstack(reports["counts"]))


def monthly_table(model) -> pd.DataFrame:
    """One row per simulated month (the t=0 row is dropped), all reports as columns."""
    months, chaos, counts_ = _collected(model)
    frame = pd.DataFrame(counts_[1:], columns=[*COUNTS, *FLOWS])
    frame.insert(0, "month", pd.Series(list(months[1:])))
    frame.insert(1, "year", _years(months[1:]))
    frame.insert(2 + len(COUNTS), "records_chaos", chaos[1:])
    return frame


def _years(months) -> np.ndarray:
    """The calendar year of each month label ``"YYYY-MM"``."""
    return np.fromiter((int(m[:4]) for m in months), dtype=np.int64, count=len(months))


def expulsions_table(model) -> pd.DataFrame:
    """One row per expulsion (including arrests), with its calendar year."""
    df = model.expulsion_records()
    if df.empty:
        df = pd.DataFrame(columns=list(EXPULSION_COLUMNS))
        df["year"] = pd.Series(dtype=int)
        return df
    codes, labels = pd.factorize(df["month"])
    df["year"] = _years(labels)[codes]
    return df


def yearly_table(model) -> pd.DataFrame:
    """Per calendar year: rolls at the start, expelled, rate, and the other flows."""
    months, _, counts_ = _collected(model)
    years = _years(months[1:])
    first = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])  # first month of each year
    flows = counts_[1:, len(COUNTS):]
    rolls, party, original = (counts_[:, COUNTS.index(c)] for c in (
        "on_rolls", "in_party", "regional_secretaries_original"))
    last = np.r_[first[1:], len(years)] - 1
    yearly = pd.DataFrame(np.add.reduceat(flows, first, axis=0), columns=list(FLOWS))
    yearly.insert(0, "year", years[first])
    yearly.insert(1, "members_start", rolls[first])  # the month before each year's first
    yearly.insert(2, "in_party_start", party[first])
    yearly.insert(4, "expulsion_rate_pct", 100.0 * yearly["expelled"] / yearly["members_start"])
    yearly["regional_secretaries_original_end"] = original[1:][last]
    return yearly


def operations_table(model, monthly: pd.DataFrame, expulsions: pd.DataFrame) -> pd.DataFrame:
    """Expulsion rate of each screening operation and of each calendar year.

    The book's rates are "the percentage expelled of those undergoing the operation"
    (Table 2.1, note a, L584) and, in Table 7.1, "percent of party" (L2061). The model
    reports both denominators: ``rate_pct_of_rolls`` (expelled by the operation over the
    rolls in its first month) and ``rate_pct_of_screened``.
    """
    rows = []
    rolls = monthly.set_index("month")["on_rolls"]
    first_rolls = int(_collected(model)[2][0, COUNTS.index("on_rolls")])
    for c in model.calendar.campaigns:
        if c.pace <= 0:
            continue
        start = month_index(c.start) - 1
        base = first_rolls if start < model.calendar.first_month else int(
            rolls.get(month_label(start), first_rolls))
        stats = [v for (name, _), v in model.operation_stats.items() if name == c.name]
        screened = sum(s["screened"] for s in stats)
        expelled = int((expulsions["campaign"] == c.name).sum()) if len(expulsions) else 0
        rows.append({"operation": c.name, "expelled": expelled, "base": base,
                     "screened": screened, "rate_pct_of_rolls": 100.0 * expelled / max(1, base),
                     "rate_pct_of_screened": 100.0 * expelled / max(1, screened)})
    return pd.DataFrame(rows)


def regions_table(model, expulsions: pd.DataFrame) -> pd.DataFrame:
    """Per region and screening operation: expelled over members screened."""
    rows = []
    regions = {r.name: r for r in model.regions}
    for (name, region), stats in sorted(model.operation_stats.items()):
        expelled = stats["expelled"]
        rows.append({"operation": name, "region": region, "base": stats["base"],
                     "ordered_to_repeat": name in regions[region].repeats,
                     "screened": stats["screened"], "expelled": expelled,
                     "rate_pct_of_rolls": 100.0 * expelled / max(1, stats["base"]),
                     "rate_pct_of_screened": 100.0 * expelled / max(1, stats["screened"])})
    return pd.DataFrame(rows)
