"""Mesa agents of the purge model: members, party committees and the center.

The agents hold state and call the rules of :mod:`model.rules`; they never contain a
rule's arithmetic themselves. Organizations (primary organizations, *raikoms*,
*obkoms*) are agents because the decisions that matter - whom to screen, whom to
shield, whose denunciation to uphold - were taken by their secretaries (L1461).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from model import rules

if TYPE_CHECKING:
    from model.model import PurgeModel

# Membership states: each member is in exactly one state each month.
MEMBER, CANDIDATE, DEAD_SOUL, EXPELLED, ARRESTED, STRUCK_OFF, SYMPATHIZER = (
    "member", "candidate", "dead_soul", "expelled", "arrested", "struck_off", "sympathizer")
STATES = (MEMBER, CANDIDATE, DEAD_SOUL, EXPELLED, ARRESTED, STRUCK_OFF, SYMPATHIZER)
IN_PARTY = (MEMBER, CANDIDATE)
ON_ROLLS = (MEMBER, CANDIDATE, DEAD_SOUL)

# Office levels, lowest to highest.
RANK_AND_FILE, PPO_SECRETARY, OFFICIAL, DISTRICT_SECRETARY, REGIONAL_SECRETARY = range(5)
LEVELS = ("rank_and_file", "ppo_secretary", "other_official", "district_secretary",
          "regional_secretary")

ORIGINS = ("worker", "peasant", "employee")

# Gravity of each ground (used for outcomes and appeals). ASSUMPTION, ordered as the
# party ranked them: passivity was not even a listed target (L693), hidden alien pasts
# and opposition were "political" (L1035, L1461).
SEVERITY = {"passivity": 0.0, "card_irregularity": 0.3, "indiscipline": 0.4, "misconduct": 0.5,
            "bureaucratism": 0.5, "alien_past": 0.8, "opposition": 1.0, "other": 0.3,
            "enemy_of_the_people": 1.0, "old_bolshevik": 1.0,
            # criticism from below: bureaucrats "removed by their own activists for poor
            # leadership, not by the police as 'enemies of the people'" (L1799)
            "poor_leadership": 0.1}
BASELINE_RISK = 0.25  # ASSUMPTION: weight of "other" grounds (Table 2.3: "Other" 17.9 %)
# Which grounds a lateral denunciation is about, by visibility (Table 3.1, L836).
DENOUNCED_GROUNDS = ("alien_past", "misconduct", "indiscipline", "opposition", "passivity")

# New recruits after admissions reopened in November 1936 (L1107). The book gives no
# composition for them. ASSUMPTION: 70 % workers, 20 % peasants, 10 % employees, near the
# 1933 membership (67.7 % workers, L678); 15 % soon passive.
RECRUIT_ORIGIN_SHARES = (0.7, 0.2, 0.1)
RECRUIT_PASSIVE_SHARE = 0.15
# ASSUMPTION: once the channels fused, "poor party work = wrecking" (L2006): half of the
# officials condemned from below are handed to the NKVD, and meetings are half out of
# the secretaries' reach ("stripped away", L2008).
FUSED_ARREST_SHARE = 0.5
FUSED_MEETING_INDEPENDENCE = 0.5


class Member(mesa.Agent):
    """A party member or candidate (and, through ``office``, an officeholder).

    State: membership state, candidate or full member, social origin, year joined,
    passivity, the grounds that could be held against him (alien past, misconduct,
    indiscipline, card irregularity, former opposition), the office held, the patron whose
    client he is, his grievance against local leaders and whether he has criticised them.
    """

    def __init__(self, model: PurgeModel, *, org: PrimaryOrganization, state: str,
                 origin: str, joined: int, passive: bool, grounds: dict[str, bool]):
        """Create a member in primary organization ``org``."""
        super().__init__(model)
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
        self.grievance = 0.0
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

    def grounds_visible(self) -> float:
        """How much there is to denounce (:func:`model.rules.visible_grounds`)."""
        g = self.grounds
        return float(rules.visible_grounds(g["alien_past"], g["misconduct"], g["indiscipline"],
                                           g["opposition"], self.passive))

    # -- monthly behaviour -----------------------------------------------------------------
    def drift(self) -> None:
        """Leave the organization silently, staying on the rolls as a "dead soul"."""
        if self.state not in IN_PARTY:
            return
        m = self.model
        p = rules.disappear_from_rolls(m.p.drift_rate, self.passive, self.is_recent,
                                       m.records_chaos)
        if m.random.random() < p:
            m.change_state(self, DEAD_SOUL, reason="drift")
        elif m.random.random() < m.p.withdrawal_rate:
            m.change_state(self, STRUCK_OFF, reason="withdrawal")

    def appeal(self, restraint: float) -> None:
        """Appeal an expulsion; success per :func:`model.rules.reinstate_on_appeal`."""
        m = self.model
        if m.random.random() >= rules.appeal_probability(m.p.appeal_rate, restraint, self.appeals):
            return
        self.appeals += 1
        m.count("appeals")
        p = rules.reinstate_on_appeal(SEVERITY.get(self.expel_reason, 0.3),
                                      self.origin == "worker", restraint, m.p.reinstatement_base)
        if m.random.random() < p:
            m.reinstate(self)


class PrimaryOrganization(mesa.Agent):
    """A primary party organization (PPO, "cell") and its secretary."""

    def __init__(self, model: PurgeModel, district: DistrictCommittee):
        """Create an empty organization in ``district``."""
        super().__init__(model)
        self.district = district
        self.members: list[Member] = []
        self.secretary: Member | None = None
        self.screened: set[str] = set()  # campaigns that have screened this organization

    def present(self) -> list[Member]:
        """Members and candidates actually in the organization."""
        return [m for m in self.members if m.in_party]

    def mean_grievance(self) -> float:
        """Mean grievance of the rank and file present."""
        rf = [m.grievance for m in self.members if m.in_party and not m.is_official]
        return sum(rf) / len(rf) if rf else 0.0


class DistrictCommittee(mesa.Agent):
    """A *raikom*: its buro approved every expulsion in the district (L1461)."""

    def __init__(self, model: PurgeModel, region: RegionalCommittee):
        """Create a district committee in ``region``."""
        super().__init__(model)
        self.region = region
        self.ppos: list[PrimaryOrganization] = []
        self.secretary: Member | None = None

    def mean_grievance(self) -> float:
        """Grievance of the district's rank and file, averaged over its organizations."""
        values = [p.mean_grievance() for p in self.ppos]
        return sum(values) / len(values) if values else 0.0


class RegionalCommittee(mesa.Agent):
    """An *obkom*/*kraikom*: a regional machine with its own way of running campaigns."""

    def __init__(self, model: PurgeModel, spec):
        """Create a regional committee from a :class:`model.scenario.Region`."""
        super().__init__(model)
        self.name = spec.name
        self.spec = spec
        self.obstruction = spec.obstruction
        self.formalism = spec.formalism
        self.machine = spec.machine
        self.districts: list[DistrictCommittee] = []
        self.secretary: Member | None = None
        self.pressure = 0.0  # central pressure from rebukes, decays monthly
        self.distrust = 0.0  # the center's accumulated distrust
        self.repeats: set[str] = set()  # campaigns it was ordered to repeat
        self.rebuked: set[str] = set()  # campaigns it was rebuked for foot-dragging
        self.rebukes = 0

    def ppos(self) -> list[PrimaryOrganization]:
        """All primary organizations of the region."""
        return [p for d in self.districts for p in d.ppos]


class Center(mesa.Agent):
    """The Politburo, Secretariat and ORPO: issues campaigns, reads reports, rebukes.

    The center sees only the regions' reports, which records chaos makes noisy (L437,
    L467-471); it rebukes, orders repeats (L802, L940) and, in 1937-38, removes regional
    leaderships from above (L2002, L2029).
    """

    def __init__(self, model: PurgeModel):
        """Create the center."""
        super().__init__(model)
        self.rebukes_issued = 0
        self.repeats_ordered = 0

    def monitor(self, campaign, month: int, regions: list[RegionalCommittee]) -> None:
        """Read each region's report on a screening campaign and act on it."""
        m = self.model
        noise = m.p.report_noise
        reports = []
        for reg in regions:
            progress, _ = m.region_progress(reg, campaign)
            reports.append((reg, progress * float(m.rng.lognormal(0.0, noise)),
                            reg.formalism * float(m.rng.lognormal(0.0, noise))))
        national = sum(p for _, p, _ in reports) / max(1, len(reports))
        planned = campaign.planned_progress(month)
        for reg, progress, formalism in reports:
            slow, repeat = rules.monitor_region(progress, national, planned, formalism,
                                                m.p.too_fast, m.p.too_slow)
            if repeat and campaign.name not in reg.repeats:
                reg.repeats.add(campaign.name)
                m.order_repeat(reg, campaign)
                self.repeats_ordered += 1
            elif slow and campaign.name not in reg.rebuked:
                reg.rebuked.add(campaign.name)  # ASSUMPTION: one rebuke per operation
                reg.pressure += m.p.rebuke_pressure
                reg.obstruction *= 0.7
                reg.rebukes += 1
                reg.distrust += 0.5
                self.rebukes_issued += 1
                m.count("rebukes")
