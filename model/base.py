"""What both engines share: the calendar, the order of a month's stages, and the center.

The model exists in two engines that run the same rules (:mod:`model.rules`) on the same
scenario files and report the same outputs:

* :class:`model.model.PurgeModel`, the readable reference engine: every member is a
  Mesa agent;
* :class:`model.arrays.ArrayPurgeModel`, the vectorized engine for full historical scale:
  members are rows of numpy arrays, the center and the party committees stay Mesa agents.

This base class holds everything that is not about how members are stored: the month's
stages in their documented order (docs/ODD.md, "Process overview and scheduling"), the
conditions each month's campaigns create, the center's monitoring and the end-of-month
bookkeeping. Engines implement the stages.

1. records drift (members silently leave, staying on the rolls as "dead souls");
2. screenings of the calendar's operations (*chistka*, *proverka*, *obmen*), organization
   by organization, at each region's pace;
3. meetings with denunciations and criticism in the other organizations;
4. secret-ballot elections (1937);
5. the police channel: NKVD arrests and removals of regional leaders;
6. appeals and reinstatements;
7. admissions and promotion of candidates;
8. the center reads the regions' reports and rebukes or orders repeats;
9. data collection.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import mesa
import numpy as np

from model import rules
from model.agents import Center, RegionalCommittee
from model.census import (
    IN_PARTY,
    IN_PARTY_MAX,
    NONE,
    ON_ROLLS,
    ON_ROLLS_MAX,
    REGIONAL_SECRETARY,
    STATES,
    Census,
    take_census,
)
from model.reporters import CONFERENCE_MONTH, EXPULSION_COLUMNS, FLOWS, MonthlyCollector, model_reporters
from model.scenario import Campaign, Region, Scenario, load_scenario, month_index, month_label

# A screening has "covered" a region once it has screened this share of its organizations
# (ASSUMPTION: the book's "covered", L666, read as all but a remainder)
COVERED_SHARE = 0.9

# The month's conditions set by BasePurgeModel._set_context (the same for every run of a
# scenario in a month).
MONTH_CONDITIONS = (
    "admissions_frozen", "admissions_rate", "restraint", "reinstatement", "from_above_rate",
    "deflection", "leniency", "vigilance", "criticism", "fused", "arrest_rate",
    "targeted_hazards", "leader_removal_rate", "removal_is_arrest", "meeting_independence")


class BasePurgeModel(mesa.Model):
    """Common core of the two engines (see the module docstring).

    Args:
        scenario: A :class:`model.scenario.Scenario`, a path to a scenario TOML file, or
            None for the packaged historical scenario.
        rng: Seed or generator; all randomness flows from ``self.rng``/``self.random``.
        **overrides: Parameter overrides (validated; see :class:`model.params.Parameters`).
    """

    engine = "base"

    def __init__(self, *, scenario: Scenario | str | Path | None = None, rng=None,
                 **overrides):
        """Read the calendar and parameters, build the party, collect the state at t=0."""
        if isinstance(rng, str):
            rng = int(rng) if rng.strip().lstrip("-").isdigit() else rng
        super().__init__(rng=rng)
        calendar = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        if overrides:
            calendar = calendar.with_parameters(**overrides)
        self.calendar = calendar
        self.p = calendar.parameters
        # parameter tables indexed by an office or reason code, for both engines (a code
        # or an array of codes indexes them alike)
        self.defence_by_office = np.array((0.0, *self.p.level_defence))  # rank and file: 0
        self.apparatus_by_office = np.array((0.0, *self.p.apparatus_delegates))
        self.inaccessibility_by_office = np.array((0.0, *self.p.inaccessibility))
        self.control_by_office = np.array((0.0, *self.p.election_control))
        self.exposure_by_office = np.asarray(self.p.arrest_exposure)
        self.severity_by_reason = np.asarray(self.p.severity)  # rules.REASONS order
        self.month = calendar.first_month - 1
        self.records_chaos = 1.0
        # the months the records are put in order (the end of a records reform, L437-471)
        self._records_reformed = {month_index(c.end) for c in calendar.campaigns
                                  if c.records_reform}
        self.reset_flows()
        self.regions = [RegionalCommittee(self, spec, r)
                        for r, spec in enumerate(committees(calendar, self.p))]
        # a committee made in a reorganization, by the region it would split from
        self.new_committee = {r.spec.parent: r for r in self.regions if r.spec.parent}
        self.operation_stats: dict[tuple[str, str], Counter] = {}
        self.center = Center(self)
        party = take_census(self.p, [r.weight for r in calendar.regions], self.rng)
        # the record of offices and districts both engines keep alike: the regional first
        # secretaries of January 1933, every later change of first secretary (one event
        # a change: month, region, member id, "left" or "appointed", how he left), and
        # each district's rolls at the start of every year (model.reporters)
        self.first_secretaries = np.r_[party.regional_secretary,
                                       np.full(len(self.regions) - len(calendar.regions), NONE)]
        self.secretary_events: list[tuple[int, int, int, str, str]] = []
        self.district_region = party.district_region.copy()
        # (year, rolls, in party, region of each district)
        self.district_years: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        # the month each region's screening by each operation first covered it (covered)
        self.covered: dict[tuple[str, str], int] = {}
        # the month's conditions by the campaigns running and fused (_set_context)
        self._contexts: dict[tuple, dict] = {}
        self._context_key: tuple | None = None  # the key of the conditions set now
        # each regional conference's hostility to its committee in June 1937 (by region)
        self.conferences: dict[str, float] = {}
        state = party.members["state"]
        self._district_snapshot(party.ppo_district[party.members["ppo"]], state)
        self.build(party)
        grounds = self.initial_grounds()
        self._norms = {c.name: self._risk_norm(grounds, c) for c in calendar.campaigns
                       if c.pace > 0}
        self.datacollector = MonthlyCollector(
            model_reporters=model_reporters(),
            tables={"expulsions": list(EXPULSION_COLUMNS)},
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ engine hooks
    def build(self, census: Census) -> None:
        """Set up the party of January 1933 from the census (:mod:`model.census`)."""
        raise NotImplementedError

    def districts_and_states(self) -> tuple[np.ndarray, np.ndarray]:
        """Every member's district and state code (for :meth:`_district_snapshot`)."""
        raise NotImplementedError

    def _district_snapshot(self, district: np.ndarray, state: np.ndarray) -> None:
        """Keep each district's rolls and members in the party, for the next year.

        Rolls: members, candidates and dead souls; ``district`` and ``state`` give every
        member's district and state code.
        """
        n = len(self.district_region)
        self._keep_districts(
            np.bincount(district, weights=state <= ON_ROLLS_MAX, minlength=n).astype(np.int64),
            np.bincount(district, weights=state <= IN_PARTY_MAX, minlength=n).astype(np.int64))

    def _keep_districts(self, rolls: np.ndarray, in_party: np.ndarray) -> None:
        """Keep each district's ``rolls`` and members ``in_party`` for the next year."""
        year = int(month_label(self.month + 1)[:4])
        self.district_years.append((year, rolls, in_party, self.district_region.copy()))

    def _year_end_snapshot(self) -> None:
        """Each district's rolls at the year's end (:meth:`_district_snapshot`)."""
        self._district_snapshot(*self.districts_and_states())

    def log_secretary(self, region: int, member: int, event: str, how: str = "") -> None:
        """A change of regional first secretary, on the run's record.

        ``member`` "left" (``how``) or was "appointed" in ``region`` this month (the table
        of first secretaries, :func:`model.reporters.regional_secretaries_rows`).
        """
        self.secretary_events.append((self.month, int(region), int(member), event, how))

    def membership_table(self):
        """One row per member (census rows first, then recruits): the member table.

        Columns: row, ppo, district, region, state, origin, joined, the grounds
        (:data:`model.census.ATTRIBUTES`), grievance, office (a position in
        :data:`model.census.LEVELS`), patron (a row, or -1).
        """
        raise NotImplementedError

    def forget_screening(self, region, campaign: Campaign) -> None:
        """Mark every organization of ``region`` as not yet screened by ``campaign``."""
        raise NotImplementedError

    def initial_grounds(self) -> np.ndarray:
        """0/1 grounds (rows in :data:`model.rules.GROUNDS` order) of members present."""
        raise NotImplementedError

    def expulsion_records(self):
        """One row per expulsion, columns :data:`model.reporters.EXPULSION_COLUMNS`."""
        raise NotImplementedError

    def expulsion_columns(self) -> dict[str, np.ndarray]:
        """:meth:`expulsion_records` as one array per column."""
        frame = self.expulsion_records()
        return {c: frame[c].to_numpy() for c in EXPULSION_COLUMNS}

    # ------------------------------------------------------------------ reporters
    @property
    def month_label(self) -> str:
        """Calendar month of the last completed step, ``"YYYY-MM"``."""
        return month_label(self.month)

    @property
    def on_rolls(self) -> int:
        """Members and candidates on the rolls, dead souls included (what the party counted)."""
        counts = self.state_counts
        return sum(counts.get(s, 0) for s in ON_ROLLS)

    @property
    def in_party(self) -> int:
        """Members and candidates actually present."""
        counts = self.state_counts
        return sum(counts.get(s, 0) for s in IN_PARTY)

    @property
    def finished(self) -> bool:
        """True once the scenario's last month has been simulated."""
        return self.month - self.calendar.first_month + 1 >= self.calendar.n_months

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to this month's flow ``key``."""
        self.flows[key] += n

    def reset_flows(self) -> None:
        """Start a month's flows at zero."""
        self.flows: Counter[str] = Counter()

    def flow_counts(self) -> np.ndarray:
        """This month's flows in :data:`model.reporters.FLOWS` order."""
        return np.array([self.flows.get(k, 0) for k in FLOWS], dtype=np.int64)

    def state_vector(self) -> np.ndarray:
        """Members in each state, in :data:`model.census.STATES` order."""
        counts = self.state_counts
        return np.array([counts.get(s, 0) for s in STATES], dtype=np.int64)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Simulate one month (see the module docstring for the order of stages)."""
        active = self.begin_month()
        month_stages(self, self, active)
        self.finish_month(active)

    def begin_month(self, like: BasePurgeModel | None = None,
                    running: list[int] | None = None, key: tuple | None = None
                    ) -> list[Campaign]:
        """Advance the calendar a month; returns the campaigns running in it.

        ``like``: a model of the same scenario that has begun the month already, whose
        conditions are copied rather than worked out again (the runs of a batch);
        ``running``: the positions in the calendar of the campaigns running this month,
        when known (runs of one calendar but for its numbers: a mixed batch), and ``key``
        the key of the month's conditions (:meth:`_set_context`) the caller has made for
        them, if any (a run given one must be given one every month).
        """
        self.month += 1
        self.reset_flows()
        if like is not None:
            vars(self).update({name: vars(like)[name] for name in MONTH_CONDITIONS})
            self._context_key = None  # (set from another run's)
            return like.active
        campaigns = self.calendar.campaigns
        self.active = (self.calendar.active_campaigns(self.month) if running is None
                       else [campaigns[i] for i in running])
        self._set_context(self.active, key)
        return self.active

    def finish_month(self, active: list[Campaign], collect: bool = True) -> None:
        """The center reads the regions' reports; the month's end; data collection.

        ``collect=False`` leaves the data collection to the caller (:meth:`collect`): an
        array engine's batch counts every run's month at once between the two.
        """
        for campaign in (c for c in active if c.pace > 0):
            self._note_coverage(campaign)
            if reports_read(campaign, self.month, self.p.report_delay_months):
                self.center.monitor(campaign, self.month, self.live_regions())
        self._end_of_month()
        label = month_label(self.month)
        if label == CONFERENCE_MONTH:
            self._hold_conferences()
        if label.endswith("-12") and not self.finished:
            self._year_end_snapshot()
        if collect:
            self.collect()

    def collect(self) -> None:
        """Collect the month's reports; a finished run stops."""
        self.datacollector.collect(self)
        if self.finished:
            self.running = False

    def _note_coverage(self, campaign: Campaign) -> None:
        """Note the month a screening first covers each region (:data:`COVERED_SHARE`).

        "As of January 1, 1934 ... the chistka had covered only ten regional
        organizations" (L666); read as the regions where it had screened nearly all
        organizations (ASSUMPTION: the share :data:`COVERED_SHARE`).
        """
        for region in self.live_regions():
            key = (campaign.name, region.name)
            if key not in self.covered and self.screened_share(region, campaign) >= COVERED_SHARE:
                self.covered[key] = self.month

    def screened_share(self, region: RegionalCommittee, campaign: Campaign) -> float:
        """True share of the region's organizations a screening has screened so far."""
        return self.region_progress(region, campaign)[0]

    def screened_shares_of(self, regions: list[RegionalCommittee], campaign: Campaign
                           ) -> np.ndarray:
        """:meth:`screened_share` of each of ``regions``, as an array."""
        return np.array([self.screened_share(region, campaign) for region in regions],
                        dtype=float)

    def regional_grievances(self) -> dict[int, tuple[float, float]]:
        """Mean grievance of the rank and file and of the apparatus, per region.

        For each live region (by index) with a first secretary, as the elections read them.
        """
        raise NotImplementedError

    def _hold_conferences(self) -> None:
        """Read each regional conference's hostility to its committee (no one is moved).

        The conference is the region's electorate of its first secretary, as in the
        elections (:func:`rules.electorate_grievance`: the rank and file's grievance, the
        apparatus's, how much of the conference is the apparatus and how loyal), and its
        hostility the share that would vote him out under the month's criticism
        (:func:`rules.secret_ballot_turnover`). The criticism is not suppressed here: the
        obkoms "were besieged by criticism at the conferences" and the center's emissaries
        attended (L1938); what the machines held was the vote - Krinitskii, Amatuni and
        Vrublevskii were criticized, judged, and reelected (L1940-1942;
        :func:`rules.suppress_criticism` in the elections). The verdicts (correct, unsatisfactory,
        serious mistakes, not characterized) are read off the ranks of the hostilities
        (:func:`model.reporters.conferences_rows`); leaderships were removed only by the
        center (L1938), which the police stage does.
        """
        for g, (rank_and_file, apparatus) in self.regional_grievances().items():
            grievance = self.electorate_grievance(REGIONAL_SECRETARY, rank_and_file, apparatus)
            self.conferences[self.regions[g].name] = float(rules.secret_ballot_turnover(
                grievance, self.criticism, self.p.election_base))

    def live_regions(self) -> list[RegionalCommittee]:
        """The regional committees that hold members (not those yet to be made)."""
        return [r for r in self.regions if r.live]

    def split_off(self, region: RegionalCommittee) -> RegionalCommittee:
        """The new committee that takes half of ``region``'s districts, made live."""
        new = self.new_committee[region.name]
        new.live = True
        self.count("regions_split")
        return new

    def _set_context(self, active: list[Campaign], key: tuple | None = None) -> None:
        """Combine the campaigns running this month into the month's conditions.

        One pass over them: the largest of the rates that do not add up (the first of
        equals, 0.0 without any), the sum of those that do, in the campaigns' order. The
        conditions depend on nothing but the campaigns running, whether each is fused this
        month and the run's parameters (none of which change), so a run works them out
        once for each such combination (a few in a run) and keeps them. ``key``: that
        combination's key when the caller has made it (the campaigns' positions in the
        calendar and whether each is fused, for every run of a mixed batch at once).
        """
        if key is None:
            key = (tuple(map(id, active)), tuple(c.fused_in(self.month) for c in active))
        if key == self._context_key:  # last month's conditions (nothing else sets them)
            return
        self._context_key = key
        known = self._contexts.get(key)
        if known is not None:
            vars(self).update(known)
            return
        self._combine_campaigns(active)
        self._contexts[key] = {name: vars(self)[name] for name in MONTH_CONDITIONS}

    def _combine_campaigns(self, active: list[Campaign]) -> None:
        """:meth:`_set_context`'s pass over the campaigns running this month."""
        def larger(value, v):  # max(), keeping the first of equals
            return v if value is None or v > value else value
        frozen = fused = False
        admissions = restraint = reinstatement = leniency = None
        vigilance = criticism = arrest_rate = leader_removal_rate = 0
        targeted = [0] * len(rules.ARREST_TARGETS)
        conductors = []
        for c in active:
            frozen = frozen or bool(c.admissions_frozen)
            admissions = larger(admissions, c.admissions_rate)
            restraint = larger(restraint, c.restraint)
            # appeals are pressed by restraint and by a review of past expulsions (L1081)
            reinstatement = larger(reinstatement, max(c.restraint, c.reinstatement))
            leniency = larger(leniency, c.leniency)
            if c.pace == 0:  # a campaign of meetings
                vigilance = vigilance + c.vigilance
                criticism = criticism + c.criticism
                if c.vigilance > 0 or c.criticism > 0:
                    conductors.append(c.conducted_by)
            fused = fused or c.fused_in(self.month)
            arrest_rate = arrest_rate + c.arrest_rate
            for i, t in enumerate(rules.ARREST_TARGETS):
                targeted[i] = targeted[i] + c.targeted_arrest_rate * c.arrest_targets.get(t, 0.0)
            leader_removal_rate = leader_removal_rate + c.leader_removal_rate
        self.admissions_frozen = frozen
        self.admissions_rate = 0.0 if admissions is None else admissions
        self.restraint = 0.0 if restraint is None else restraint
        self.reinstatement = 0.0 if reinstatement is None else reinstatement
        self.from_above_rate = rules.restrain(self.p.from_above_rate, self.restraint)
        self.deflection = rules.restrain(self.p.deflection, self.restraint)
        self.leniency = 0.0 if leniency is None else leniency
        self.vigilance = vigilance
        self.criticism = criticism
        self.fused = fused
        self.arrest_rate = arrest_rate
        self.targeted_hazards = tuple(targeted)
        self.leader_removal_rate = leader_removal_rate
        # while the NKVD campaign runs, a leader removed from above is arrested with his
        # buro ("Rumiantsev and the entire regional Buro were removed and arrested", L2000)
        self.removal_is_arrest = self.arrest_rate > 0
        self.meeting_independence = self.p.fused_meeting_independence if self.fused else max(
            (self.independence(c) for c in conductors), default=0.0)

    def independence(self, conducted_by: str) -> float:
        """How far a screening body is out of the secretaries' reach (0 = their own)."""
        return {"secretaries": 0.0, "commission": self.p.commission_independence,
                "rank_and_file": self.p.rank_and_file_independence, "nkvd": 1.0}[conducted_by]

    def criticism_reaching(self, office, region):
        """The month's criticism that reaches the electorate of ``office`` in ``region``.

        :func:`model.rules.suppress_criticism`: the office's hold over its own election,
        through the region's family circle (L1787, L1791, L1918).
        """
        return rules.suppress_criticism(self.criticism, self.control_by_office[office],
                                        region.machine)

    def electorate_grievance(self, office, rank_and_file, apparatus):
        """:func:`model.rules.electorate_grievance` against holders of ``office``."""
        return rules.electorate_grievance(rank_and_file, apparatus,
                                          self.apparatus_by_office[office],
                                          self.p.client_loyalty,
                                          self.inaccessibility_by_office[office])

    def campaign_weights(self, campaign: Campaign, restraint: float = 0.0) -> list[float]:
        """The campaign's target weight per ground, in :data:`model.rules.GROUNDS` order.

        Under the center's ``restraint`` the weight on passivity is restrained
        (:func:`model.rules.restrain`, L1297-1303, L1715-1725).
        """
        return [rules.restrain(campaign.targets.get(g, 0.0), restraint) if g == "passivity"
                else campaign.targets.get(g, 0.0) for g in rules.GROUNDS]

    def _risk_norm(self, grounds: np.ndarray, campaign: Campaign) -> float:
        """Mean raw relative risk of the initial membership, so intensity is a mean hazard.

        ``grounds`` is :meth:`initial_grounds`, read once for all campaigns.
        """
        if grounds.shape[1] == 0:
            return 1.0
        risks = self.p.baseline_risk + rules.grounds_hazard(grounds,
                                                            self.campaign_weights(campaign))
        return float(np.mean(risks))

    def _end_of_month(self) -> None:
        for region in self.regions:
            region.end_month()
        if self.month in self._records_reformed:
            self.records_chaos = self.p.records_chaos_after_exchange


def month_stages(engine, context: BasePurgeModel, active: list[Campaign]) -> None:
    """The stages of a month in their documented order (docs/ODD.md), for either engine.

    ``engine`` runs the stages: the reference model itself, or the array engine's state
    for one or more runs (:class:`model.arrays.ArrayBatch`); ``context`` holds the
    month's conditions (:meth:`BasePurgeModel._set_context`).
    """
    for campaign in (c for c in active if c.split_share > 0
                     and c.months_since_start(context.month) == 0):
        engine.reorganize(campaign)
    engine.drift()
    for campaign in (c for c in active if c.pace > 0):
        engine.run_screening(campaign)
    if context.vigilance > 0 or context.criticism > 0:
        engine.hold_meetings()
    for campaign in (c for c in active if c.elections):
        engine.hold_elections(campaign)
    if (context.arrest_rate > 0 or context.leader_removal_rate > 0
            or any(context.targeted_hazards)):
        engine.police()
    engine.appeals()
    engine.admit_and_promote()


def committees(calendar: Scenario, p) -> tuple[Region, ...]:
    """The scenario's regions and, if its calendar reorganizes them, a committee-to-be each.

    A campaign with a ``split_share`` splits regions in two (:func:`model.rules.split_region`):
    each region then has a new committee waiting after the regions of 1933, holding no
    members until the split. It inherits its parent's obstruction and formalism; its
    family circle is new, no stronger than ``p.new_committee_machine`` nor than its
    parent's (so a variant without machines keeps none).
    """
    if not any(c.split_share > 0 for c in calendar.campaigns):
        return calendar.regions
    return calendar.regions + tuple(
        dataclasses.replace(r, name=f"{r.name} (new committee)", weight=0.0,
                            machine=min(r.machine, p.new_committee_machine),
                            note="made in the reorganization", parent=r.name)
        for r in calendar.regions)


def monitor_until(campaign: Campaign) -> int:
    """The center reads reports until two months after the planned end (L798, L938)."""
    return month_index(campaign.planned_end or campaign.end) + 2


def reports_read(campaign: Campaign, month: int, delay: int) -> bool:
    """Whether the center reads the regions' reports on ``campaign`` at the end of ``month``.

    The first reports reach it ``delay`` months after the operation begins (the proverka
    began in mid-May 1935; "all regional and territorial committees reported between June
    11 and June 21", L788) and it reads them until two months after the planned end.
    """
    return campaign.months_since_start(month) >= delay and month <= monitor_until(campaign)
