"""The vectorized engine: member state as numpy arrays, the center and obkoms as Mesa agents.

The same model as the reference engine (:mod:`model.model`): the same scenario files,
parameters, month stages (:func:`model.base.month_stages`), rule functions
(:mod:`model.rules`, called here on whole arrays instead of one member at a time) and
outputs. Members and candidates are rows of a structure of arrays (:class:`MemberArrays`);
primary organizations and *raikoms* are index ranges; the center and the regional
committees (*obkoms*), whose decisions are taken one region at a time, remain Mesa agents
and run the very same code (:class:`model.agents.Center`,
:class:`model.agents.RegionalCommittee`).

**Many runs in one state.** The engine state (:class:`ArrayBatch`) holds one run or many
runs of the same scenario with different seeds: each run's members are a block of rows,
its organizations, districts and regions blocks of their own, and a month's stage is one
pass over all of them, so its fixed cost is paid once for the whole batch (issue 13).
Every run keeps its own :class:`ArrayPurgeModel` (a Mesa model: its generators, center,
regional committees, monthly flows and data collector). At every draw each run draws the
numbers of its own members from its own generator, in the order it would alone
(:meth:`ArrayBatch.uniform`), so a run gives the same results alone or in any batch
(tests/test_arrays.py checks it).

**Rare events by thinning.** Drift, the meetings' denunciations, police arrests,
expulsions for connections, appeals and promotions are drawn at each run's largest
probability of the event (its stage's rule on every combination of the traits it reads)
and each candidate kept with its own probability over that bound
(:meth:`ArrayBatch.occur`): every member is hit with exactly the rule's probability, as
when each drew a number, and the rule is evaluated for the candidates alone.

What differs from the reference engine is only the order of events inside a stage of a
month. There each case is settled before the next is drawn, so a secretary expelled early
in a screening no longer protects the clients reviewed after him in the same
organization; here every case of a stage is drawn at once from the state at the start of
the stage, and the consequences (vacated offices, exposed clients) apply from the next
stage. The two engines therefore agree in distribution, not draw for draw; the docking
tests (tests/test_docking.py) check that agreement.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
from collections import Counter

import numba
import numpy as np
import pandas as pd

from model import census, compiled, kernels, rules
from model.agents import RegionalCommittee
from model.base import COVERED_SHARE, MONTH_CONDITIONS, BasePurgeModel, month_stages
from model.census import (
    CANDIDATE,
    DISTRICT_SECRETARY,
    IN_PARTY_MAX,
    LEVELS,
    MEMBER,
    NONE,
    ON_ROLLS_MAX,
    ORIGINS,
    PPO_SECRETARY,
    REGIONAL_SECRETARY,
    STATES,
)
from model.reporters import EXPULSION_COLUMNS, FLOW_INDEX, count_rows
from model.scenario import Campaign, Scenario, month_index, month_label

# Integer codes of the categorical member attributes.
S = {name: code for code, name in enumerate(STATES)}
assert {S[MEMBER], S[CANDIDATE]} == {0, 1}
# The state of a spare row at the end of a run's block in a batch (room for its recruits):
# above every real state, so no stage ever selects it.
SPARE = len(STATES)
REASONS = rules.REASONS
R = rules.REASON_CODE
CHANNELS = rules.CHANNELS
WORKER = ORIGINS.index("worker")

# The flow counting officeholders removed, by level (offices only: the rank and file hold none).
REMOVED_FLOW = np.array([FLOW_INDEX.get(f"removed_{lvl}", -1) for lvl in LEVELS])
assert (REMOVED_FLOW[1:] >= 0).all()
# The record of an expulsion (ArrayBatch._record): one integer each, in this order.
RECORD_FIELDS = ("run", "month", "member_id", "region", "district_id", "level", "reason",
                 "channel", "campaign", "joined", "origin", "was_candidate", "client")
# The flow counting expulsions by the level of the office held.
EXPELLED_FLOW = np.array([FLOW_INDEX[f"expelled_{lvl}"] for lvl in LEVELS])
# Recent recruits: joined in 1929 or later (rules.disappear_from_rolls).
RECENT_FROM = 1929
def _read_only(value):
    """``value``, made read-only if it is an array (a value kept and shared once made)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    return value


# The names of the record's codes (read-only object arrays, for its tables).
NAMES = {key: _read_only(np.array(names, dtype=object)) for key, names in
         (("level", LEVELS), ("reason", REASONS), ("channel", CHANNELS), ("origin", ORIGINS))}


@functools.cache
def month_labels(first: int, end: int) -> np.ndarray:
    """The labels of calendar months ``first`` to ``end - 1`` ("1933-01" is month 0), read-only."""
    return _read_only(np.array([month_label(i) for i in range(first, end)], dtype=object))


BOUND_EXCEEDED = ("an event's probability exceeds the bound it was drawn at "
                  "(ArrayBatch.occur): the bound misses a trait the rule reads")
# Member attributes and their dtypes (one array each): the census's, and the record of
# what happened to each member since.
FIELDS: dict[str, type] = {
    **census.ATTRIBUTES, "patron_fell": np.bool_, "critic": np.bool_,
    "denunciations_made": np.int32, "denounced": np.int32, "protected": np.int32,
    "appeals": np.int8, "expel_reason": np.int8, "left_month": np.int16,
    "state_before_exit": np.int8,
}
# Fields whose values are rows (moved with the rows when blocks are moved).
ROW_FIELDS = ("patron",)
# A batch's run's block leaves room for this many recruits per member and this many more
# (blocks are moved to make more room when one is full).
SPARE_SHARE, SPARE_ROWS = 0.25, 16


def ground_values(get) -> list[np.ndarray]:
    """Ground indicators in :data:`model.rules.GROUNDS` order; ``get(name)`` reads a column.

    Two grounds are derived: bureaucratism (holding an office) and old Bolshevik (joined
    by 1920).
    """
    derived = {"bureaucratism": lambda: get("office") != 0,
               "old_bolshevik": lambda: get("joined") <= 1920}
    return [derived[g]() if g in derived else get(g) for g in rules.GROUNDS]


def originals_in_office(secretary: np.ndarray, original: np.ndarray, state: np.ndarray,
                        office: np.ndarray) -> int:
    """Regional first secretaries of January 1933 still in office."""
    same = (secretary != NONE) & (secretary == original)
    return int(np.sum(same & (state[original] <= IN_PARTY_MAX)
                      & (office[original] == REGIONAL_SECRETARY)))


class MemberArrays:
    """Every member and candidate as one row of a structure of numpy arrays.

    Attributes are those of :class:`model.agents.Member` (``passivity`` is its
    ``passive``); categorical ones are integer codes (:data:`S`, :data:`REASONS`,
    :data:`model.agents.ORIGINS`, office levels). ``n`` rows are in use; rows beyond are
    room to grow.
    """

    def __init__(self, columns: dict[str, np.ndarray], state_before_exit: bool = True):
        """Rows with the given attributes (adopted, not copied); the others start empty."""
        self.n = len(columns["state"])
        for name, dtype in FIELDS.items():
            values = columns.get(name)
            setattr(self, name, values if values is not None and values.dtype == dtype
                    else np.zeros(self.n, dtype=dtype))
        if "left_month" not in columns:
            self.left_month[:] = -1
        if state_before_exit and "state_before_exit" not in columns:
            self.state_before_exit[:] = self.state

    def view(self, name: str) -> np.ndarray:
        """The rows in use of one attribute (a view, writes go through)."""
        return getattr(self, name)[: self.n]

    def put(self, rows: np.ndarray, columns: dict[str, np.ndarray]) -> None:
        """Fill ``rows`` (within capacity) with new members' attributes (the others zero)."""
        for name in FIELDS:
            values = columns.get(name)
            column = getattr(self, name)
            if values is not None:
                column[rows] = values
            elif name == "patron":
                column[rows] = NONE
            elif name == "left_month":
                column[rows] = -1
            else:
                column[rows] = 0
        self.state_before_exit[rows] = columns["state"]


class ArrayPurgeModel(BasePurgeModel):
    """The purge model with members as numpy arrays, for full historical scale.

    Same arguments, stages, rules and outputs as :class:`model.model.PurgeModel`. A run
    made alone (the default) holds its own engine state; ``alone=False`` leaves it to be
    joined with other runs in one :class:`ArrayBatch` (:func:`simulate_batch`). A run
    alone also answers for its engine state (``model.m``, ``model.order``, ...), as
    tests and notebooks inspect it.
    """

    engine = "arrays"

    def __init__(self, *, scenario: Scenario | str | None = None, rng=None, alone: bool = True,
                 **overrides):
        """Draw the census (with this run's own generator); alone: build its engine state."""
        self.batch: ArrayBatch | None = None
        self.run_index = 0
        self.month_counts: np.ndarray | None = None  # this month's counts, with the batch's
        super().__init__(scenario=scenario, rng=rng, **overrides)
        if alone:
            ArrayBatch([self])

    def __getattr__(self, name: str):
        """A run alone answers for its engine state (``m``, ``order``, ``_vacate``, ...)."""
        batch = self.__dict__.get("batch")
        if batch is None or len(batch.runs) != 1 or name.startswith("__"):
            raise AttributeError(name)
        return getattr(batch, name)

    @property
    def operation_stats(self) -> dict[tuple[str, str], Counter]:
        """Per (screening, region): its rolls, members screened, lost and expelled so far.

        As the reference engine's; a batch counts them in arrays by region and writes
        them here when they are read (:meth:`ArrayBatch.sync_operations`).
        """
        if self.batch is not None:
            self.batch.sync_operations()
        return self._operation_stats

    @operation_stats.setter
    def operation_stats(self, value: dict[tuple[str, str], Counter]) -> None:
        self._operation_stats = value

    # ------------------------------------------------------------------ structure
    def build(self, party: census.Census) -> None:
        """Keep the census; the engine state is built from it by :class:`ArrayBatch`."""
        self.census = party

    def initial_grounds(self) -> np.ndarray:
        """0/1 grounds (rows in :data:`model.rules.GROUNDS` order) of members present."""
        columns = self.census.members
        present = columns["state"] <= IN_PARTY_MAX
        return np.array(ground_values(lambda name: columns[name][present]), dtype=float)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Simulate one month of this run (with every run of its batch).

        The batch's first run steps the whole batch; the others only follow (a run in a
        batch is stepped with it, :func:`simulate_batch`).
        """
        if self.run_index == 0:
            self.batch.step()
        elif self.month != self.batch.month:
            raise RuntimeError("a run in a batch is stepped by stepping the batch's first run")

    # ------------------------------------------------------------------ flows and states
    def reset_flows(self) -> None:
        """Start a month's flows at zero (they live in the batch, one row per run)."""
        if self.batch is not None:
            self.batch.flows[self.run_index] = 0

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to this month's flow ``key`` (one of :data:`model.reporters.FLOWS`)."""
        self.batch.flows[self.run_index, FLOW_INDEX[key]] += n

    def flow_counts(self) -> np.ndarray:
        """This month's flows in :data:`model.reporters.FLOWS` order."""
        if self.batch is None:
            return np.zeros(len(FLOW_INDEX), dtype=np.int64)
        return self.batch.flows[self.run_index].copy()

    @property
    def flows(self) -> dict[str, int]:
        """This month's flows by name."""
        return dict(zip(FLOW_INDEX, self.flow_counts().tolist(), strict=True))

    def state_vector(self) -> np.ndarray:
        """Members in each state, in :data:`model.census.STATES` order."""
        if self.batch is None:
            return np.bincount(self.census.members["state"], minlength=len(STATES))
        return self.batch.state_counts[self.run_index].copy()

    # ------------------------------------------------------------------ reporters
    @property
    def state_counts(self) -> dict[str, int]:
        """Members in each membership state."""
        return {s: int(c) for s, c in zip(STATES, self.state_vector(), strict=True)}

    @property
    def regional_secretaries_original(self) -> int:
        """Regional first secretaries of January 1933 still in office."""
        if self.batch is None:
            c = self.census
            return originals_in_office(c.regional_secretary, c.regional_secretary,
                                       c.members["state"], c.members["office"])
        return self.batch.originals_in_office(self.run_index)

    def expulsion_records(self) -> pd.DataFrame:
        """One row per expulsion, same columns as the reference engine's table."""
        return self.batch.expulsion_records(self.run_index)

    def expulsion_columns(self) -> dict[str, np.ndarray]:
        """This run's expulsions, one array per column."""
        return self.batch.expulsion_columns(self.run_index)

    def membership_table(self) -> pd.DataFrame:
        """One row per member (see :meth:`model.base.BasePurgeModel.membership_table`)."""
        return self.batch.membership_table(self.run_index)

    def _year_end_snapshot(self) -> None:
        """As :meth:`model.base.BasePurgeModel._district_snapshot`, every run's counted at once."""
        self._keep_districts(*self.batch.district_counts(self.run_index))

    def regional_grievances(self) -> dict[int, tuple[float, float]]:
        """Mean grievance of the rank and file and of the apparatus, per region.

        For each live region with a first secretary, as :meth:`ArrayBatch.hold_elections`
        reads them.
        """
        return self.batch.regional_grievances(self.run_index)

    # ------------------------------------------------------------------ the center
    def region_progress(self, region: RegionalCommittee, campaign: Campaign) -> tuple[float, float]:
        """True share of the region's organizations screened, and expulsion rate so far."""
        return self.batch.region_progress(self.run_index, region, campaign)

    def forget_screening(self, region: RegionalCommittee, campaign: Campaign) -> None:
        """Mark every organization of ``region`` as not yet screened by ``campaign``."""
        self.batch.forget_screening(self.run_index, region, campaign)

    def screened_share(self, region: RegionalCommittee, campaign: Campaign) -> float:
        """True share of the region's organizations screened (every region's read at once)."""
        return float(self.batch.screened_shares(campaign)[
            self.batch.region_offset[self.run_index] + region.index])

    def screened_shares_of(self, regions: list[RegionalCommittee], campaign: Campaign
                           ) -> np.ndarray:
        """:meth:`screened_share` of each of ``regions`` (every region's read at once)."""
        rows = [self.batch.region_offset[self.run_index] + region.index for region in regions]
        return self.batch.screened_shares(campaign)[rows]

    def _note_coverage(self, campaign: Campaign) -> None:
        """As :meth:`model.base.BasePurgeModel._note_coverage`, every run's regions read at once."""
        for region in self.batch.newly_covered(campaign).get(self.run_index, ()):
            self.covered[(campaign.name, region.name)] = self.month


def simulate_batch(scenario: Scenario | list[Scenario], seeds: list[int]
                   ) -> list[ArrayPurgeModel]:
    """Run ``seeds`` over the whole calendar together, in one engine state.

    ``scenario``: one scenario for every seed, or one per seed (scenarios of one
    :func:`batch_key`). Returns one finished model per seed, each with the outputs it would
    have alone.
    """
    scenarios = scenario if isinstance(scenario, list) else [scenario] * len(seeds)
    if len(scenarios) != len(seeds):
        raise ValueError(f"{len(scenarios)} scenarios for {len(seeds)} seeds")
    runs = [ArrayPurgeModel(scenario=sc, rng=seed, alone=False)
            for sc, seed in zip(scenarios, seeds, strict=True)]
    ArrayBatch(runs)
    while not runs[0].finished:
        for run in runs:
            run.step()
    return runs


def batch_key(scenario: Scenario) -> tuple:
    """What the runs of one batch share: their scenario but for the sizes of its numbers.

    Runs may differ in any number of their parameters and campaigns (a sweep's design
    points, a calibration's particles) as long as every number that differs is zero in
    all of them or in none: the stages branch on whether a rate, a call or a campaign's
    strength is zero (no meetings, no arrests, ...), never on its size, so runs with one
    key take the same branches every month and each draws what it draws alone.
    A campaign's weights by name (``targets``, ``arrest_targets``) are numbers too: the
    same names, each zero in all runs or in none. Everything else (dates, campaigns'
    kinds, regions, the weights and tables given as tuples) is the same in all of them.
    """
    known = _BATCH_KEYS.get(id(scenario))
    if known is not None and known[0] is scenario:  # (a runner groups, then a batch checks)
        return known[1]

    def shape(value):
        kind = type(value)
        if kind is float or kind is int:  # (most values: the checks below, made quick)
            return ("number", value == 0)
        if isinstance(value, dict):
            return tuple(sorted((k, shape(v)) for k, v in value.items()))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return ("number", value == 0)

    def fields(obj) -> tuple:
        return tuple((name, shape(getattr(obj, name))) for name in _field_names(type(obj)))

    def campaign_fields(c) -> tuple:  # (a calibration's particles share most campaigns)
        known = _CAMPAIGN_KEYS.get(id(c))
        if known is None or known[0] is not c:
            known = _CAMPAIGN_KEYS[id(c)] = (c, fields(c))
        return known[1]

    if len(_CAMPAIGN_KEYS) >= 4096:
        _CAMPAIGN_KEYS.clear()
    key = (scenario.name, scenario.start, scenario.end, scenario.variant, scenario.regions,
           fields(scenario.parameters), tuple(campaign_fields(c) for c in scenario.campaigns))
    if len(_BATCH_KEYS) >= 4096:
        _BATCH_KEYS.clear()
    _BATCH_KEYS[id(scenario)] = (scenario, key)  # (held: its id is not reused meanwhile)
    return key


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in order (``dataclasses.fields`` is slow)."""
    return tuple(f.name for f in dataclasses.fields(cls))


# The keys of the scenarios and campaigns seen last, by object (both are immutable; each
# held with its key, so that its id is not reused meanwhile).
_BATCH_KEYS: dict[int, tuple[Scenario, tuple]] = {}
_CAMPAIGN_KEYS: dict[int, tuple[Campaign, tuple]] = {}


class RunValues:
    """The parameters (or any attributes) of a batch's runs, one object for all of them.

    An attribute is the runs' common value where they share it, else an array of one
    value per run (``ArrayBatch.each`` spreads it over elements).
    """

    def __init__(self, objects: list):
        """Read the attributes of ``objects``, one per run."""
        self._objects = objects

    def __getattr__(self, name: str):
        """Parameter ``name`` of the runs (:func:`per_run`), read once."""
        if name.startswith("_"):
            raise AttributeError(name)
        value = per_run([getattr(o, name) for o in self._objects])
        setattr(self, name, value)  # parameters do not change during a run
        return value


def per_run(values: list):
    """``values`` (one per run) as one value if all are equal, else an array by run."""
    first = values[0]
    if all(v == first for v in values[1:]):
        return first

    def number(v) -> bool:
        return isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)
    if not all(number(v) or (isinstance(v, tuple) and all(map(number, v))) for v in values):
        raise ValueError("only numbers may differ between the runs of a batch")
    return np.asarray(values, dtype=float)  # by run (tuples: by run and position)


# What is the same for every run of a batch of one scenario, read from its first run: the
# month's conditions (model.base.MONTH_CONDITIONS), the records' state, the parameter
# tables (made of tuples, the same in every batch: batch_key). In a batch of runs whose
# numbers differ the conditions are each run's own (ArrayBatch.__getattr__).
TABLES = frozenset({"defence_by_office", "apparatus_by_office", "inaccessibility_by_office",
                    "control_by_office", "exposure_by_office", "severity_by_reason"})
CONTEXT = frozenset({*MONTH_CONDITIONS, "records_chaos", *TABLES})


@functools.cache
def every_combination(*choices) -> list[np.ndarray]:
    """One array per input: together, every combination of the inputs' possible values.

    For the bounds of thinning (:meth:`ArrayBatch.occur`): a rule evaluated on every
    combination of the traits it reads gives, at its largest, a bound that no member
    exceeds.
    """
    grid = list(itertools.product(*choices))
    # shared by every call (cached): read-only
    return [_read_only(np.array([g[i] for g in grid])) for i in range(len(choices))]


class ArrayBatch:
    """The engine state of one or more runs of one scenario: every member of every run.

    Run ``r``'s members are rows ``block_start[r]`` to ``block_start[r] + block_n[r]``
    (then room for its recruits, rows in the :data:`SPARE` state); its organizations,
    districts and regions are consecutive blocks too (``ppo_offset[r]``, ...). The stages
    below run once a month for all runs; at each draw every run draws from its own
    generator (:meth:`uniform`), and every count goes to its own run's flows
    (:meth:`tally`).
    """

    def __init__(self, runs: list[ArrayPurgeModel]):
        """Lay out the censuses of ``runs`` (made with ``alone=False``) and join them.

        The runs share one scenario, or scenarios of one :func:`batch_key` whose numbers
        differ (a batch of mixed runs: each run's parameters, campaigns and month's
        conditions are then its own, spread over its elements by :meth:`each`).
        """
        first = runs[0]
        self.mixed = any(run.p != first.p or run.calendar != first.calendar for run in runs)
        key = batch_key(first.calendar) if self.mixed else None
        for i, run in enumerate(runs):
            if run.batch is not None:
                raise ValueError("a run can join only one batch")
            if self.mixed and batch_key(run.calendar) != key:
                raise ValueError("the runs of a batch share one scenario but for the sizes of "
                                 "its numbers (model.arrays.batch_key)")
            run.batch, run.run_index = self, i
        self.runs = runs
        self.n_runs = len(runs)
        self._gens = None
        self._traits_month = None  # the month of the regions' traits read (_region_traits)
        self._context: dict[str, object] = {}  # a mixed batch's month's conditions, by run
        self._district_counts_month = None  # the month of _district_counts (district_counts)
        # each run's key of its conditions when last read (BasePurgeModel._set_context)
        self._context_keys: list = []
        self._shared_columns: dict[float, np.ndarray] = {}  # a shared number by run (_runs)
        shares = np.cumsum(np.asarray(first.p.recruit_origin_shares, dtype=float))
        self._origin_cdf = shares / shares[-1]  # recruits' origins (as census.choose)
        # the screenings' counts by region (_per_region), written into each run's
        # operation_stats when read
        self._operation_totals: dict[tuple[str, str], np.ndarray] = {}
        self._operations_synced = True
        self._campaign_index = {c.name: i for i, c in enumerate(first.calendar.campaigns)}
        # the runs' campaigns and parameters do not change: their values by run, read once
        self._campaign_values: dict[tuple[str, str], object] = {}
        self._independence: dict[str, object] = {}
        self._campaign_weights: dict[tuple, np.ndarray] = {}  # (_campaign_weights_by_run)
        # the regions each screening has covered (newly_covered)
        self._covered: dict[str, np.ndarray] = {}
        self._newly_covered: dict[str, tuple[int, dict[int, list[RegionalCommittee]]]] = {}
        self.p = RunValues([run.p for run in runs]) if self.mixed else first.p
        self.calendar = first.calendar
        self.month = first.month
        censuses = [run.census for run in runs]
        self.regions: list[RegionalCommittee] = [reg for run in runs for reg in run.regions]
        self._layout(censuses)
        self.screened: dict[str, np.ndarray] = {
            c.name: np.zeros(self.n_ppos, dtype=bool) for c in self.calendar.campaigns
            if c.pace > 0}
        self.original_regional_secretaries = self.regional_secretary.copy()
        # each patron's list of clients, to find a fallen patron's clients fast
        # (_link_all_clients)
        self._link_all_clients()
        # the members kernels.pick_in has chosen in a call (a scratch mask over all rows,
        # one element more)
        self._taken = np.zeros(len(self.m.state) + 1, dtype=bool)
        # the first month someone in each organization was arrested (-1: never)
        self.ppo_arrest_month = np.full(self.n_ppos, -1, dtype=np.int64)
        self.state_counts = np.array([np.bincount(c.members["state"], minlength=len(STATES))
                                      for c in censuses], dtype=np.int64)
        self.flows = np.zeros((self.n_runs, len(FLOW_INDEX)), dtype=np.int64)
        self._flow_codes: dict[tuple[str, tuple[str, ...]], tuple] = {}
        self._records = np.zeros((1024, len(RECORD_FIELDS)), dtype=np.int64)  # expulsions
        self._n_records = 0
        self._record_bounds: np.ndarray | None = None  # each run's slice, once sorted by run
        self._campaign_codes: dict[str, int] = {}
        # per screening, the regions it has not reached yet (their rolls taken when it does)
        self._unreached: dict[str, list[int]] = {}
        self._norms = {name: np.array([run._norms[name] for run in runs])
                       for name in first._norms}
        for run in runs:
            del run.census  # the batch holds the members now
        self._count_originals()

    def _layout(self, censuses: list[census.Census]) -> None:
        """Members, organizations, districts and regions of every run, block after block."""
        sizes = np.array([c.n_members for c in censuses], dtype=np.int64)
        n_ppos = [len(c.ppo_district) for c in censuses]
        n_districts = [len(c.district_region) for c in censuses]
        n_regions = [len(self.runs[r].regions) for r in range(self.n_runs)]
        self.ppo_offset = np.r_[0, np.cumsum(n_ppos)[:-1]].astype(np.int64)
        self.district_offset = np.r_[0, np.cumsum(n_districts)[:-1]].astype(np.int64)
        self.region_offset = np.r_[0, np.cumsum(n_regions)[:-1]].astype(np.int64)
        self.run_of_ppo = np.repeat(np.arange(self.n_runs), n_ppos)
        self.run_of_region = np.repeat(np.arange(self.n_runs), n_regions)
        self.ppo_district = np.concatenate([c.ppo_district + self.district_offset[r]
                                            for r, c in enumerate(censuses)])
        self.district_region = np.concatenate([c.district_region + self.region_offset[r]
                                               for r, c in enumerate(censuses)])
        self.ppo_region = self.district_region[self.ppo_district]
        self.n_ppos = len(self.ppo_district)
        # organizations of a district (and districts of a region) have consecutive ids
        self.district_ppo_start = np.searchsorted(self.ppo_district,
                                                  np.arange(len(self.district_region) + 1))
        # each region's organizations are ppo ids lo..hi-1 (a reorganization gives the
        # tail of a region's range to its new committee, model.base.committees)
        self.region_ppo_lo = np.searchsorted(self.ppo_region, np.arange(len(self.regions)))
        self.region_ppo_hi = np.searchsorted(self.ppo_region, np.arange(len(self.regions)),
                                             side="right")
        self.block_n = sizes.copy()
        if self.n_runs == 1:  # the census's own arrays; room grows as recruits come
            capacity = sizes
            columns = censuses[0].members
        else:
            capacity = sizes + (sizes * SPARE_SHARE).astype(np.int64) + SPARE_ROWS
            columns = self._concatenate([c.members for c in censuses], sizes, capacity)
        self.block_start = np.r_[0, np.cumsum(capacity)[:-1]].astype(np.int64)
        self.block_capacity = capacity
        self.m = MemberArrays(columns)
        self.m.n = int(self.block_start[-1] + sizes[-1])
        self.run_of_row = np.repeat(np.arange(self.n_runs), capacity)

        def rows(values: np.ndarray, r: int) -> np.ndarray:
            return np.where(values != NONE, values + self.block_start[r], NONE)
        for level in ("district_secretary", "ppo_secretary"):
            setattr(self, level, np.concatenate([rows(getattr(c, level), r)
                                                 for r, c in enumerate(censuses)]))
        # committees a reorganization will make (model.base.committees) have no secretary yet
        self.regional_secretary = np.concatenate([
            np.r_[rows(c.regional_secretary, r),
                  np.full(n_regions[r] - len(c.regional_secretary), NONE, dtype=np.int64)]
            for r, c in enumerate(censuses)])
        # members of organization q are order[starts[q]:starts[q + 1]]
        self.order = np.concatenate([self._block(r) for r in range(self.n_runs)])
        order_offset = np.r_[0, np.cumsum(sizes)[:-1]]
        self.starts = np.concatenate([c.starts[:-1] + order_offset[r]
                                      for r, c in enumerate(censuses)] + [[sizes.sum()]])

    def _concatenate(self, members: list[dict[str, np.ndarray]], sizes: np.ndarray,
                     capacity: np.ndarray) -> dict[str, np.ndarray]:
        """The runs' census columns in blocks of ``capacity`` rows (spare rows after each)."""
        start = np.r_[0, np.cumsum(capacity)[:-1]]
        columns = {}
        for name, dtype in census.ATTRIBUTES.items():
            column = np.zeros(int(capacity.sum()), dtype=dtype)
            for r, m in enumerate(members):
                values = m[name]
                if name == "ppo":
                    values = values + self.ppo_offset[r]
                elif name in ROW_FIELDS:
                    values = np.where(values != NONE, values + start[r], NONE)
                column[start[r]:start[r] + sizes[r]] = values
                self._fill_spare(name, column, r, start[r] + sizes[r], start[r] + capacity[r])
            columns[name] = column
        columns["left_month"] = np.full(int(capacity.sum()), -1, dtype=np.int16)
        columns["state_before_exit"] = columns["state"].copy()
        return columns

    def _fill_spare(self, name: str, column: np.ndarray, r: int, lo: int, hi: int) -> None:
        """The values of spare rows: a state no stage selects, no patron, a valid ppo."""
        if name == "state":
            column[lo:hi] = SPARE
        elif name in ROW_FIELDS:
            column[lo:hi] = NONE
        elif name == "ppo":
            column[lo:hi] = self.ppo_offset[r]
        elif name == "left_month":
            column[lo:hi] = -1

    @property
    def gens(self):
        """The runs' generators, as the compiled kernels take them.

        A numba typed list: passed in microseconds, where a tuple of generators is typed
        anew at every call.
        """
        if self._gens is None:
            self._gens = numba.typed.List([run.rng for run in self.runs])
        return self._gens

    def __getstate__(self) -> dict:
        """Pickled without the kernels' list of generators (made again when needed)."""
        return {**self.__dict__, "_gens": None}

    def _block(self, r: int) -> np.ndarray:
        """The rows of run ``r``'s members."""
        return np.arange(self.block_start[r], self.block_start[r] + self.block_n[r])

    def __getattr__(self, name: str):
        """The month's conditions (:data:`CONTEXT`): the first run's, or each run's.

        In a mixed batch each run's: one value if they agree, else an array by run
        (:func:`per_run`); the parameter tables are the same in every run (batch_key).
        """
        if name in CONTEXT:
            if not self.mixed or name in TABLES:
                return getattr(self.runs[0], name)
            if name not in self._context:
                self._context[name] = per_run([getattr(run, name) for run in self.runs])
            return self._context[name]
        raise AttributeError(name)

    # ------------------------------------------------------------------ runs' own values
    def each(self, value, idx: np.ndarray | None = None, of: np.ndarray | None = None):
        """``value`` for each element ``idx`` (rows, or of ``of``'s kind; None: all of them).

        A value the runs share is returned as it is; an array of one value per run (a
        mixed batch, :func:`per_run`) gives each element its run's value.
        """
        if not isinstance(value, np.ndarray) or value.ndim == 0:  # (np.ndim is slower)
            return value
        runs = self.run_of_row if of is None else of
        return value[runs if idx is None else runs[idx]]

    def campaign_value(self, campaign: Campaign, name: str):
        """Attribute ``name`` of ``campaign`` in each run (:func:`per_run`)."""
        if not self.mixed:
            return getattr(campaign, name)
        value = self._campaign_values.get((campaign.name, name), self)
        if value is self:  # (campaigns are immutable: read once for the batch)
            i = self._campaign_index[campaign.name]
            value = self._campaign_values[(campaign.name, name)] = _read_only(per_run(
                [getattr(run.calendar.campaigns[i], name) for run in self.runs]))
        return value

    def independence(self, conducted_by: str):
        """How far a screening body is out of the secretaries' reach, in each run."""
        if not self.mixed:
            return self.runs[0].independence(conducted_by)
        value = self._independence.get(conducted_by)
        if value is None:  # (of the runs' parameters, which do not change)
            value = self._independence[conducted_by] = _read_only(per_run(
                [run.independence(conducted_by) for run in self.runs]))
        return value

    def _runs(self, value) -> np.ndarray:
        """``value`` (one for all runs, or one per run: :func:`per_run`) as a float per run.

        A number shared by the runs gives one read-only array, made once per batch.
        """
        if isinstance(value, np.ndarray):
            if value.ndim:
                return self._per_run_bound(value)
            value = float(value)
        column = self._shared_columns.get(value)
        if column is None:
            column = self._shared_columns[value] = _read_only(self._per_run_bound(value))
        return column

    def _campaign_weights_by_run(self, campaign: Campaign) -> np.ndarray:
        """The campaign's target weight per ground (restrained), by run and ground.

        Kept for the campaign and the runs' restraint (a month's condition that changes
        with the calendar's campaigns, a few times in a run); not to be written to.
        """
        restraint = self.restraint
        key = (campaign.name, restraint.tobytes() if isinstance(restraint, np.ndarray)
               else restraint)
        weights = self._campaign_weights.get(key)
        if weights is None:
            if not self.mixed:
                weights = np.tile(np.asarray(self.runs[0].campaign_weights(
                    campaign, self.runs[0].restraint), dtype=float), (self.n_runs, 1))
            else:
                i = self._campaign_index[campaign.name]
                weights = np.array([run.campaign_weights(run.calendar.campaigns[i],
                                                         run.restraint)
                                    for run in self.runs], dtype=float)
            self._campaign_weights[key] = weights
        return weights

    def electorate_grievance(self, holders: np.ndarray, office: np.ndarray, rank_and_file,
                             apparatus):
        """:func:`model.rules.electorate_grievance` against officeholders ``holders``."""
        return rules.electorate_grievance(rank_and_file, apparatus, self.apparatus_by_office[office],
                                          self.each(self.p.client_loyalty, holders),
                                          self.inaccessibility_by_office[office])

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month of every run: the same stages (model.base.month_stages) for all."""
        first = self.runs[0]
        if self.mixed:  # the same campaigns run in every run (batch_key), each run's own,
            # fused in the same months (their dates are the same): one key for all runs
            month = first.month + 1
            campaigns = first.calendar.campaigns
            running = [i for i, c in enumerate(campaigns) if c.active(month)]
            key = (tuple(running), tuple(campaigns[i].fused_in(month) for i in running))
            for run in self.runs:
                run.begin_month(running=running, key=key)
            active = first.active
        else:
            active = first.begin_month()
            for run in self.runs[1:]:
                run.begin_month(like=first)
        self.month = first.month
        if self.mixed:
            # the runs' conditions are those of last month unless one run's changed (a
            # run keeps the key of its conditions while they stay: _set_context)
            keys = [run._context_key for run in self.runs]
            if self._context_keys and all(map(operator.is_, keys, self._context_keys)):
                self._context.pop("records_chaos", None)  # (set every month, not a condition)
            else:
                self._context = {}
                self._check_branches()
                self._context_keys = keys
        month_stages(self, self.runs[0], active)
        self._count_originals()
        for run in self.runs:
            run.finish_month(active, collect=False)
        rows = count_rows(self.state_counts, self._originals, self.flows)  # every run's at once
        for run, row in zip(self.runs, rows, strict=True):
            run.month_counts = row
            run.collect()
            run.month_counts = None

    def _check_branches(self) -> None:
        """The runs of a mixed batch must take the same branches this month (batch_key)."""
        def zero_or_not(value) -> bool | tuple:
            if isinstance(value, tuple | list | np.ndarray):
                return tuple(bool(v) for v in value)
            return bool(value)

        def conditions(run) -> tuple:
            return (tuple(c.name for c in run.active),
                    *(getattr(run, name) for name in MONTH_CONDITIONS))

        def branches(values: tuple) -> tuple:
            return (values[0], *(zero_or_not(v) for v in values[1:]))
        first = conditions(self.runs[0])
        first_branches = None
        for run in self.runs[1:]:
            values = conditions(run)
            if values == first:  # the same conditions (as most are), the same branches
                continue
            if first_branches is None:
                first_branches = branches(first)
            if branches(values) != first_branches:
                raise ValueError(f"the runs of this batch part ways in month {self.month} "
                                 "(their month's conditions differ in being zero or not)")

    # ------------------------------------------------------------------ runs' own draws
    def uniform(self, idx: np.ndarray | None, of: np.ndarray | None = None,
                lead: tuple[int, ...] = ()) -> np.ndarray:
        """Uniform numbers for elements ``idx`` (rows, or of ``of``'s kind), shape (*lead, k).

        ``of`` gives the run of each row (default), organization or region; ``idx`` None
        means every element of that kind. Each run draws the numbers of its own elements
        from its own generator, as ``random((*lead, k_r))``, in their order in ``idx``: so
        a run draws the same numbers alone or in a batch (:func:`kernels.uniform`).
        """
        if self.n_runs == 1:
            k = len(of) if idx is None else len(idx)
            rng = self.runs[0].rng
            return rng.random((*lead, k)) if lead else rng.random(k)
        of = self.run_of_row if of is None else of
        runs = of if idx is None else of[idx]
        out = kernels.uniform(self.gens, runs, lead[0] if lead else 1)
        return out if lead else out[0]

    # ------------------------------------------------------------------ events by thinning
    def by_run(self, value):
        """``value`` (one for all runs, or one per run: :func:`per_run`) as a column, one row a run.

        For a rule evaluated on every combination of a member's traits at once (the
        columns), run by run (the rows): the bounds of :meth:`occur`. A value the runs
        share stays one number (it broadcasts over the rows).
        """
        if isinstance(value, float | int) or np.ndim(value) == 0:
            return value
        return np.asarray(value, dtype=float)[:, None]

    def occur(self, idx: np.ndarray, bound, probability=None) -> np.ndarray:
        """The members ``idx`` to whom an event happens this month, each independently.

        Thinning (Lewis and Shedler 1979): ``bound`` (per run, as from :meth:`by_run`, or
        one for all) is at least the event's probability for any member of the run;
        candidates are drawn at the bound (:meth:`candidates`: about ``bound`` numbers
        per member instead of one), and each candidate is kept with probability
        ``probability(candidates) / bound`` (:meth:`keep`). So each member is hit with
        exactly his probability, as if each drew one number, while the rule
        (``probability``, a function of the candidates; None: the bound itself) is
        evaluated for the candidates alone. ``idx`` must be ascending (each run's members
        a stretch, in order).
        """
        candidates = self.candidates(idx, bound)
        if probability is None:
            return candidates
        return self.keep(candidates, bound, probability(candidates))

    def candidates(self, idx: np.ndarray, bound) -> np.ndarray:
        """Members ``idx`` (ascending) drawn at each run's ``bound`` (:func:`kernels.candidates`).

        A run draws them from its own generator in the order of its members: the same
        alone or in a batch.
        """
        bound = self._per_run_bound(bound)
        return idx[kernels.candidates(self.gens, self._edges(idx), bound)]

    def _edges(self, idx: np.ndarray) -> np.ndarray:
        """Where each run's stretch of ``idx`` (ascending rows) begins, and its end."""
        if self.n_runs == 1:
            return np.array([0, len(idx)], dtype=np.int64)
        return np.append(np.searchsorted(idx, self.block_start), len(idx))

    def keep(self, candidates: np.ndarray, bound, chance: np.ndarray) -> np.ndarray:
        """The ``candidates`` kept, each with probability ``chance / bound`` (one draw each).

        Raises ValueError if a chance exceeds the bound (a bound computed wrongly).
        """
        at_most = self._per_run_bound(bound)[self.run_of_row[candidates]]
        self._check_bound(chance, at_most)
        return candidates[self.uniform(candidates) * at_most < chance]

    def _per_run_bound(self, bound) -> np.ndarray:
        """``bound`` (one for all runs, or one per run) as one contiguous float per run."""
        values = np.ravel(np.asarray(bound, dtype=float))  # (contiguous: a copy if need be)
        if len(values) == self.n_runs:
            return values
        if len(values) == 1:
            return np.full(self.n_runs, values[0])
        raise ValueError(f"{len(values)} bounds for {self.n_runs} runs")

    @staticmethod
    def _check_bound(chance: np.ndarray, bound: np.ndarray) -> None:
        if np.any(chance > bound * (1.0 + 1e-9)):
            raise ValueError(BOUND_EXCEEDED)

    # ------------------------------------------------------------------ runs' own counts
    def tally(self, key: str, idx: np.ndarray) -> None:
        """Add the members ``idx`` to their runs' flow ``key``."""
        if self.n_runs == 1:
            self.flows[0, FLOW_INDEX[key]] += len(idx)
            return
        kernels.tally(self.flows, FLOW_INDEX[key], self.run_of_row, idx)

    def _codes(self, key: str, names) -> tuple[np.ndarray, np.ndarray, bool]:
        """Positions in the flows of ``key_name`` for ``names`` (-1: none), which are flows, all?"""
        codes = self._flow_codes.get((key, tuple(names)))
        if codes is None:
            flows = np.array([FLOW_INDEX.get(f"{key}_{name}", -1) for name in names])
            codes = (flows, flows >= 0, bool((flows >= 0).all()))
            self._flow_codes[(key, tuple(names))] = codes
        return codes

    def _count_by(self, key: str, codes: np.ndarray, names, rows: np.ndarray) -> None:
        """Count rows ``rows`` under ``key_names[codes]`` in their runs' flows."""
        k = len(names)
        if self.n_runs == 1:
            self._count_each(0, key, np.bincount(codes, minlength=k), names)
            return
        counts = np.bincount(self.run_of_row[rows] * k + codes, minlength=self.n_runs * k)
        self._count_each(slice(None), key, counts.reshape(self.n_runs, k), names)

    def _count_each(self, r: int | slice, key: str, counts: np.ndarray, names) -> None:
        """Add ``counts[..., i]`` to flow ``key_names[i]`` of run(s) ``r``."""
        flows, known, every = self._codes(key, names)
        if every:
            self.flows[r, flows] += counts
            return
        if counts[..., ~known].any():
            missing = [n for n, f in zip(names, flows, strict=True) if f < 0]
            raise KeyError(f"flows {key}_{missing} are not in model.reporters.FLOWS")
        self.flows[r, flows[known]] += counts[..., known]

    def _per_region(self, campaign: Campaign, key: str, regions: np.ndarray) -> None:
        """Count ``regions`` (one per member) in the screening's ``key`` by region, so far."""
        total = self._operation_totals.get((campaign.name, key))
        if total is None:
            total = self._operation_totals[(campaign.name, key)] = np.zeros(len(self.regions),
                                                                            dtype=np.int64)
        total += np.bincount(regions, minlength=len(self.regions))
        self._operations_synced = False

    def _operation_total(self, campaign: Campaign, key: str, g: int) -> int:
        total = self._operation_totals.get((campaign.name, key))
        return 0 if total is None else int(total[g])

    def sync_operations(self) -> None:
        """Write the screenings' counts by region into each run's ``operation_stats``."""
        if self._operations_synced:
            return
        for (name, key), total in self._operation_totals.items():
            for g in np.flatnonzero(total).tolist():
                run = self.runs[self.run_of_region[g]]
                run._operation_stats[(name, self.regions[g].name)][key] = int(total[g])
        self._operations_synced = True

    # ------------------------------------------------------------------ reporters
    def originals_in_office(self, r: int) -> int:
        """Run ``r``'s regional first secretaries of January 1933 still in office.

        Counted for every run at once when a month's stages end (:meth:`_count_originals`);
        what happens after them in a month (the center reading reports, the month's end)
        changes no office.
        """
        return int(self._originals[r])

    def _count_originals(self) -> None:
        sec, original, m = self.regional_secretary, self.original_regional_secretaries, self.m
        same = (sec != NONE) & (sec == original)
        kept = same & (m.state[original] <= IN_PARTY_MAX) & (m.office[original] == REGIONAL_SECRETARY)
        self._originals = np.bincount(self.run_of_region, weights=kept, minlength=self.n_runs)

    def membership_table(self, r: int) -> pd.DataFrame:
        """Run ``r``'s members, one row each, numbered as in the run alone."""
        m, rows = self.m, self._block(r)
        ppo = m.ppo[rows]
        patron = m.patron[rows].astype(np.int64)
        columns = {"row": np.arange(len(rows)), "ppo": (ppo - self.ppo_offset[r]).astype(ppo.dtype),
                   "district": self.ppo_district[ppo] - self.district_offset[r],
                   "region": self.ppo_region[ppo] - self.region_offset[r],
                   "patron": np.where(patron != NONE, patron - self.block_start[r], NONE
                                      ).astype(m.patron.dtype)}
        columns.update({c: getattr(m, c)[rows] for c in census.MEMBERSHIP_COLUMNS
                        if c not in columns})
        return pd.DataFrame(columns)[list(census.MEMBERSHIP_COLUMNS)]

    def expulsion_records(self, r: int) -> pd.DataFrame:
        """Run ``r``'s expulsions, one row each (the reference engine's columns)."""
        return pd.DataFrame(self.expulsion_columns(r))

    def expulsion_columns(self, r: int) -> dict[str, np.ndarray]:
        """Run ``r``'s expulsions, one array per column (:data:`EXPULSION_COLUMNS`)."""
        if not self._n_records:
            return {c: np.array([], dtype=object) for c in EXPULSION_COLUMNS}
        if self._record_bounds is None:
            # sorted by run from now on (each run's in its order)
            n = self._n_records
            self._records[:n] = self._records[:n][np.argsort(self._records[:n, 0], kind="stable")]
            self._record_bounds = np.searchsorted(self._records[:n, 0], np.arange(self.n_runs + 1))
        lo, hi = self._record_bounds[r], self._record_bounds[r + 1]
        if lo == hi:
            return {c: np.array([], dtype=object) for c in EXPULSION_COLUMNS}
        cols = dict(zip(RECORD_FIELDS, np.array(self._records[lo:hi].T), strict=True))  # (copies)
        for flag in ("was_candidate", "client"):
            cols[flag] = cols[flag].astype(bool)
        campaigns = np.array(list(self._campaign_codes), dtype=object)
        first = int(cols["month"].min())
        return {
            "month": month_labels(first, int(cols["month"].max()) + 1)[cols["month"] - first],
            "member_id": cols["member_id"],
            "region": np.array([g.name for g in self.runs[r].regions],
                               dtype=object)[cols["region"]],
            "district_id": cols["district_id"],
            "level": NAMES["level"][cols["level"]],
            "reason": NAMES["reason"][cols["reason"]],
            "channel": NAMES["channel"][cols["channel"]],
            "campaign": campaigns[cols["campaign"]],
            "joined": cols["joined"].astype(int),
            "origin": NAMES["origin"][cols["origin"]],
            "was_candidate": cols["was_candidate"],
            "client": cols["client"],
        }

    # ------------------------------------------------------------------ the center
    def region_progress(self, r: int, region: RegionalCommittee,
                        campaign: Campaign) -> tuple[float, float]:
        """True share of the region's organizations screened, and expulsion rate so far."""
        g = self.region_offset[r] + region.index
        share = float(self.screened_shares(campaign)[g])
        screened = self._operation_total(campaign, "screened", g)
        return share, (self._operation_total(campaign, "expelled", g) / screened if screened
                       else 0.0)

    def screened_shares(self, campaign: Campaign) -> np.ndarray:
        """Per region of every run, the share of its organizations screened by ``campaign``.

        For all regions at once, read again only when the month or a region's screening
        changes (:meth:`forget_screening`).
        """
        key = (self.month, campaign.name)
        if getattr(self, "_shares_key", None) != key:
            done = np.r_[0, np.cumsum(self.screened[campaign.name], dtype=np.int64)]
            lo, hi = self.region_ppo_lo, self.region_ppo_hi
            self._shares = np.divide(done[hi] - done[lo], hi - lo, out=np.zeros(len(lo)),
                                     where=hi > lo)
            self._shares_key = key
        return self._shares

    def newly_covered(self, campaign: Campaign) -> dict[int, list[RegionalCommittee]]:
        """Per run, its live regions that ``campaign`` covers from this month on.

        Covered: the share of a region's organizations screened has reached
        :data:`model.base.COVERED_SHARE` for the first time (as
        :meth:`model.base.BasePurgeModel._note_coverage` reads it, region by region). Found
        for every run at once, when the first run asks in a month: each run's shares are
        its own, and only its own reading of the reports (after it asks) changes them.
        """
        month, newly = self._newly_covered.get(campaign.name, (None, {}))
        if month != self.month:  # (kept by campaign: two may run in one month)
            covered = self._covered.get(campaign.name)
            if covered is None:
                covered = self._covered[campaign.name] = np.zeros(len(self.regions), dtype=bool)
            newly = {}
            for g in np.flatnonzero(~covered & (self.screened_shares(campaign)
                                                >= COVERED_SHARE)).tolist():
                region = self.regions[g]
                if region.live:  # (a committee yet to be made holds no organizations)
                    covered[g] = True
                    newly.setdefault(int(self.run_of_region[g]), []).append(region)
            self._newly_covered[campaign.name] = (self.month, newly)
        return newly

    def forget_screening(self, r: int, region: RegionalCommittee, campaign: Campaign) -> None:
        """Mark every organization of run ``r``'s ``region`` as not yet screened."""
        g = self.region_offset[r] + region.index
        self.screened[campaign.name][self.region_ppo_lo[g]:self.region_ppo_hi[g]] = False
        self._shares_key = None

    # ------------------------------------------------------------------ helpers
    def _grounds(self, idx: np.ndarray) -> list[np.ndarray]:
        """Ground indicators of members ``idx`` in GROUNDS order (:func:`ground_values`)."""
        m = self.m
        return ground_values(lambda name: getattr(m, name)[idx])

    def _in_party(self, idx: np.ndarray) -> np.ndarray:
        return self.m.state[idx] <= IN_PARTY_MAX

    def _protected_now(self, idx: np.ndarray) -> np.ndarray:
        """Clients whose patron is in office, in the party and not himself exposed."""
        m = self.m
        return kernels.protected_now(idx, m.patron, m.state, m.office, m.patron_fell,
                                     IN_PARTY_MAX)

    def _region_of(self, idx: np.ndarray) -> np.ndarray:
        return self.ppo_region[self.m.ppo[idx]]

    def _region_traits(self) -> dict[str, np.ndarray]:
        """The regions' traits as arrays, read once a month.

        The center changes them only between months (rebukes and orders to repeat when it
        reads the reports, pressure fading at the month's end: model.agents), never
        during a month's stages.
        """
        if self._traits_month != self.month:
            names = ("obstruction", "formalism", "machine", "pressure", "distrust")
            values = np.fromiter(itertools.chain.from_iterable(
                map(operator.attrgetter(*names), self.regions)), dtype=float,
                count=len(names) * len(self.regions))
            self._traits = dict(zip(names, np.ascontiguousarray(values.reshape(-1, len(names)).T),
                                    strict=True))
            self._traits_month = self.month
        return self._traits

    def _members_of(self, first_ppo: np.ndarray, last_ppo: np.ndarray):
        """Ranges into ``self.order`` of the members of organizations [first, last)."""
        return self.starts[first_ppo], self.starts[last_ppo]

    def _members_in(self, ppos: np.ndarray) -> np.ndarray:
        """Rows of the members (any state) of organizations ``ppos``, not in row order."""
        lo, hi = self._members_of(ppos, ppos + 1)
        length = hi - lo
        return self.order[np.arange(length.sum()) + np.repeat(lo - np.cumsum(length) + length,
                                                               length)]

    def _pick_in(self, lo: np.ndarray, hi: np.ndarray, eligible: int, rows: np.ndarray,
                 exclude: np.ndarray | None = None, rounds: int = 48, distinct: bool = True,
                 exhaustive: bool = True) -> np.ndarray:
        """Per range of ``self.order``, a uniformly chosen member passing ``eligible``.

        ``eligible``: :data:`kernels.RANK_AND_FILE_PRESENT` or :data:`kernels.IN_PARTY`;
        ``rows``: a member of each range's run. Rejection sampling over ``rounds``; with
        ``distinct`` each member is chosen at most once per call (a member cannot succeed
        to two offices at once); with ``exhaustive`` a range where sampling found nobody
        is searched member by member. Ranges with nobody found get :data:`NONE`. The
        loop is compiled (:func:`kernels.pick_in`), run by run with each run's generator.
        """
        if exclude is None:
            exclude = np.full(len(lo), NONE, dtype=np.int64)
        return kernels.pick_in(self.gens, self.run_of_row[rows], self.order,
                               lo.astype(np.int64), hi.astype(np.int64), eligible, self.m.state,
                               self.m.office, IN_PARTY_MAX, exclude.astype(np.int64), rounds,
                               distinct, exhaustive, self._taken)

    def _rank_and_file_present(self, idx: np.ndarray) -> np.ndarray:
        return (self.m.state[idx] <= IN_PARTY_MAX) & (self.m.office[idx] == 0)

    def _grievance_means(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean grievance of the rank and file present, per organization and per district.

        As :meth:`PrimaryOrganization.mean_grievance` (0 for an organization without rank
        and file) and :meth:`DistrictCommittee.mean_grievance` (mean over organizations).
        """
        m = self.m
        total, count = kernels.rank_and_file_grievance(m.state, m.office, m.ppo, m.grievance,
                                                       m.n, IN_PARTY_MAX, self.n_ppos)
        per_ppo = np.divide(total, count, out=np.zeros(self.n_ppos), where=count > 0)
        per_district = (np.bincount(self.ppo_district, weights=per_ppo)
                        / np.bincount(self.ppo_district))
        return per_ppo, per_district

    def _region_means(self, per_district: np.ndarray) -> np.ndarray:
        """Per region, the mean over its districts (0 for a region without districts)."""
        n_regions = len(self.regions)
        total = np.bincount(self.district_region, weights=per_district, minlength=n_regions)
        count = np.bincount(self.district_region, minlength=n_regions)
        return np.divide(total, count, out=np.zeros(n_regions), where=count > 0)

    def regional_grievances(self, r: int) -> dict[int, tuple[float, float]]:
        """Mean grievance of the rank and file and of the apparatus in run ``r``'s regions.

        Live regions with a first secretary, by local index, as :meth:`hold_elections`
        reads them.
        """
        if getattr(self, "_grievance_month", None) != self.month:
            _, per_district = self._grievance_means()
            self._region_grievance = (self._region_means(per_district),
                                      self._apparatus_grievance()[1])
            self._grievance_month = self.month
        rank_and_file, apparatus = self._region_grievance
        lo = int(self.region_offset[r])
        return {g - lo: (float(rank_and_file[g]), float(apparatus[g]))
                for g in np.flatnonzero(self.run_of_region == r)
                if self.regions[g].live and self.regional_secretary[g] != NONE}

    def _apparatus_grievance(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean grievance of the officeholders present below each raikom and obkom secretary.

        As :meth:`DistrictCommittee.apparatus` and :meth:`RegionalCommittee.apparatus`
        (0 where there are none).
        """
        m, n = self.m, self.m.n
        office = m.office[:n]
        present = m.state[:n] <= IN_PARTY_MAX
        out = []
        for level, group_of_ppo, n_groups in (
                (DISTRICT_SECRETARY, self.ppo_district, len(self.district_secretary)),
                (census.REGIONAL_SECRETARY, self.ppo_region, len(self.regional_secretary))):
            below = present & (office > 0) & (office < level)
            group = group_of_ppo[m.ppo[:n][below]]
            total = np.bincount(group, weights=m.grievance[:n][below], minlength=n_groups)
            count = np.bincount(group, minlength=n_groups)
            out.append(np.divide(total, count, out=np.zeros(n_groups), where=count > 0))
        return out[0], out[1]

    # ------------------------------------------------------------------ membership moves
    def _set_state(self, idx: np.ndarray, new: str) -> None:
        """Move members ``idx`` to state ``new``; those leaving the party lose their office."""
        if len(idx) == 0:
            return
        m = self.m
        officials = kernels.set_state(idx.astype(np.int64), S[new], self.run_of_row, m.state,
                                      self.state_counts, m.state_before_exit, m.left_month,
                                      self.month, m.office, IN_PARTY_MAX)
        if len(officials):
            self._vacate(officials, elected_successor=False, how=new)

    def _expel(self, idx: np.ndarray, reasons: np.ndarray, channel: str, campaign: str) -> None:
        """Expel members ``idx`` (*iskliuchenie*), record it, expose their clients."""
        if len(idx) == 0:
            return
        self._record(idx, reasons, channel, campaign)
        self.m.expel_reason[idx] = reasons
        self._set_state(idx, census.EXPELLED)

    def _arrest(self, idx: np.ndarray, campaign: str) -> None:
        """Arrest by the NKVD: expulsion and arrest at once (L1990)."""
        if len(idx) == 0:
            return
        reasons = np.full(len(idx), R["enemy_of_the_people"])
        ppo = self.m.ppo[idx]
        self.ppo_arrest_month[ppo[self.ppo_arrest_month[ppo] < 0]] = self.month
        self._record(idx, reasons, "nkvd", campaign)
        self.m.expel_reason[idx] = reasons
        self.tally("arrested", idx)
        self._set_state(idx, census.ARRESTED)

    def _record(self, idx: np.ndarray, reasons: np.ndarray, channel: str, campaign: str) -> None:
        """Each expulsion on the record, with its run and the ids the run has alone."""
        m = self.m
        k = self._n_records
        if k + len(idx) > len(self._records):  # room for them (doubled; np.resize is slow)
            records = np.zeros((2 * (k + len(idx)), len(RECORD_FIELDS)), dtype=np.int64)
            records[:k] = self._records[:k]
            self._records = records
        code = self._campaign_codes.setdefault(campaign, len(self._campaign_codes))
        self._n_records = kernels.record_expulsions(
            self._records, k, idx.astype(np.int64), reasons.astype(np.int64), self.run_of_row,
            self.block_start, m.ppo, self.ppo_region, self.region_offset, self.ppo_district,
            self.district_offset, m.office, m.joined, m.origin, m.state, m.patron, self.month,
            CHANNELS.index(channel), code, S[CANDIDATE], self.flows, FLOW_INDEX["expelled"],
            EXPELLED_FLOW)
        self._record_bounds = None  # sorted by run again when next read

    def _demote(self, idx: np.ndarray) -> None:
        """Member to candidate, candidate to sympathizer (L646)."""
        if len(idx) == 0:
            return
        self.tally("demoted", idx)
        is_member = self.m.state[idx] == S[MEMBER]
        self._set_state(idx[is_member], CANDIDATE)
        self._set_state(idx[~is_member], census.SYMPATHIZER)

    def _vacate(self, holders: np.ndarray, elected_successor: bool, how: str) -> None:
        """Remove officeholders; their clients lose their protector; successors appointed.

        As :meth:`model.model.PurgeModel.vacate` ("When Rumiantsev fell, Kovalev fell",
        L1994; a soft landing for those voted out or removed, L1773, L1799). Run by run,
        each with its own generator and clients. ``how`` they left ("voted_out",
        "removed", "removed_from_above", or the state they left the party for) goes on
        the record of regional first secretaries.
        """
        if len(holders) == 0:
            return
        m = self.m
        before = self.regional_secretary.copy()
        self._room_for_links(len(holders))
        kernels.vacate(
            self.gens, self.run_of_row, holders.astype(np.int64), elected_successor, m.office,
            m.patron, m.patron_fell, m.ppo, m.state, self.ppo_district, self.ppo_region,
            self.ppo_secretary, self.district_secretary, self.regional_secretary,
            self.district_ppo_start, self.region_ppo_lo, self.region_ppo_hi, self.starts,
            self.order, *self._clients, self._taken, IN_PARTY_MAX, self.flows, REMOVED_FLOW)
        changed = np.flatnonzero(before != self.regional_secretary)
        if len(changed):
            self._log_secretaries(changed, before, how)

    def _link_clients(self, rows: np.ndarray) -> None:
        """Members who have just got a patron, linked to his list of clients."""
        self._room_for_links(len(rows))
        kernels.link_clients(rows.astype(np.int64), self.m.patron, *self._clients)

    def _link_all_clients(self) -> None:
        """Every patron's list of clients made anew from the members' patrons (row order).

        The lists (:func:`model.kernels.link_clients`): ``first_client`` over all rows,
        ``client_row`` and ``next_client`` the entries, ``n_links`` how many are taken.
        """
        rows = np.flatnonzero(self.m.patron != NONE)  # (spare rows have none)
        room = max(1024, 2 * len(rows))
        self._clients = (np.full(len(self.m.state), NONE, dtype=np.int64),
                         np.empty(room, dtype=np.int64), np.empty(room, dtype=np.int64),
                         np.zeros(1, dtype=np.int64))
        kernels.link_clients(rows, self.m.patron, *self._clients)

    def _room_for_links(self, k: int) -> None:
        """Room in the lists of clients for ``k`` more entries (their arrays doubled if need be)."""
        first, row, following, n_links = self._clients
        if n_links[0] + k > len(row):
            room = max(2 * len(row), int(n_links[0]) + k)
            self._clients = (first, np.resize(row, room), np.resize(following, room), n_links)

    def _log_secretaries(self, regions: np.ndarray, before: np.ndarray, how: str) -> None:
        """The first secretaries of ``regions`` who left, and their successors, on record.

        Each on his run's record (:meth:`model.base.BasePurgeModel.log_secretary`), with
        the ids he has in the run alone.
        """
        for g in regions.tolist():
            r = int(self.run_of_region[g])
            run, start = self.runs[r], int(self.block_start[r])
            local = g - int(self.region_offset[r])
            if before[g] != NONE:
                run.log_secretary(local, before[g] - start, "left", how)
            if self.regional_secretary[g] != NONE:
                run.log_secretary(local, self.regional_secretary[g] - start, "appointed")

    def district_counts(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """Run ``r``'s districts' rolls and members in the party (as its own numbers).

        Counted for the districts of every run in one pass, when the first run asks in
        a month (:meth:`model.base.BasePurgeModel._district_snapshot` counts one run's).
        """
        if self._district_counts_month != self.month:
            m = self.m
            self._district_counts = [
                kernels.rows_by_group(m.ppo, self.ppo_district, m.state, m.n, limit,
                                      len(self.district_region))
                for limit in (ON_ROLLS_MAX, IN_PARTY_MAX)]
            self._district_counts_month = self.month
        lo = self.district_offset[r]
        hi = lo + len(self.runs[r].district_region)
        rolls, in_party = self._district_counts
        return rolls[lo:hi].copy(), in_party[lo:hi].copy()

    def _rows_of(self, ppos: np.ndarray) -> np.ndarray:
        """Rows of the members (any state) of the organizations marked in ``ppos``."""
        return kernels.rows_in(ppos, self.m.ppo, self.m.state, self.m.n, SPARE - 1)

    # ------------------------------------------------------------------ stages
    def drift(self) -> None:
        """Records drift (:func:`rules.disappear_from_rolls`), and withdrawals.

        A member in the party drifts with the rule's probability and, if he does not,
        withdraws with the withdrawal rate. Drawn by thinning (:meth:`occur`): who leaves
        (either way), then which way.
        """
        m, p = self.m, self.p

        def leave(value_of, passive, recent):  # of leaving either way (drifting or withdrawing)
            drift = rules.disappear_from_rolls(value_of(p.drift_rate), passive, recent,
                                               value_of(self.records_chaos),
                                               value_of(p.drift_weight_passive),
                                               value_of(p.drift_weight_recent))
            return rules.leave_rolls(drift, value_of(p.withdrawal_rate))

        # the bound: each run's largest chance of leaving, over the traits the rule reads
        bound = leave(self.by_run, *every_combination((False, True), (False, True)))
        idx = kernels.rows_at_most(m.state, m.n, IN_PARTY_MAX)
        # who leaves, and which way, drawn by thinning at that bound in one compiled pass
        # calling the same rules (model.compiled; as occur does)
        left, drifts, exceeded = compiled.drift_and_withdrawal(
            self.gens, idx, self._edges(idx), self._runs(np.max(bound, axis=-1)), False,
            m.passivity, m.joined, RECENT_FROM,
            *map(self._runs, (p.drift_rate, self.records_chaos, p.drift_weight_passive,
                              p.drift_weight_recent, p.withdrawal_rate)))
        if exceeded:
            raise ValueError(BOUND_EXCEEDED)
        drifted, withdrew = left[drifts], left[~drifts]
        self.tally("drifted", drifted)
        self.tally("withdrew", withdrew)
        self._set_state(drifted, census.DEAD_SOUL)
        self._set_state(withdrew, census.STRUCK_OFF)

    def reorganize(self, campaign: Campaign) -> None:
        """Split regional committees in two (:meth:`model.model.PurgeModel.reorganize`).

        Region by region, each run drawing from its own generator: the new committee takes
        the second half of the region's districts (their organizations are the tail of
        the region's range), a first secretary from their rank and file (nobody's client)
        and the district secretaries as his clients.
        """
        m = self.m
        share = self.each(self.campaign_value(campaign, "split_share"), None, self.run_of_region)
        share = np.broadcast_to(share, len(self.regions))
        for g, region in enumerate(self.regions):
            if not region.live or region.spec.parent:
                continue
            r = int(self.run_of_region[g])
            run = self.runs[r]
            districts = np.flatnonzero(self.district_region == g)
            if not rules.split_region(run.random.random(), share[g], len(districts)):
                continue
            new = run.split_off(region)
            h = int(self.region_offset[r]) + new.index
            moved = districts[len(districts) // 2:]
            lo, hi = self.district_ppo_start[moved[0]], self.district_ppo_start[moved[-1] + 1]
            self.district_region[moved] = h
            run.district_region[moved - self.district_offset[r]] = new.index
            self.ppo_region[lo:hi] = h
            self.region_ppo_lo[h], self.region_ppo_hi[h], self.region_ppo_hi[g] = lo, hi, lo
            self._traits_month = None  # the regions' traits are read again
            self._shares_key = None
            s = int(kernels.pick_in(
                self.gens, np.array([r]), self.order, np.array([self.starts[lo]]),
                np.array([self.starts[hi]]), kernels.RANK_AND_FILE_PRESENT, m.state, m.office,
                IN_PARTY_MAX, np.array([NONE]), 48, True, True, self._taken)[0])
            self.regional_secretary[h] = s
            if s != NONE:
                m.office[s] = census.REGIONAL_SECRETARY
                m.patron[s], m.patron_fell[s] = NONE, False
                run.log_secretary(new.index, s - int(self.block_start[r]), "appointed")
            secretaries = self.district_secretary[moved]
            secretaries = secretaries[secretaries != NONE]
            secretaries = secretaries[m.state[secretaries] <= IN_PARTY_MAX]
            m.patron[secretaries], m.patron_fell[secretaries] = s, False
            if s != NONE:
                self._link_clients(secretaries)

    def run_screening(self, campaign: Campaign) -> None:
        """Screen this month's share of each region's organizations (*chistka* etc.)."""
        m, p = self.m, self.p
        traits = self._region_traits()
        rolls = None  # each region's rolls when the operation first reaches it
        waiting = self._unreached.setdefault(campaign.name, list(range(len(self.regions))))
        for g in [g for g in waiting if self.regions[g].live]:
            region = self.regions[g]
            run = self.runs[self.run_of_region[g]]
            if rolls is None:
                rolls = kernels.rows_by_group(m.ppo, self.ppo_region, m.state, m.n,
                                              S[census.DEAD_SOUL], len(self.regions))
            stats = run._operation_stats.setdefault((campaign.name, region.name), Counter())
            stats["base"] = int(rolls[g])
            waiting.remove(g)
        p_screen = rules.screening_pace(
            self.each(self.campaign_value(campaign, "pace"), None, self.run_of_region),
            traits["obstruction"], traits["formalism"], traits["pressure"])
        done = self.screened[campaign.name]
        chosen = ~done & (self.uniform(None, self.run_of_ppo) < p_screen[self.ppo_region])
        done |= chosen
        self._shares_key = None  # the regions' shares screened are read again
        if not chosen.any():
            return
        zeal = rules.campaign_zeal(campaign.months_since_start(self.month),
                                   self.campaign_value(campaign, "zeal_decay_months"),
                                   self.campaign_value(campaign, "zeal_floor"))
        zeal = float(zeal) if np.ndim(zeal) == 0 else zeal
        independence = self.independence(campaign.conducted_by)
        idx = rows = self._rows_of(chosen)
        region = self.ppo_region[m.ppo[idx]]
        formalism = traits["formalism"][region]
        # the records check: dead souls found and struck off (L697-703)
        dead = m.state[idx] == S[census.DEAD_SOUL]
        found = dead & (self.uniform(idx) < rules.discover_dead_soul(
            self.each(self.campaign_value(campaign, "records_check"), idx), formalism,
            self.each(p.formalism_blindness, idx)))
        self._per_region(campaign, "lost", region[found])
        self.tally("lost_from_rolls", idx[found])
        self._set_state(idx[found], census.STRUCK_OFF)
        # the review of every member present
        present = m.state[idx] <= IN_PARTY_MAX
        idx, region = idx[present], region[present]
        self.tally("screened", idx)
        self._per_region(campaign, "screened", region)
        # each member's case and its outcome, drawn in one compiled pass (model.compiled)
        case, deflected, shielded, reason, expel, removed = compiled.screening_review(
            self.gens, idx.astype(np.int64), self.run_of_row,
            np.array(self._grounds(idx), dtype=float), m.passivity, m.office, m.patron, m.state,
            m.patron_fell, m.ppo, self.ppo_region, traits["formalism"], traits["machine"],
            self.defence_by_office, IN_PARTY_MAX,
            *map(self._runs, (self.campaign_value(campaign, "intensity"), zeal)),
            self._campaign_weights_by_run(campaign),
            *map(self._runs, (p.baseline_risk, self._norms[campaign.name], independence,
                              p.protection_strength, p.skill_protection, self.deflection,
                              self.vigilance, p.formalism_blindness, self.leniency)),
            self.severity_by_reason, tuple(map(float, p.outcome_weights)))
        self.tally("deflected", idx[deflected])
        self.tally("shielded", idx[shielded])
        m.protected[idx[shielded]] += 1
        cases, reason, expel, removed = idx[case], reason[case], expel[case], removed[case]
        self._per_region(campaign, "expelled", region[case][expel])
        injustice = kernels.count_in(m.ppo, idx[deflected | shielded], self.n_ppos)
        # who attended, counted only when an injustice was seen (_grieve)
        attended = kernels.count_in(m.ppo, idx, self.n_ppos) if injustice.any() else None
        self._expel(cases[expel], reason[expel], "screening", campaign.name)
        self.tally("removed_by_screening", cases[removed])
        self._vacate(cases[removed], elected_successor=False, how="removed")
        self._demote(cases[~expel & ~removed])
        if campaign.vigilance > 0 or campaign.criticism > 0:  # in every run or none (batch_key)
            self._meetings(chosen, self.campaign_value(campaign, "vigilance"),
                           self.campaign_value(campaign, "criticism"), independence, rows)
        self._grieve(injustice, attended)

    def _grieve(self, injustice: np.ndarray, attended: np.ndarray | None) -> None:
        """Members who saw clients spared and ballast expelled resent their leaders (L1912).

        ``injustice`` and ``attended``: per organization (``attended`` may be None when
        no injustice was seen).
        """
        if not injustice.any():
            return
        m = self.m
        witnessed = rules.witnessed_injustice(
            injustice, attended, self.each(self.p.injustice_visibility, None, self.run_of_ppo))
        idx = self._members_in(np.flatnonzero(injustice))  # (each grows alone: any order)
        idx = idx[self._rank_and_file_present(idx)]
        m.grievance[idx] = rules.grievance_growth(m.grievance[idx], witnessed[m.ppo[idx]],
                                                  self.each(self.p.grievance_rate, idx))

    def hold_meetings(self) -> None:
        """A party meeting in every organization (vigilance, criticism)."""
        self._meetings(None, self.vigilance, self.criticism, self.meeting_independence)

    def _meetings(self, ppos: np.ndarray | None, vigilance: float, criticism: float,
                  independence: float, rows: np.ndarray | None = None) -> None:
        """Meetings: *fakti* from peers, criticism from below, vigilance from above.

        In every organization (``ppos`` None) or in those marked in ``ppos``; ``rows``, if
        given, are all their members' rows, ascending (those present are picked from them
        rather than from every row).
        """
        m, p = self.m, self.p
        n = m.n
        if ppos is None:
            idx = kernels.rows_at_most(m.state, n, IN_PARTY_MAX)
        elif rows is not None:
            idx = rows[m.state[rows] <= IN_PARTY_MAX]
        else:
            idx = kernels.rows_in(ppos, m.ppo, m.state, n, IN_PARTY_MAX)
        if len(idx) == 0:
            return
        if np.any(criticism):
            per_ppo, per_district = self._grievance_means()
        else:  # the grievance against a member counts only with criticism from below
            # (rules.denounce): without it, no pass over every member for the means
            per_ppo, per_district = np.zeros(self.n_ppos), np.zeros(len(self.district_secretary))

        def channels(value_of, alien, misconduct, indiscipline, opposition, passive, official,
                     client, critic, against):  # rules.denounce: lateral, from below, above
            visible = rules.visible_grounds(alien, misconduct, indiscipline, opposition, passive,
                                            p.visibility_weights)
            return rules.denounce(value_of(p.lateral_rate), value_of(vigilance), visible,
                                  value_of(p.unfounded_denunciation),
                                  value_of(p.from_below_rate), value_of(criticism), against,
                                  official, value_of(self.from_above_rate),
                                  value_of(self.vigilance), passive, client, critic,
                                  value_of(p.retaliation))

        # the bounds: every combination of the traits the rule reads, and the grievance
        # against a member at the largest of his run's means this month (the rule grows
        # with it). A run's own parameters and state alone make its bounds: the same alone
        # or in a batch.
        largest = np.maximum(np.maximum.reduceat(per_ppo, self.ppo_offset),
                             np.maximum.reduceat(per_district, self.district_offset))
        bounds = channels(self.by_run, *every_combination(*[(False, True)] * 8),
                          largest[:, None])
        # each channel's denounced, drawn by thinning at those bounds in one compiled pass
        # calling the same rules (model.compiled; as occur does for one event)
        hit_rows, counts, exceeded = compiled.meeting_denunciations(
            self.gens, idx, self._edges(idx),
            np.array([self._runs(np.max(bound, axis=-1)) for bound in bounds]), False,
            m.alien_past, m.alien_declared, m.misconduct, m.indiscipline, m.opposition,
            m.passivity, m.office, m.patron, m.critic, m.ppo, per_ppo, per_district,
            self.ppo_district, DISTRICT_SECRETARY,
            *map(self._runs, (p.lateral_rate, vigilance, p.unfounded_denunciation,
                              p.from_below_rate, criticism, self.from_above_rate,
                              self.vigilance, p.retaliation)),
            tuple(map(float, p.visibility_weights)))
        if exceeded:
            raise ValueError(BOUND_EXCEEDED)
        hits = [hit_rows[c, :counts[c]] for c in range(3)]
        silenced = np.zeros(self.n_ppos, dtype=np.int64)  # "suppression of criticism" (L1749)
        for channel, hit in zip(("lateral", "from_below", "from_above"), hits, strict=True):
            hit = hit[self._in_party(hit)]
            if len(hit):
                silenced += self._denunciations(hit, channel, independence)
        if silenced.any():  # (who attended counted only then: a pass over every member)
            self._grieve(silenced, kernels.count_in(m.ppo, idx, self.n_ppos))

    def _denunciations(self, target: np.ndarray, channel: str,
                       independence: float) -> np.ndarray:
        """Investigate denunciations and carry out their outcomes (Table 3.2, L859).

        Returns, per organization, the critics expelled from above (criticism suppressed).
        """
        m, p = self.m, self.p
        self.tally("denunciations_made", target)
        self.tally(f"denunciations_{channel}", target)
        m.denounced[target] += 1
        ppo = m.ppo[target]
        if channel == "from_above":
            denouncer = self.ppo_secretary[ppo].astype(np.int64)
        else:  # a peer present in the organization
            lo, hi = self._members_of(ppo, ppo + 1)
            denouncer = self._pick_in(lo, hi, kernels.IN_PARTY, target, exclude=target,
                                      rounds=32, distinct=False, exhaustive=False)
        denouncer = denouncer[denouncer != NONE]
        kernels.add_one(m.denunciations_made, denouncer)
        if channel == "from_below":
            m.critic[denouncer] = True
        # the investigations and their outcomes, drawn in one compiled pass (model.compiled)
        checked, pending, supported, shielded, disregarded, reason, outcome, police = (
            compiled.investigate_denunciations(
                self.gens, target.astype(np.int64), channel, self.run_of_row, m.alien_past,
                m.alien_declared, m.misconduct, m.indiscipline, m.opposition, m.passivity,
                m.office, m.patron, m.state, m.patron_fell, m.ppo, self.ppo_region,
                self._region_traits()["machine"], self.defence_by_office, IN_PARTY_MAX,
                *map(self._runs, (p.check_probability, p.pending_share,
                                  p.poor_leadership_grounded, independence,
                                  p.protection_strength, p.skill_protection, p.true_support,
                                  p.false_support, self.leniency, self.fused,
                                  p.fused_arrest_share)),
                self.severity_by_reason, tuple(map(float, p.outcome_weights))))
        self.tally("denunciations_checked", target[checked])
        self.tally("denunciations_pending", target[pending])
        silenced = np.zeros(self.n_ppos, dtype=np.int64)
        if not (checked & ~pending).any():
            return silenced
        self.tally("denunciations_unsupported", target[checked & ~pending & ~supported])
        m.protected[target[shielded]] += 1
        self.tally("denunciations_disregarded", target[disregarded])
        upheld = supported & ~disregarded
        target, reason, outcome, police = target[upheld], reason[upheld], outcome[upheld], police[upheld]
        self.tally("denunciations_supported", target)
        official = m.office[target] != 0
        self._count_by("outcome", outcome, rules.OUTCOMES, target)
        is_outcome = {name: (outcome == i) & ~police for i, name in enumerate(rules.OUTCOMES)}
        self._arrest(target[police], campaign="fused_criticism")
        expelled = target[is_outcome["expel"]]
        if channel == "from_above":  # critics expelled
            silenced += np.bincount(m.ppo[expelled[m.critic[expelled]]], minlength=self.n_ppos)
        self._expel(expelled, reason[is_outcome["expel"]], channel, "meeting")
        self._demote(target[is_outcome["demote"]])
        self._vacate(target[is_outcome["remove_from_post"] & official], elected_successor=False,
                     how="removed")
        return silenced

    def hold_elections(self, campaign: Campaign) -> None:
        """Secret-ballot elections to party posts (L1645-1647, census.PARTY_POSTS).

        PPO secretaries in the campaign's first month, raikom and obkom secretaries in its
        last; directors and kolkhoz chairmen hold state posts, not elected by the party.
        """
        m = self.m
        per_ppo, per_district = self._grievance_means()
        holders, rank_and_file, apparatus = [], [], []
        if campaign.months_since_start(self.month) == 0:
            idx = np.flatnonzero((m.view("state") <= IN_PARTY_MAX)
                                 & (m.view("office") == PPO_SECRETARY))
            holders.append(idx)
            rank_and_file.append(per_ppo[m.ppo[idx]])
            apparatus.append(np.zeros(len(idx)))
        if self.month == month_index(campaign.end):
            per_region = self._region_means(per_district)
            district_apparatus, region_apparatus = self._apparatus_grievance()
            has = self.district_secretary != NONE
            holders.append(self.district_secretary[has].astype(np.int64))
            rank_and_file.append(per_district[has])
            apparatus.append(district_apparatus[has])
            has = self.regional_secretary != NONE
            holders.append(self.regional_secretary[has].astype(np.int64))
            rank_and_file.append(per_region[has])
            apparatus.append(region_apparatus[has])
        if not holders:
            return
        holders = np.concatenate(holders)
        rank_and_file, apparatus = np.concatenate(rank_and_file), np.concatenate(apparatus)
        holders_office = m.office[holders].astype(np.int64)
        keep = holders_office != 0
        holders, holders_office = holders[keep], holders_office[keep]
        self._count_by("election_holders", holders_office, LEVELS, holders)
        grievance = self.electorate_grievance(holders, holders_office, rank_and_file[keep],
                                              apparatus[keep])
        machine = self._region_traits()["machine"][self._region_of(holders)]
        criticism = rules.suppress_criticism(self.each(self.criticism, holders),
                                             self.control_by_office[holders_office], machine)
        prob = rules.secret_ballot_turnover(grievance, criticism,
                                            self.each(self.p.election_base, holders))
        out = self.uniform(holders) < prob
        self._count_by("voted_out", holders_office[out], LEVELS, holders[out])
        self._vacate(holders[out], elected_successor=True, how="voted_out")

    def police(self) -> None:
        """NKVD arrests, and removal of regional leaderships from above."""
        m, p = self.m, self.p
        # each run's removals in the order of its regions, the k-th of every run in the
        # k-th call: each run draws its successors as it would one removal after another
        # (kernels.pick_in draws per run), and many runs share a call
        rounds: dict[bool, list[list[int]]] = {True: [], False: []}  # by arrest or not
        made = Counter()
        # each run's secretaries in the party draw one number each from the run's own
        # generator (Mesa's), in the order of its regions (the regions of a run follow
        # one another); the rule for all of them in one compiled call
        sec = self.regional_secretary
        held = np.flatnonzero(sec != NONE)
        held = held[m.state[sec[held]] <= IN_PARTY_MAX]
        if len(held):
            runs = self.run_of_region[held]
            per_run = np.bincount(runs, minlength=self.n_runs).tolist()
            u = [run.random.random() for run, k in zip(self.runs, per_run, strict=True)
                 for _ in range(k)]
            out = compiled.leaders_removed(np.array(u), self._runs(self.leader_removal_rate)[runs],
                                           self._region_traits()["distrust"][held])
            for g in held[out].tolist():
                r = int(self.run_of_region[g])
                calls = rounds[bool(self.runs[r].removal_is_arrest)]
                if made[r] == len(calls):
                    calls.append([])
                calls[made[r]].append(int(sec[g]))
                made[r] += 1
        for holders in rounds[True]:
            self._arrest(np.array(holders), campaign="removed_from_above")
        for holders in rounds[False]:
            self._vacate(np.array(holders), elected_successor=False, how="removed_from_above")
        first = self.runs[0]  # the branches are the same in every run (batch_key)
        if first.arrest_rate <= 0 and not any(first.targeted_hazards):
            return

        def arrest(value_of, office, opposition, alien_past, patron_fell, implicated,
                   protected):  # rules.arrest_hazard with its shield and targets
            shield = rules.nkvd_local_shield(value_of(p.local_nkvd_shield), protected,
                                             value_of(self.fused))
            hazards = self.targeted_hazards
            if np.ndim(hazards) == 2:  # a mixed batch: each target's hazard in each run
                hazards = tuple(value_of(h) for h in hazards.T)
            targeted = rules.targeted_arrests(hazards, opposition, alien_past,
                                              office == census.OFFICIAL)
            return rules.arrest_hazard(value_of(self.arrest_rate), self.exposure_by_office[office],
                                       opposition, alien_past, patron_fell, value_of(p.cascade),
                                       implicated, value_of(p.arrest_chain), targeted, shield,
                                       value_of(p.arrest_weight_opposition),
                                       value_of(p.arrest_weight_alien_past))

        # the bound: every office and every combination of the five traits the rule reads
        bound = arrest(self.by_run, *every_combination(range(len(LEVELS)),
                                                       *[(False, True)] * 5)).max(axis=-1)
        idx = kernels.rows_at_most(m.state, m.n, IN_PARTY_MAX)
        # those arrested, drawn by thinning at that bound in one compiled pass calling the
        # same rules (model.compiled; as occur does)
        hazards = np.asarray(self.targeted_hazards, dtype=float)
        arrested, exceeded = compiled.police_arrests(
            self.gens, idx, self._edges(idx), self._runs(bound), False, m.office, m.opposition,
            m.alien_past, m.patron_fell, m.patron, m.state, m.ppo, self.ppo_arrest_month,
            self.month, IN_PARTY_MAX, self.exposure_by_office, census.OFFICIAL,
            *map(self._runs, (self.arrest_rate, p.cascade, p.arrest_chain, p.local_nkvd_shield,
                              self.fused, p.arrest_weight_opposition,
                              p.arrest_weight_alien_past)),
            *(self._runs(hazards[..., k]) for k in range(3)))
        if exceeded:
            raise ValueError(BOUND_EXCEEDED)
        self._arrest(arrested, campaign="nkvd" if first.arrest_rate > 0 else "targeted")
        self._expel_connections()

    def _expel_connections(self) -> None:
        """Organizations expel members implicated by an arrest (L2245-2249)."""
        if self.runs[0].vigilance <= 0:  # in every run or none (batch_key)
            return
        m = self.m
        idx = kernels.implicated_rows(m.state, m.ppo, self.ppo_arrest_month, self.month, m.n,
                                      IN_PARTY_MAX)
        chance = rules.expel_for_connections(self.by_run(self.p.connections_rate),
                                             self.by_run(self.vigilance), 1,
                                             self.by_run(self.restraint))
        out = self.occur(idx, chance)  # the same chance for every implicated member of a run
        self._expel(out, np.full(len(out), R["connections_with_enemies"]), "from_above",
                    "connections")

    def appeals(self) -> None:
        """Expelled members appeal; some are reinstated (:func:`rules.reinstate_on_appeal`)."""
        m, p = self.m, self.p
        idx = kernels.rows_equal(m.state, m.n, S[census.EXPELLED])

        def appeal(value_of, appeals_made):
            return rules.appeal_probability(value_of(p.appeal_rate), value_of(self.reinstatement),
                                            appeals_made, value_of(p.appeal_restraint_boost),
                                            value_of(p.max_appeals))

        # the bound: every number of appeals a member of the run can have made (a run's own
        # parameters alone make its bound: the same alone or in a batch)
        most = self.by_run(p.max_appeals)
        made = np.arange(int(np.max(most)) + 1)
        bound = np.where(made <= most, appeal(self.by_run, made), 0.0)
        # who appeals, and who is reinstated, drawn by thinning at that bound in one
        # compiled pass calling the same rules (model.compiled; as occur does)
        idx, reinstated, exceeded = compiled.appeals_and_reinstatements(
            self.gens, idx, self._edges(idx), self._runs(bound.max(axis=-1)), False, m.appeals,
            m.expel_reason, m.origin, WORKER, self.severity_by_reason,
            *map(self._runs, (p.appeal_rate, self.reinstatement, p.appeal_restraint_boost,
                              p.max_appeals, p.reinstatement_base)))
        if exceeded:
            raise ValueError(BOUND_EXCEEDED)
        m.appeals[idx] += 1
        self.tally("appeals", idx)
        back = idx[reinstated]
        self.tally("reinstated", back)
        for state in (MEMBER, CANDIDATE):
            self._set_state(back[m.state_before_exit[back] == S[state]], state)

    def admit_and_promote(self) -> None:
        """New candidates (when admissions are open) and promotion of candidates."""
        m, p = self.m, self.p
        frozen = self.runs[0].admissions_frozen  # the same in every run (batch_key)
        year = 1933 + self.month // 12
        in_party = self.state_counts[:, S[MEMBER]] + self.state_counts[:, S[CANDIDATE]]
        expected = rules.admit_candidates(self._runs(self.admissions_rate), in_party, frozen)
        # each run's recruits and their draws, as census.recruit_draws after a Poisson count
        # of them, for all runs in one compiled pass (each from its own generator)
        sizes, ppo, origin, u = kernels.recruit_draws(
            self.gens, np.asarray(expected, dtype=float), np.diff(np.r_[self.ppo_offset, self.n_ppos]),
            self._origin_cdf)
        if len(ppo):
            self._admit(sizes, ppo, origin, u, year)
        promote = rules.promote_candidate(frozen, p.promotion_months)
        if np.any(promote > 0):  # in every run or none (batch_key)
            idx = kernels.rows_equal(m.state, m.n, S[CANDIDATE])
            up = self.occur(idx, promote)  # the same chance for every candidate of a run
            self.tally("promoted", up)
            self._set_state(up, MEMBER)

    def _admit(self, sizes: np.ndarray, ppo: np.ndarray, origin: np.ndarray, u: np.ndarray,
               year: int) -> None:
        """New candidates join the end of their run's block and of their organization.

        ``sizes``: recruits per run; ``ppo`` (numbered in each run), ``origin`` and ``u``:
        their draws, run after run (:func:`model.kernels.recruit_draws`); their attributes
        are made for all runs at once (:func:`model.census.recruit_columns`).
        """
        m, p = self.m, self.p
        runs = np.flatnonzero(sizes)
        sizes = sizes[runs]
        run_of = np.repeat(runs, sizes)  # each recruit's run
        need = self.block_n.copy()
        need[runs] += sizes
        if (need > self.block_capacity).any():
            self._grow(need)
        first = np.repeat(self.block_start[runs] + self.block_n[runs] - np.cumsum(sizes) + sizes,
                          sizes)
        new = np.arange(sizes.sum()) + first  # each run's recruits after its members
        columns = census.recruit_columns(
            ppo + self.ppo_offset[run_of], origin, u,
            self.each(p.recruit_passive_share, None, run_of),
            self.each(p.misconduct_share, None, run_of), year)
        m.put(new, columns)  # all runs' recruits at once
        self.block_n[runs] += sizes
        self.state_counts[runs, S[CANDIDATE]] += sizes
        self.flows[runs, FLOW_INDEX["admitted"]] += sizes
        ppo = columns["ppo"]
        m.n = int(self.block_start[-1] + self.block_n[-1])
        # each recruit joins the end of his organization's block in ``order``
        sort = np.argsort(ppo, kind="stable")
        self.order = kernels.insert_sorted(self.order, self.starts[ppo[sort] + 1].astype(np.int64),
                                           new[sort].astype(self.order.dtype))
        self.starts[1:] += np.cumsum(np.bincount(ppo, minlength=self.n_ppos))

    def _grow(self, need: np.ndarray) -> None:
        """Room for ``need[r]`` members in every run's block (blocks moved if need be)."""
        capacity = np.where(need > self.block_capacity,
                            np.maximum(need, (self.block_capacity * 1.25).astype(np.int64) + 16),
                            self.block_capacity)
        self._move_blocks(capacity)
        self.block_capacity = capacity
        total = len(self.m.state)
        self.run_of_row = np.repeat(np.arange(self.n_runs), capacity)
        self._taken = np.zeros(total + 1, dtype=bool)

    def _move_blocks(self, capacity: np.ndarray) -> None:
        """Copy every run's block to a new layout with ``capacity`` rows each; rows renumbered."""
        m = self.m
        old_start = self.block_start
        start = np.r_[0, np.cumsum(capacity)[:-1]].astype(np.int64)
        shift = start - old_start
        run_of_old = self.run_of_row

        def moved(rows: np.ndarray) -> np.ndarray:
            return np.where(rows != NONE, rows + shift[run_of_old[rows]], NONE).astype(rows.dtype)

        for name, dtype in FIELDS.items():
            old = getattr(m, name)
            column = np.zeros(int(capacity.sum()), dtype=dtype)
            for r in range(self.n_runs):
                n = self.block_n[r]
                column[start[r]:start[r] + n] = old[old_start[r]:old_start[r] + n]
                self._fill_spare(name, column, r, start[r] + n, start[r] + capacity[r])
            if name in ROW_FIELDS:
                column = moved(column)
            setattr(m, name, column)
        for level in ("regional_secretary", "district_secretary", "ppo_secretary",
                      "original_regional_secretaries"):
            setattr(self, level, moved(getattr(self, level)))
        self.order = moved(self.order)
        self._link_all_clients()  # (over the rows as renumbered)
        self.block_start = start
