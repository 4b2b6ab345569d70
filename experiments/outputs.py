"""The vocabulary of outputs: every quantity read off a run, and every column written.

Each per-run output is defined once here, by name, with a description and a unit, and
read off a :class:`experiments.runner.RunResult`:

* :data:`OUTPUTS` - the named scalars of one run (``rate_1937``, ``leaders_share_1937``,
  ``chistka_national``, ``election_turnover_pct``, ...). The sweeps' summary
  (:func:`experiments.metrics.summarize`), docking (:data:`experiments.docking.METRICS`)
  and the visible calibration targets (:data:`experiments.targets.TARGETS`) pick from it;
* :data:`QUANTITIES` - the discriminating quantities per year or category
  (:func:`experiments.scorecard.discriminating`), read with the functions below;
* :data:`TABLES` - the columns of every table ``purges run``, ``compare``, ``sweep``,
  ``sensitivity`` and ``calibrate`` write, with the descriptions of the model's monthly
  flows (:data:`FLOW_DESCRIPTIONS`; the flows themselves are listed in
  :data:`model.reporters.FLOWS`).

``python -m experiments.datadict`` writes ``docs/outputs.md`` from these definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

# LEVELS and STATES as the reporters use them (they move from model.agents to model.census)
from model.census import LEVELS, STATES
from model.reporters import CONFERENCE_MONTH, EXPULSION_COLUMNS, FLOWS

if TYPE_CHECKING:
    from experiments.runner import RunResult

YEARS = range(1933, 1940)
ELECTED_LEVELS = ("ppo_secretary", "other_official", "district_secretary")
_UPHELD = ("denunciations_supported", "denunciations_disregarded")
PROVERKA_MEETINGS = ("1935-05", "1935-12")  # the months of the 1935 proverka meetings


_LEVEL_WORDS = {"rank_and_file": "rank-and-file members", "ppo_secretary":
                "primary-organization secretaries", "other_official":
                "other officials (directors, chairmen)", "district_secretary":
                "district (raion) secretaries", "regional_secretary":
                "regional (obkom) first secretaries"}


# --- the quantities, read off one run ------------------------------------------------------
#
# Each reader takes a RunResult and reads the run's numpy columns (RunResult.columns), not
# its pandas frames: the forty outputs of a sweep's or a calibration's summary cost well
# under a millisecond each, and no frame is built for them. Quantities several outputs
# share are computed once per result (RunResult.derived).

def _yearly(r: RunResult) -> dict[str, np.ndarray]:
    return r.columns["yearly"]


def _monthly(r: RunResult) -> dict[str, np.ndarray]:
    return r.columns["monthly"]


def _expelled(r: RunResult) -> dict[str, np.ndarray]:
    """The expulsions' columns, with ``office``: held an office when expelled."""
    def compute(r: RunResult) -> dict[str, np.ndarray]:
        e = dict(r.columns["expulsions"])
        e["office"] = e["level"] != "rank_and_file"
        e["client"] = e["client"].astype(bool)
        e["was_candidate"] = e["was_candidate"].astype(bool)
        return e
    return r.derived("expulsions", compute)


def _month_row(r: RunResult, month: str) -> int | None:
    """Position of ``month`` in the monthly table (None: not simulated)."""
    rows = r.derived("month_rows", lambda r: {m: i for i, m in enumerate(_monthly(r)["month"])})
    return rows.get(month)


class _Sums(dict):
    """Numeric columns of a table summed over some of its rows, each when first asked for.

    A dict of the sums (``sums[column]``, ``sums.get(column, default)``); a column that is
    not a numeric column of the table (or is its month or year) is missing.
    """

    def __init__(self, table: dict[str, np.ndarray], keep):
        """The columns of ``table`` at rows ``keep`` (a mask or a slice)."""
        super().__init__()
        self._table, self._keep = table, keep

    def __missing__(self, column: str) -> float:
        values = self._table[column]
        if column in ("month", "year") or values.dtype.kind not in "biuf":
            raise KeyError(column)
        total = self[column] = float(values[self._keep].sum())
        return total

    def get(self, column: str, default=None):
        """The sum of ``column``, or ``default`` if the table has no such numeric column."""
        try:
            return self[column]
        except KeyError:
            return default


def _sums_over(r: RunResult, months: tuple[str, str] | None) -> _Sums:
    """The numeric columns of the monthly table summed over ``months`` (None: the run)."""
    def compute(r: RunResult) -> _Sums:
        if months is None:
            return _Sums(_yearly(r), slice(None))
        table = _monthly(r)
        return _Sums(table, (table["month"] >= months[0]) & (table["month"] <= months[1]))
    return r.derived(f"sums {months}", compute)


def operation_rate(r: RunResult, operation: str, region: str | None = None) -> float:
    """Expelled by a screening operation over the rolls in its first month, in percent.

    National (``operations`` table) or in one region (``regions`` table); NaN if the
    run has no such operation.
    """
    def compute(r: RunResult) -> dict[tuple[str, str | None], float]:
        rates: dict[tuple[str, str | None], float] = {}
        for row in r.columns["operations"]:
            rates.setdefault((row["operation"], None), float(row["rate_pct_of_rolls"]))
        for row in r.columns["regions"]:
            rates.setdefault((row["operation"], row["region"]), float(row["rate_pct_of_rolls"]))
        return rates
    return r.derived("operation_rates", compute).get((operation, region), float("nan"))


def yearly_rate(r: RunResult, year: int) -> float:
    """Expelled in a calendar year over the rolls at its start, in percent (NaN: no such year)."""
    y = _yearly(r)
    row = np.flatnonzero(y["year"] == year)
    return float(y["expulsion_rate_pct"][row[0]]) if len(row) else float("nan")


def _expelled_in(r: RunResult, year: int | None) -> pd.DataFrame:
    e = r.expulsions
    if year is None or not len(e):
        return e
    return e[e["year"] == year]


def _share_of_expelled(r: RunResult, column: str, year: int | None) -> float:
    e = _expelled(r)
    values = e[column] if year is None else e[column][e["year"] == year]
    return float(values.mean()) if len(values) else float("nan")


def leaders_share(r: RunResult, year: int | None = None) -> float:
    """Share of the expelled (in ``year``, or over the run) who held an office."""
    return _share_of_expelled(r, "office", year)


def clients_share(r: RunResult, year: int | None = None) -> float:
    """Share of the expelled (in ``year``, or over the run) who were a secretary's clients."""
    return _share_of_expelled(r, "client", year)


def level_shares(r: RunResult, year: int) -> dict[str, float]:
    """Share of the expelled in ``year`` at each office level (most frequent first)."""
    e = _expelled_in(r, year)
    n = len(e)
    return {level: k / n for level, k in e["level"].value_counts().items()}


def _start(r: RunResult) -> float:
    return float(_yearly(r)["members_start"][0])


def total_pct(r: RunResult, flow: str) -> float:
    """A monthly flow summed over the run, in percent of the rolls at the start."""
    return 100.0 * _sums_over(r, None)[flow] / _start(r)


def _elections(r: RunResult, levels: tuple[str, ...], year: int | None) -> tuple[float, float]:
    """(voted out, officeholders standing) at ``levels`` in ``year`` or over the run."""
    if year is None:
        total = _sums_over(r, None)
    else:
        y = _yearly(r)
        row = np.flatnonzero(y["year"] == year)
        if not len(row):
            return 0.0, 0.0
        total = {c: float(v[row[0]]) for c, v in y.items() if c.startswith(("election_", "voted"))}
    holders = sum(total.get(f"election_holders_{lvl}", 0.0) for lvl in levels)
    voted = sum(total.get(f"voted_out_{lvl}", 0.0) for lvl in levels)
    return voted, holders


def voted_out_any(r: RunResult, year: int = 1937) -> float:
    """100 if any officeholder below the region was voted out in ``year``, else 0.

    A fact of the visible text, not a figure: in 1937 some district and cell leaders were
    voted out (L1761, Belyi's first secretary L1769, L1914); how many is withheld
    (L1827-1871, L1914) and not used. Criticism from below and the secret ballot make it
    100; an explanation without them makes it 0.
    """
    voted, _ = _elections(r, ELECTED_LEVELS, year)
    return 100.0 if voted > 0 else 0.0


def election_turnover_pct(r: RunResult) -> float:
    """Officeholders voted out over those standing, all elected levels, whole run, percent."""
    voted, holders = _elections(r, ELECTED_LEVELS, None)
    return 100.0 * voted / holders if holders else float("nan")


def election_turnover(r: RunResult, level: str, year: int = 1937) -> float:
    """Share of the officeholders of one level standing in ``year`` who were voted out."""
    voted, holders = _elections(r, (level,), year)
    return voted / holders if holders else float("nan")


def voted_out_pct(r: RunResult) -> float:
    """Officeholders voted out over the run, in percent of the rolls at the start."""
    voted, _ = _elections(r, ELECTED_LEVELS, None)
    return 100.0 * voted / _start(r)


def chain_ratio(r: RunResult, numerator: str | tuple[str, ...], denominator: str | tuple[str, ...],
                months: tuple[str, str] | None = None) -> float:
    """A ratio of monthly flows summed over ``months`` (first, last) or the whole run.

    ``numerator`` and ``denominator`` name one flow or a tuple of flows to add up.
    """
    total = _sums_over(r, months)
    num = sum(total[c] for c in ([numerator] if isinstance(numerator, str) else numerator))
    den = sum(total[c] for c in ([denominator] if isinstance(denominator, str) else denominator))
    return float(num / den) if den else float("nan")


def regional_secretaries_left(r: RunResult) -> float:
    """Regional first secretaries of 1933 still in office at the end of the run."""
    return float(_yearly(r)["regional_secretaries_original_end"][-1])


def _tenures(r: RunResult) -> list[dict]:
    return r.columns["regional_secretaries"]


def first_secretaries_per_region(r: RunResult, first: str = "1937-01",
                                 last: str = "1938-12") -> float:
    """Mean over regions of the first secretaries who held office between two months.

    Counts every tenure of the ``regional_secretaries`` table that overlaps ``first`` to
    ``last`` (months as "YYYY-MM"); 1 means nobody changed, 3 two successions.
    """
    rows = _tenures(r)
    regions = {row["region"] for row in rows}
    held = [row for row in rows if row["start"] <= last and (not row["end"] or row["end"] > first)]
    return len(held) / len(regions) if regions else np.nan


def regions_covered(r: RunResult, operation: str = "chistka", by: str = "1933-12") -> float:
    """Share of the run's regions an operation had covered by the end of month ``by`` (%).

    Covered: 90 % of the region's organizations screened (``regions`` table, ``covered``;
    model.base.COVERED_SHARE). The book: the chistka "had covered only ten regional
    organizations" after seven months (L666).
    """
    rows = [row for row in r.columns["regions"] if row["operation"] == operation]
    if not rows:
        return np.nan
    return 100.0 * sum(bool(row["covered"]) and row["covered"] <= by for row in rows) / len(rows)


def leaders_left_in(r: RunResult, first: str, last: str, how: tuple[str, ...] = ()) -> float:
    """Share of the run's regions whose first secretary left office between two months (%).

    ``how``: only those who left so (:data:`model.reporters.HOW_LEFT`); all if empty.
    """
    rows = _tenures(r)
    regions = {row["region"] for row in rows if row["start"] <= last}  # those that existed
    left = {row["region"] for row in rows if row["end"] and first <= row["end"] <= last
            and (not how or row["how_left"] in how)}
    return 100.0 * len(left) / len(regions) if regions else np.nan


def regional_rate_spread(r: RunResult, operation: str = "proverka") -> float:
    """Standard deviation across the run's regions of an operation's rate, % of screened."""
    rates = [float(row["rate_pct_of_screened"]) for row in r.columns["regions"]
             if row["operation"] == operation and row["screened"] > 0]
    return float(np.std(rates)) if len(rates) > 1 else np.nan


# The regions the Central Committee's report on the proverka's second month named (L944):
# the problem areas near or above the national 6 % of cards confiscated, and the
# favourably regarded ones, all below it (their cards confiscated: 7.4, 11, 9 % against
# 1.5-3.5, 1.6, 3.8, 2 %).
PROBLEM_REGIONS = ("Western Region", "Azov-Black Sea Territory", "Kursk Region")
FAVOURED_REGIONS = ("Moscow Region", "Leningrad Region", "Donets Region", "Georgia")


def problem_to_favoured(r: RunResult, operation: str = "proverka") -> float:
    """Mean rate of L944's problem regions over that of its favoured ones (% of screened).

    The regions of each group that the run keeps; NaN if either group is absent.
    """
    rates = {row["region"]: float(row["rate_pct_of_screened"]) for row in r.columns["regions"]
             if row["operation"] == operation}
    problem = [rates[g] for g in PROBLEM_REGIONS if g in rates]
    favoured = [rates[g] for g in FAVOURED_REGIONS if g in rates]
    if not problem or not favoured or np.mean(favoured) <= 0:
        return np.nan
    return float(np.mean(problem) / np.mean(favoured))


def conference_verdicts_agree(r: RunResult) -> float:
    """Share of the conferences the press judged whose simulated verdict is the same (%).

    The simulated verdict is given by rank of hostility
    (:func:`model.reporters.verdicts_by_rank`).
    """
    rows = [row for row in r.columns["conferences"] if row["book_verdict"]]
    if not rows:
        return np.nan
    return 100.0 * sum(row["verdict"] == row["book_verdict"] for row in rows) / len(rows)


def regional_secretaries_removed(r: RunResult, year: int, n_regions: int) -> float:
    """Regional first secretaries removed in ``year``, as a share of the regions."""
    y = r.yearly.set_index("year")
    return (y.loc[year, "removed_regional_secretary"] / n_regions
            if "removed_regional_secretary" in y else np.nan)


def regional_spread(r: RunResult) -> dict[str, float]:
    """Per operation: standard deviation across regions of its rate (percentage points)."""
    return {op: g["rate_pct_of_rolls"].std(ddof=0) for op, g in r.regions.groupby("operation")}


def _chistka_expelled_in(r: RunResult, months: list[str]) -> int:
    """Expelled by the *chistka* in ``months`` (its expulsions counted by month once)."""
    def compute(r: RunResult) -> dict[str, int]:
        e = _expelled(r)
        labels, counts = np.unique(e["month"][e["campaign"] == "chistka"], return_counts=True)
        return dict(zip(labels.tolist(), counts.tolist(), strict=True))
    by_month = r.derived("chistka by month", compute)
    return int(sum(by_month.get(m, 0) for m in months))


def chistka_month_rate(r: RunResult, month: str) -> float:
    """Share of those screened in ``month`` who were expelled by the *chistka*, in percent."""
    row = _month_row(r, month)
    screened = float(_monthly(r)["screened"][row]) if row is not None else 0.0
    return 100.0 * _chistka_expelled_in(r, [month]) / screened if screened else np.nan


def chistka_cumulative_1933(r: RunResult) -> float:
    """Expelled by the chistka over those screened, June-December 1933, in percent."""
    months = [f"1933-{m:02d}" for m in range(6, 13)]
    screened = _sums_over(r, (months[0], months[-1]))["screened"]
    return 100.0 * _chistka_expelled_in(r, months) / screened if screened else np.nan


def rolls_shrink_1933_34(r: RunResult) -> float:
    """Fall of the rolls from the start of 1933 to the start of 1935, in percent."""
    y = _yearly(r)
    start = dict(zip(y["year"], y["members_start"], strict=True))
    if 1933 not in start or 1935 not in start:
        return np.nan
    return 100.0 * (1.0 - start[1935] / start[1933])


def expellee_share(r: RunResult, operation: str, column: str,
                   test: Callable[[np.ndarray], np.ndarray]) -> float:
    """Share (percent) of an operation's expellees for whom ``test(column)`` holds."""
    e = _expelled(r)
    values = e[column][e["campaign"] == operation]
    return 100.0 * float(test(values).mean()) if len(values) else np.nan


def _held_office(level: np.ndarray) -> np.ndarray:
    return level != "rank_and_file"


def candidate_member_ratio(r: RunResult) -> float:
    """Proverka expulsion rate of candidates over that of members (Western Region, L976)."""
    e = _expelled(r)
    was_candidate = e["was_candidate"][e["campaign"] == "proverka"]
    row = _month_row(r, "1935-04")
    if row is None or not len(was_candidate):
        return np.nan
    m = _monthly(r)
    cand = was_candidate.sum() / max(1, int(m["n_candidate"][row]))
    memb = (~was_candidate).sum() / max(1, int(m["n_member"][row]))
    return float(cand / memb) if memb else np.nan


def readmitted_share_1938(r: RunResult) -> float:
    """Share of appeals examined January-August 1938 that readmitted, in percent (L2203)."""
    m = _sums_over(r, ("1938-01", "1938-08"))
    return 100.0 * m["reinstated"] / m["appeals"] if m["appeals"] else np.nan


def _is_passivity(c: np.ndarray) -> np.ndarray:
    return c == "passivity"


def _since_1929(c: np.ndarray) -> np.ndarray:
    return c >= 1929


def _in_1929_32(c: np.ndarray) -> np.ndarray:
    return (c >= 1929) & (c <= 1932)


# --- the named outputs ---------------------------------------------------------------------

@dataclass(frozen=True)
class Output:
    """A named scalar of one run: what it measures, its unit, and how it is read."""

    name: str
    description: str
    unit: str
    read: Callable[[RunResult], float]

    def __call__(self, result: RunResult) -> float:
        """The value of this output in one run."""
        return self.read(result)


def _outputs() -> dict[str, Output]:
    rows = [
        Output("chistka_national", "1933 chistka: expelled over the rolls in its first month",
               "% of rolls", partial(operation_rate, operation="chistka")),
        Output("proverka_national", "1935 proverka: expelled over the rolls in its first month",
               "% of rolls", partial(operation_rate, operation="proverka")),
        Output("obmen_rate", "1936 obmen (exchange of cards): expelled over the rolls in its "
               "first month", "% of rolls", partial(operation_rate, operation="obmen")),
        Output("western_chistka", "1933 chistka in the Western Region: expelled over the "
               "region's rolls", "% of rolls",
               partial(operation_rate, operation="chistka", region="Western Region")),
        Output("western_proverka", "1935 proverka in the Western Region: expelled over the "
               "region's rolls", "% of rolls",
               partial(operation_rate, operation="proverka", region="Western Region")),
        *(Output(f"rate_{y}", f"expelled in {y} over the rolls on 1 January {y}",
                 "% of rolls", partial(yearly_rate, year=y)) for y in YEARS),
        Output("chistka_first_month", "chistka: expelled over those screened in June 1933",
               "% of screened", partial(chistka_month_rate, month="1933-06")),
        Output("chistka_1933_cumulative", "chistka: expelled over those screened, "
               "June-December 1933", "% of screened", chistka_cumulative_1933),
        Output("rolls_shrink_1933_34", "fall of the rolls from 1 January 1933 to 1 January "
               "1935", "% of rolls", rolls_shrink_1933_34),
        Output("chistka_passivity_share", "chistka expellees expelled for passivity",
               "% of expelled", partial(expellee_share, operation="chistka", column="reason",
                                        test=_is_passivity)),
        Output("chistka_joined_since_1929", "chistka expellees who joined in 1929 or later",
               "% of expelled", partial(expellee_share, operation="chistka", column="joined",
                                        test=_since_1929)),
        Output("proverka_joined_1929_32", "proverka expellees who joined in 1929-32",
               "% of expelled", partial(expellee_share, operation="proverka", column="joined",
                                        test=_in_1929_32)),
        Output("proverka_leading_work_share", "proverka expellees who held an office "
               "(party secretaries, directors, kolkhoz chairmen: 'leading work', L1057)",
               "% of expelled", partial(expellee_share, operation="proverka", column="level",
                                        test=_held_office)),
        Output("proverka_candidate_member_ratio", "proverka expulsion rate of candidates over "
               "that of members (rolls of April 1935)", "ratio", candidate_member_ratio),
        Output("readmitted_share_1938", "appeals examined January-August 1938 that readmitted",
               "% of appeals", readmitted_share_1938),
        Output("chain_checked_share", "denunciations checked over made, May-December 1935 "
               "(the proverka meetings)", "ratio",
               partial(chain_ratio, numerator="denunciations_checked",
                       denominator="denunciations_made", months=PROVERKA_MEETINGS)),
        Output("chain_supported_share", "denunciations supported over checked, May-December "
               "1935", "ratio", partial(chain_ratio, numerator="denunciations_supported",
                                        denominator="denunciations_checked",
                                        months=PROVERKA_MEETINGS)),
        Output("chain_expelled_share", "cases ending in expulsion over denunciations "
               "supported, May-December 1935", "ratio",
               partial(chain_ratio, numerator="outcome_expel",
                       denominator="denunciations_supported", months=PROVERKA_MEETINGS)),
        Output("chain_no_result_share", "denunciations checked that ended without a "
               "sanction or a finding of 'unsupported' (disregarded as a matter of record, or "
               "pending) over checked, May-December 1935 (Table 3.2 read as L861)", "ratio",
               partial(chain_ratio, numerator=("denunciations_disregarded",
                                               "denunciations_pending"),
                       denominator="denunciations_checked", months=PROVERKA_MEETINGS)),
        Output("chain_upheld_share", "denunciations upheld (supported, disregarded included) "
               "over checked, May-December 1935 (Table 3.2 read as L874)", "ratio",
               partial(chain_ratio, numerator=_UPHELD, denominator="denunciations_checked",
                       months=PROVERKA_MEETINGS)),
        Output("chain_disregarded_share", "upheld denunciations disregarded because the "
               "ground was a matter of record, May-December 1935 (L874)", "ratio",
               partial(chain_ratio, numerator="denunciations_disregarded",
                       denominator=_UPHELD, months=PROVERKA_MEETINGS)),
        Output("chain_expelled_of_upheld", "cases ending in expulsion over denunciations "
               "upheld (disregarded included), May-December 1935 (L874)", "ratio",
               partial(chain_ratio, numerator="outcome_expel", denominator=_UPHELD,
                       months=PROVERKA_MEETINGS)),
        Output("checked_per_made", "denunciations checked over made, whole run", "ratio",
               partial(chain_ratio, numerator="denunciations_checked",
                       denominator="denunciations_made")),
        Output("supported_per_checked", "denunciations supported over checked, whole run",
               "ratio", partial(chain_ratio, numerator="denunciations_supported",
                                denominator="denunciations_checked")),
        Output("expelled_per_supported", "cases ending in expulsion over denunciations "
               "supported, whole run", "ratio",
               partial(chain_ratio, numerator="outcome_expel",
                       denominator="denunciations_supported")),
        Output("leaders_share", "expelled who held an office (any level), whole run",
               "share of expelled", leaders_share),
        *(Output(f"leaders_share_{y}", f"expelled in {y} who held an office",
                 "share of expelled", partial(leaders_share, year=y)) for y in YEARS),
        Output("clients_share", "expelled who were a secretary's clients, whole run",
               "share of expelled", clients_share),
        Output("records_loss_pct", "members lost from the rolls by the records' chaos, whole "
               "run", "% of initial rolls", partial(total_pct, flow="lost_from_rolls")),
        Output("reinstated_pct", "members reinstated on appeal, whole run",
               "% of initial rolls", partial(total_pct, flow="reinstated")),
        Output("arrested_pct", "members arrested, whole run", "% of initial rolls",
               partial(total_pct, flow="arrested")),
        Output("election_turnover_pct", "officeholders voted out over those standing in "
               "secret-ballot elections (primary-organization secretaries, other officials, "
               "district secretaries), whole run", "% of standing", election_turnover_pct),
        *(Output(f"election_turnover_{lvl}", f"{_LEVEL_WORDS[lvl]} standing in the 1937 "
                 "elections who were voted out", "share of standing",
                 partial(election_turnover, level=lvl)) for lvl in ELECTED_LEVELS),
        Output("voted_out_pct", "officeholders voted out, whole run", "% of initial rolls",
               voted_out_pct),
        Output("regional_secretaries_original_1939", "regional first secretaries of 1933 "
               "still in office at the end of the run", "count", regional_secretaries_left),
        Output("first_secretaries_1937_38", "successive regional first secretaries per "
               "region who held office in 1937-1938 (1: no change)", "per region",
               first_secretaries_per_region),
        Output("chistka_regions_covered_1934", "regions the chistka had covered (90 % of "
               "their organizations screened) by the end of 1933", "% of regions",
               regions_covered),
        Output("leaders_removed_june_1937", "regions whose first secretary left office in "
               "June 1937, the month of the regional conferences", "% of regions",
               partial(leaders_left_in, first=CONFERENCE_MONTH, last=CONFERENCE_MONTH)),
        Output("regional_voted_out_1937", "regions whose first secretary was voted out in "
               "the party elections of April-May 1937", "% of regions",
               partial(leaders_left_in, first="1937-04", last="1937-05", how=("voted_out",))),
        Output("lower_leaders_voted_out_1937", "whether any officeholder below the region "
               "(district or primary-organization secretary, other official) was voted out in "
               "1937: 100 if some were, 0 if none", "% (100: some, 0: none)", voted_out_any),
        Output("conference_verdicts_agree", "regional conferences of June 1937 whose "
               "verdict on their committee (by rank of hostility, in the book's proportions) "
               "is the one the press reported (for the regions it names)", "% of named",
               conference_verdicts_agree),
        Output("proverka_regional_sd", "standard deviation across regions of the proverka's "
               "expulsion rate (% of those screened)", "percentage points",
               regional_rate_spread),
        Output("proverka_problem_to_favoured", "proverka expulsion rate of the regions L944 "
               "calls problem areas over that of the favourably regarded ones (those the "
               "run keeps)", "ratio", problem_to_favoured),
    ]
    return {o.name: o for o in rows}


OUTPUTS: dict[str, Output] = _outputs()


def value(name: str, result: RunResult) -> float:
    """The value of the output ``name`` in one run."""
    return OUTPUTS[name](result)


# --- the discriminating quantities (tidy: per seed, year and category) --------------------

@dataclass(frozen=True)
class Quantity:
    """A quantity of the ``discriminating`` table: per year and category, with its unit."""

    name: str
    description: str
    unit: str
    category: str


QUANTITIES: dict[str, Quantity] = {q.name: q for q in (
    Quantity("leaders_share", "expelled in the year who held an office "
             "(:func:`leaders_share`)", "share of expelled", "all"),
    Quantity("clients_share", "expelled in the year who were a secretary's clients "
             "(:func:`clients_share`)", "share of expelled", "all"),
    Quantity("level_share", "expelled in the year at each office level (:func:`level_shares`)",
             "share of expelled", "office level"),
    Quantity("election_turnover", "officeholders standing in the 1937 elections who were "
             "voted out (:func:`election_turnover`)", "share of standing",
             "elected level (year 1937)"),
    Quantity("regional_secretaries_removed", "regional first secretaries removed in the year "
             "(:func:`regional_secretaries_removed`)", "share of regions", "obkom"),
    Quantity("regional_spread", "standard deviation across regions of an operation's "
             "expulsion rate (:func:`regional_spread`)", "percentage points",
             "operation (year 0)"),
)}


# --- the model's monthly flows and states ---------------------------------------------------

FLOW_DESCRIPTIONS: dict[str, str] = {
    "expelled": "members and candidates expelled (arrests included)",
    "demoted": "members demoted to candidate",
    "reinstated": "expelled members readmitted on appeal",
    "lost_from_rolls": "members found missing from the rolls (dead souls struck off)",
    "withdrew": "members who left the party of their own accord",
    "drifted": "members who drifted away and became dead souls on the rolls",
    "arrested": "members arrested by the NKVD",
    "admitted": "new candidates admitted",
    "promoted": "candidates promoted to full member",
    "screened": "members and candidates screened by an operation",
    "appeals": "appeals against expulsion examined",
    "rebukes": "rebukes by the center to regional secretaries",
    "repeats_ordered": "screening operations the center ordered a region to repeat",
    "regions_split": "regional committees split in two by a reorganization (a new committee "
                     "made from half of each region's districts)",
    "shielded": "screening cases dropped because a patron protected the member",
    "deflected": "screening cases deflected onto the ballast (passives, recent recruits)",
    "denunciations_made": "denunciations made (all channels)",
    "denunciations_lateral": "denunciations between rank-and-file members",
    "denunciations_from_below": "denunciations of officeholders from below (criticism)",
    "denunciations_from_above": "denunciations by officeholders of those below them",
    "denunciations_checked": "denunciations checked by a party committee",
    "denunciations_supported": "denunciations checked and supported",
    "denunciations_unsupported": "denunciations checked and not supported",
    "removed_by_screening": "officeholders removed from their posts by a screening (not "
                            "expelled; L1063-1065)",
    "denunciations_pending": "denunciations checked but left pending",
    "denunciations_disregarded": "denunciations upheld but disregarded: an alien origin "
                                 "declared on joining, a matter of record (L874)",
    "outcome_expel": "supported cases that ended in expulsion",
    "outcome_demote": "supported cases that ended in demotion to candidate",
    "outcome_reprimand": "supported cases that ended in a reprimand",
    "outcome_remove_from_post": "supported cases that ended in removal from post",
    "outcome_warn": "supported cases that ended in a warning",
    **{f"removed_{lvl}": f"{_LEVEL_WORDS[lvl]} who left office (voted out, removed, expelled "
       "or arrested)" for lvl in LEVELS[1:]},
    **{f"voted_out_{lvl}": f"{_LEVEL_WORDS[lvl]} voted out in a secret-ballot election"
       for lvl in LEVELS[1:]},
    **{f"election_holders_{lvl}": f"{_LEVEL_WORDS[lvl]} standing in a secret-ballot election"
       for lvl in LEVELS[1:]},
    **{f"expelled_{lvl}": f"{_LEVEL_WORDS[lvl]} expelled" for lvl in LEVELS},
}

STATE_DESCRIPTIONS: dict[str, str] = {
    "member": "full members", "candidate": "candidate members",
    "dead_soul": "dead souls: on the rolls but gone", "expelled": "expelled",
    "arrested": "arrested", "struck_off": "struck off the rolls",
    "sympathizer": "sympathizers (the group outside the party)"}


# --- the tables written by the commands ----------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A column of a written table."""

    name: str
    description: str
    unit: str = ""


@dataclass(frozen=True)
class Table:
    """A table a command writes: its file, who writes it, what a row is, and its columns."""

    file: str
    written_by: str
    row: str
    columns: tuple[Column, ...]


def _c(name: str, description: str, unit: str = "") -> Column:
    return Column(name, description, unit)


SEED = _c("seed", "the run's seed")
OPERATION = _c("operation", "screening operation (campaign name in the scenario)")
YEAR = _c("year", "calendar year")


def monthly_columns() -> tuple[Column, ...]:
    """The columns of ``monthly.csv`` (one row per seed and month)."""
    return (SEED, _c("month", "month, YYYY-MM"), YEAR,
            *(_c(f"n_{s}", f"{STATE_DESCRIPTIONS[s]} at the end of the month", "count")
              for s in STATES),
            _c("on_rolls", "on the rolls at the end of the month (members, candidates, dead "
               "souls)", "count"),
            _c("in_party", "actually in the party at the end of the month (members and "
               "candidates)", "count"),
            _c("regional_secretaries_original", "regional first secretaries of 1933 still in "
               "office", "count"),
            _c("records_chaos", "state of the party's records (1 = as in 1933; lower after the "
               "exchange of cards)", "factor"),
            *(_c(f, FLOW_DESCRIPTIONS[f] + " this month", "count") for f in FLOWS))


def yearly_columns() -> tuple[Column, ...]:
    """The columns of ``yearly.csv`` (one row per seed and calendar year)."""
    flows = [_c(f, FLOW_DESCRIPTIONS[f] + " in the year", "count") for f in FLOWS]
    return (SEED, YEAR,
            _c("members_start", "on the rolls on 1 January (or at the first simulated month)",
               "count"),
            _c("in_party_start", "actually in the party on 1 January", "count"),
            flows[0],
            _c("expulsion_rate_pct", "expelled over members_start", "% of rolls"),
            *flows[1:],
            _c("regional_secretaries_original_end", "regional first secretaries of 1933 still "
               "in office on 31 December", "count"))


_EXPULSION_DESCRIPTIONS = {
    "month": ("month of the expulsion, YYYY-MM", ""),
    "member_id": ("the member's id in the run", ""),
    "region": ("the member's region", ""),
    "district_id": ("the member's district", ""),
    "level": ("office held when expelled: " + ", ".join(LEVELS), ""),
    "reason": ("ground of the expulsion (passivity, alien origin, ...; arrested by the police)",
               ""),
    "channel": ("how the case arose (screening, denunciation channel, police)", ""),
    "campaign": ("operation or campaign during which the member was expelled", ""),
    "joined": ("year the member joined the party", "year"),
    "origin": ("social origin: worker, peasant, employee", ""),
    "was_candidate": ("a candidate (not a full member) when expelled", "bool"),
    "client": ("a secretary's client (patron-client tie) when expelled", "bool"),
}


def expulsion_columns() -> tuple[Column, ...]:
    """The columns of ``expulsions.csv`` (one row per expulsion, arrests included)."""
    return (SEED, *(_c(c, *_EXPULSION_DESCRIPTIONS[c]) for c in EXPULSION_COLUMNS), YEAR)


RATE_COLUMNS = (
    _c("rate_pct_of_rolls", "expelled over base", "% of rolls"),
    _c("rate_pct_of_screened", "expelled over screened", "% of screened"))

DISCRIMINATING_COLUMNS = (
    SEED, _c("quantity", "one of the discriminating quantities (below)"),
    _c("year", "calendar year (0: the whole run)"), _c("category", "level, operation or 'all'"),
    _c("value", "the quantity's value", "see the quantity"))

COMPARISON_COLUMNS = (
    _c("target", "name of the visible target (experiments.targets.TARGETS)"),
    _c("description", "what the target measures"),
    _c("historical", "the book's value", "the target's unit"),
    _c("source", "where the book gives it, cited as a historian cites: Getty 1985, "
       "chapter, section, table or note, and a short quotation for a figure in the text"),
    _c("book_line", "line of the book's text in shared/seed: the machine-checked anchor "
       "of the citation (experiments.citations)"),
    _c("simulated_mean", "mean over seeds of the simulated value", "the target's unit"),
    _c("simulated_p05", "5th percentile over seeds", "the target's unit"),
    _c("simulated_p95", "95th percentile over seeds", "the target's unit"),
    _c("distance", "simulated_mean minus historical", "the target's unit"),
    _c("n_seeds", "seeds with a value", "count"))


def _sweep_run_columns() -> tuple[Column, ...]:
    return (
        _c("run_id", "stable hash of the run's overrides, seed, scenario, code and engine"),
        _c("point_id", "design point"), _c("replicate", "replicate at the point (0, 1, ...)"),
        SEED, _c("engine", "agents or arrays"),
        _c("x_NAME", "the value of the factor or fixed override NAME in this run"),
        _c("status", "ok, or error"), _c("error", "the error of a failed run (else empty)"),
        _c("target_NAME", "the simulated value of the visible target NAME (comparison.csv "
           "lists them; the output each reads is in experiments.targets)"),
        _c("OUTPUT", "each output of the sweep summary (experiments.metrics.SUMMARY), as "
           "defined in the table of per-run outputs above"),
        _c("wall_s", "wall time of the run", "s"), _c("worker_pid", "process that ran it"))


TABLES: tuple[Table, ...] = (
    Table("monthly.csv", "purges run", "seed and simulated month", monthly_columns()),
    Table("yearly.csv", "purges run; purges compare (with a column variant); "
          "purges calibrate (predictive_yearly.csv)", "seed and calendar year", yearly_columns()),
    Table("expulsions.csv", "purges run", "expulsion (arrests included)", expulsion_columns()),
    Table("operations.csv", "purges run", "seed and screening operation", (
        SEED, OPERATION, _c("expelled", "expelled by the operation", "count"),
        _c("base", "on the rolls in the operation's first month", "count"),
        _c("screened", "members and candidates screened", "count"), *RATE_COLUMNS)),
    Table("regions.csv", "purges run", "seed, operation and region", (
        SEED, OPERATION, _c("region", "region"),
        _c("base", "the region's rolls when the operation began", "count"),
        _c("ordered_to_repeat", "the center ordered the region to repeat it", "bool"),
        _c("covered", "first month the operation had screened 90 % of the region's "
           "organizations (empty: never)", "YYYY-MM"),
        _c("screened", "screened in the region", "count"),
        _c("expelled", "expelled in the region", "count"), *RATE_COLUMNS)),
    Table("districts.csv", "purges run", "seed, calendar year and district (raikom)", (
        SEED, YEAR, _c("district_id", "the district (raikom), numbered within the run"),
        _c("region", "its region"),
        _c("members_start", "on the district's rolls when the year began (members, "
           "candidates, dead souls)", "count"),
        _c("in_party_start", "members and candidates when the year began", "count"),
        _c("expelled", "expelled in the year (arrests included)", "count"),
        _c("officeholders_expelled", "of them, holding an office (secretaries, other "
           "officials)", "count"))),
    Table("regional_secretaries.csv", "purges run", "seed and tenure of a regional first "
          "secretary", (
              SEED, _c("region", "region"),
              _c("order", "1 for the first secretary of January 1933, then each successor"),
              _c("member_id", "the secretary (a member id, as in expulsions.csv)"),
              _c("start", "month he took office (the first month of the run for order 1)"),
              _c("end", "month he left office (empty: still in office at the end)"),
              _c("how_left", "voted_out, removed (by a screening or a meeting), "
                 "removed_from_above (the center's emissaries), expelled, arrested, "
                 "dead_soul, struck_off, or in_office"))),
    Table("conferences.csv", "purges run", "seed and regional conference of June 1937", (
        SEED, _c("region", "region"),
        _c("hostility", "share of the conference that would vote its first secretary out "
           "(the elections' rule, the month's criticism)", "share"),
        _c("verdict", "serious_mistakes, unsatisfactory, not_characterized or correct, given "
           "out by rank of hostility in the shares of the 25 reported (8, 4, 8, 5; L1944)"),
        _c("book_verdict", "the verdict the press reported for the region (n. 74, L3503), "
           "empty if none"),
        _c("leadership_removed", "its first secretary left office that month", "bool"))),
    Table("breakdown.csv", "purges run", "seed, year, dimension and category", (
        SEED, YEAR, _c("dimension", "level, reason, channel, origin, region, year_joined "
                       "(cohort) or status (candidate or member)"),
        _c("category", "the category within the dimension"),
        _c("expelled", "expelled", "count"))),
    Table("comparison.csv", "purges run; purges calibrate (predictive_comparison.csv)",
          "visible target", COMPARISON_COLUMNS),
    Table("scenario_vs_historical.csv", "purges compare --scenario FILE", "visible target", (
        COMPARISON_COLUMNS[0], COMPARISON_COLUMNS[1], _c("book", "the book's value",
                                                          "the target's unit"),
        _c("historical", "mean over seeds of the historical scenario's runs",
           "the target's unit"),
        _c("scenario", "mean over the same seeds of the edited scenario's runs",
           "the target's unit"),
        _c("difference", "scenario minus historical", "the target's unit"),
        COMPARISON_COLUMNS[3], COMPARISON_COLUMNS[4])),
    Table("scorecard.csv", "purges compare", "variant and pattern", (
        _c("variant", "the explanation (model.variants)"),
        _c("pattern", "visible pattern of the record (experiments.scorecard.PATTERNS), or "
           "overall"),
        _c("mean", "mean over seeds of the distance from the book", "tolerances"),
        _c("se", "standard error of that mean", "tolerances"),
        _c("n_seeds", "seeds", "count"))),
    Table("discriminating.csv", "purges compare", "seed, quantity, year and category",
          (*DISCRIMINATING_COLUMNS, _c("variant", "the explanation (model.variants)"))),
    Table("runs/*.parquet", "purges sweep, purges sensitivity", "run", _sweep_run_columns()),
    Table("yearly/*.parquet", "purges sweep, purges sensitivity", "run and year",
          (_c("run_id", "the run (runs/*.parquet)"),
           *(c for c in yearly_columns() if c.name in (
               "year", "members_start", "in_party_start", "expelled", "expulsion_rate_pct",
               "demoted", "reinstated", "lost_from_rolls", "arrested", "admitted",
               "denunciations_made", "denunciations_checked", "denunciations_supported",
               "outcome_expel", "expelled_rank_and_file", "expelled_ppo_secretary",
               "expelled_other_official", "expelled_district_secretary",
               "expelled_regional_secretary", "regional_secretaries_original_end")))),
    Table("design.parquet", "purges sweep, purges sensitivity", "design point",
          (_c("point_id", "design point"), _c("NAME", "the value of factor NAME"))),
    Table("tasks.parquet", "purges sweep, purges sensitivity", "point and replicate",
          (_c("point_id", "design point"), _c("replicate", "replicate"), SEED,
           _c("run_id", "the run (runs/*.parquet)"))),
    Table("indices.csv", "purges sensitivity", "output and factor", (
        _c("output", "an output of the sweep summary"), _c("factor", "a swept factor"),
        _c("S1", "Sobol first-order index"), _c("S1_conf", "its bootstrap confidence"),
        _c("ST", "Sobol total-order index"), _c("ST_conf", "its bootstrap confidence"),
        _c("mu_star", "Morris mean absolute elementary effect", "the output's unit"),
        _c("mu_star_conf", "its confidence", "the output's unit"),
        _c("sigma", "Morris standard deviation of the effects", "the output's unit"),
        _c("note", "missing values: the output is undefined at some point"))),
    Table("posterior.csv", "purges calibrate", "particle of the final ABC-SMC population",
          (_c("NAME", "value of the calibrated factor NAME"),
           _c("weight", "importance weight of the particle"))),
    Table("posterior_summary.csv", "purges calibrate", "calibrated factor", (
        _c("parameter", "the factor"), _c("mean", "weighted posterior mean"),
        _c("sd", "weighted posterior standard deviation"),
        _c("p05", "weighted 5th percentile"), _c("p95", "weighted 95th percentile"))),
)


def table(file: str) -> Table:
    """The table written as ``file``."""
    return next(t for t in TABLES if t.file == file)
