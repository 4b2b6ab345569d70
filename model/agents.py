"""Mesa agents of the purge model: members, party committees and the center.

The agents hold state and call the rules of :mod:`model.rules`; they never contain a
rule's arithmetic themselves. Organizations (primary organizations, *raikoms*,
*obkoms*) are agents because the decisions that matter - whom to screen, whom to
shield, whose denunciation to uphold - were taken by their secretaries (L1461).
"""

from __future__ import annotations

import mesa
import numpy as np

from model import rules
from model.census import (
    CANDIDATE,
    DEAD_SOUL,
    DISTRICT_SECRETARY,
    IN_PARTY,
    RANK_AND_FILE,
    REGIONAL_SECRETARY,
    STRUCK_OFF,
)


class Member(mesa.Agent):
    """A party member or candidate (and, through ``office``, an officeholder).

    State: membership state, candidate or full member, social origin, year joined,
    passivity, the grounds that could be held against him (alien past, misconduct,
    indiscipline, card irregularity, former opposition), the office held, the patron whose
    client he is, his grievance against local leaders and whether he has criticised them.
    """

    def __init__(self, model: mesa.Model, *, row: int, org: PrimaryOrganization, state: str,
                 origin: str, joined: int, passive: bool, grounds: dict[str, bool],
                 grievance: float = 0.0):
        """Create a member in primary organization ``org`` (row ``row`` of the census)."""
        super().__init__(model)
        self.row = row  # his row in model.census (recruits: rows after the census)
        self.org = org
        self.state = state
        self.was_candidate = state == CANDIDATE
        self.origin = origin
        self.joined = joined
        self.passive = passive
        self.grounds = grounds  # ground name -> bool, excluding bureaucratism (derived)
        self.office = RANK_AND_FILE
        self.patron: Member | None = None
        self.patron_fell = False
        self.grievance = grievance
        self.critic = False
        self.denunciations_made = 0
        self.denounced = 0
        self.protected = 0  # cases dropped thanks to protection
        self.appeals = 0
        self.expel_reason = ""
        self.left_month = -1
        self.state_before_exit = state

    # -- derived attributes -------------------------------------------------------------
    @property
    def in_party(self) -> bool:
        """Member or candidate, present in the organization."""
        return self.state in IN_PARTY

    @property
    def is_official(self) -> bool:
        """Holds an office of any kind."""
        return self.office != RANK_AND_FILE

    @property
    def is_recent(self) -> bool:
        """Joined in 1929 or later (the mass recruits of the First Five-Year Plan)."""
        return self.joined >= 1929

    @property
    def protected_now(self) -> bool:
        """A client whose patron is in office and in the party (L713, L1463)."""
        p = self.patron
        return p is not None and p.in_party and p.is_official and not p.patron_fell

    def ground_vector(self) -> tuple[int, ...]:
        """0/1 indicators in :data:`model.rules.GROUNDS` order."""
        g = self.grounds
        derived = {"bureaucratism": self.is_official, "old_bolshevik": self.joined <= 1920}
        return tuple(int(derived[k]) if k in derived else int(g.get(k, False))
                     for k in rules.GROUNDS)

    @property
    def alien_origin(self) -> bool:
        """An alien origin peers know of, hidden (a ground, L531) or declared (L874)."""
        return bool(self.grounds["alien_past"] or self.grounds["alien_declared"])

    def grounds_visible(self) -> float:
        """How much there is to denounce (:func:`model.rules.visible_grounds`)."""
        g = self.grounds
        return float(rules.visible_grounds(self.alien_origin, g["misconduct"], g["indiscipline"],
                                           g["opposition"], self.passive,
                                           self.model.p.visibility_weights))

    # -- monthly behaviour -----------------------------------------------------------------
    def drift(self) -> None:
        """Leave the organization silently, staying on the rolls as a "dead soul"."""
        if self.state not in IN_PARTY:
            return
        m = self.model
        p = rules.disappear_from_rolls(m.p.drift_rate, self.passive, self.is_recent,
                                       m.records_chaos, m.p.drift_weight_passive,
                                       m.p.drift_weight_recent)
        if m.random.random() < p:
            m.change_state(self, DEAD_SOUL, reason="drift")
        elif m.random.random() < m.p.withdrawal_rate:
            m.change_state(self, STRUCK_OFF, reason="withdrawal")

    def appeal(self, restraint: float) -> None:
        """Appeal an expulsion; success per :func:`model.rules.reinstate_on_appeal`."""
        m = self.model
        if m.random.random() >= rules.appeal_probability(
                m.p.appeal_rate, restraint, self.appeals, m.p.appeal_restraint_boost,
                m.p.max_appeals):
            return
        self.appeals += 1
        m.count("appeals")
        severity = m.severity_by_reason[rules.REASON_CODE[self.expel_reason]]
        p = rules.reinstate_on_appeal(severity, self.origin == "worker", restraint,
                                      m.p.reinstatement_base)
        if m.random.random() < p:
            m.reinstate(self)


class PrimaryOrganization(mesa.Agent):
    """A primary party organization (PPO, "cell") and its secretary."""

    def __init__(self, model: mesa.Model, district: DistrictCommittee, index: int):
        """Create an empty organization in ``district`` (number ``index`` in the census)."""
        super().__init__(model)
        self.index = index
        self.district = district
        self.members: list[Member] = []
        self.secretary: Member | None = None
        self.screened: set[str] = set()  # campaigns that have screened this organization
        self.arrest_month = -1  # the first month someone in it was arrested (-1: never)

    def present(self) -> list[Member]:
        """Members and candidates actually in the organization."""
        return [m for m in self.members if m.in_party]

    def mean_grievance(self) -> float:
        """Mean grievance of the rank and file present."""
        rf = [m.grievance for m in self.members if m.in_party and not m.is_official]
        return sum(rf) / len(rf) if rf else 0.0


class DistrictCommittee(mesa.Agent):
    """A *raikom*: its buro approved every expulsion in the district (L1461)."""

    def __init__(self, model: mesa.Model, region: RegionalCommittee, index: int):
        """Create a district committee in ``region`` (number ``index`` in the census)."""
        super().__init__(model)
        self.index = index
        self.region = region
        self.ppos: list[PrimaryOrganization] = []
        self.secretary: Member | None = None

    def mean_grievance(self) -> float:
        """Grievance of the district's rank and file, averaged over its organizations."""
        values = [p.mean_grievance() for p in self.ppos]
        return sum(values) / len(values) if values else 0.0

    def apparatus(self) -> list[Member]:
        """Officeholders present below the raikom secretary (his apparatus)."""
        return [m for p in self.ppos for m in p.members
                if m.in_party and 0 < m.office < DISTRICT_SECRETARY]


class RegionalCommittee(mesa.Agent):
    """An *obkom*/*kraikom*: a regional machine with its own way of running campaigns."""

    def __init__(self, model: mesa.Model, spec, index: int):
        """Create a regional committee from a :class:`model.scenario.Region`."""
        super().__init__(model)
        self.index = index
        self.name = spec.name
        self.spec = spec
        self.obstruction = spec.obstruction
        self.formalism = spec.formalism
        self.machine = spec.machine
        self.live = not spec.parent  # a committee a reorganization will make holds nobody yet
        self.districts: list[DistrictCommittee] = []
        # the reference engine's first secretary (the array engine keeps rows in
        # ArrayPurgeModel.regional_secretary)
        self.secretary: Member | None = None
        self.pressure = 0.0  # central pressure from rebukes, decays monthly
        self.distrust = 0.0  # the center's accumulated distrust
        self.repeats: set[str] = set()  # campaigns it was ordered to repeat
        self.rebuked: set[str] = set()  # campaigns it was rebuked for foot-dragging
        self.rebukes = 0
        self.orders: list[tuple[str, str, str]] = []  # (month, campaign, "repeat"/"rebuke")

    def mean_grievance(self) -> float:
        """Grievance of the region's rank and file, averaged over its districts."""
        values = [d.mean_grievance() for d in self.districts]
        return sum(values) / len(values) if values else 0.0

    def apparatus(self) -> list[Member]:
        """Officeholders present below the obkom secretary (his apparatus)."""
        return [m for p in self.ppos() for m in p.members
                if m.in_party and 0 < m.office < REGIONAL_SECRETARY]

    def ppos(self) -> list[PrimaryOrganization]:
        """All primary organizations of the region (reference engine)."""
        return [p for d in self.districts for p in d.ppos]

    def rebuke(self) -> None:
        """Rebuked for foot-dragging (:func:`model.rules.rebuke_for_slowness`)."""
        p = self.model.p
        self.pressure, self.obstruction, self.distrust = rules.rebuke_for_slowness(
            self.pressure, self.obstruction, self.distrust, p.rebuke_pressure,
            p.obstruction_after_rebuke, p.distrust_per_rebuke)
        self.rebukes += 1

    def repeat_operation(self) -> None:
        """Ordered to repeat an operation (:func:`model.rules.order_to_repeat`)."""
        p = self.model.p
        self.pressure, self.formalism, self.distrust = rules.order_to_repeat(
            self.pressure, self.formalism, self.distrust, p.rebuke_pressure,
            p.formalism_after_repeat, p.distrust_per_repeat)
        self.rebukes += 1

    def end_month(self) -> None:
        """Pressure fades without new rebukes (:func:`model.rules.fade_pressure`)."""
        if self.pressure:  # (none fades to none)
            self.pressure = rules.fade_pressure(self.pressure, self.model.p.pressure_retention)


class Center(mesa.Agent):
    """The Politburo, Secretariat and ORPO: issues campaigns, reads reports, rebukes.

    The center sees only the regions' reports, which records chaos makes noisy (L437,
    L467-471); it rebukes, orders repeats (L802, L940) and, in 1937-38, removes regional
    leaderships from above (L2002, L2029).
    """

    def __init__(self, model: mesa.Model):
        """Create the center."""
        super().__init__(model)
        self.rebukes_issued = 0
        self.repeats_ordered = 0

    def monitor(self, campaign, month: int, regions: list[RegionalCommittee]) -> None:
        """Read each region's report on a screening campaign and act on it."""
        m = self.model
        noise = m.p.report_noise
        # each region's report of its progress and formalism, each with its own noise (in
        # the order of the regions: progress, then formalism)
        noises = m.rng.lognormal(0.0, noise, size=(len(regions), 2))
        progress = m.screened_shares_of(regions, campaign) * noises[:, 0]
        formalism = np.array([reg.formalism for reg in regions]) * noises[:, 1]
        national = sum(progress.tolist()) / max(1, len(regions))
        planned = campaign.planned_progress(month)
        # every region's reading at once; the center then acts on them region by region
        slows, repeats = rules.monitor_region(progress, national, planned, formalism,
                                              m.p.too_fast, m.p.too_slow, m.p.cursory_formalism)
        for i in np.flatnonzero(slows | repeats).tolist():
            reg = regions[i]
            repeat = repeats[i] and campaign.repeats  # only where the book has repeats
            slow = slows[i] and campaign.rebukes_slowness
            if repeat and campaign.name not in reg.repeats:
                reg.repeats.add(campaign.name)
                m.forget_screening(reg, campaign)  # from the beginning (L802)
                reg.repeat_operation()
                reg.orders.append((m.month_label, campaign.name, "repeat"))
                self.repeats_ordered += 1
                m.count("repeats_ordered")
            elif slow and campaign.name not in reg.rebuked:
                reg.rebuked.add(campaign.name)  # ASSUMPTION: one rebuke per operation
                reg.rebuke()
                reg.orders.append((m.month_label, campaign.name, "rebuke"))
                self.rebukes_issued += 1
                m.count("rebukes")
