"""The reference engine: every member of the party is a Mesa agent.

Readable and slow; the vectorized engine (:mod:`model.arrays`) runs the same rules at
full historical scale and is docked to this one (tests/test_docking.py). The order of a
month's stages is in :mod:`model.base`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from model import rules
from model.agents import DistrictCommittee, Member, PrimaryOrganization, RegionalCommittee
from model.base import BasePurgeModel
from model.census import (
    ARRESTED,
    CANDIDATE,
    DEAD_SOUL,
    DISTRICT_SECRETARY,
    EXPELLED,
    GROUND_ATTRIBUTES,
    IN_PARTY,
    LEVELS,
    MEMBER,
    MEMBERSHIP_COLUMNS,
    NONE,
    OFFICIAL,
    ON_ROLLS,
    ORIGINS,
    PPO_SECRETARY,
    RANK_AND_FILE,
    REGIONAL_SECRETARY,
    STATES,
    STRUCK_OFF,
    SYMPATHIZER,
    Census,
    draw_recruits,
)
from model.scenario import Campaign, month_index, month_label


class PurgeModel(BasePurgeModel):
    """Agent-based model of the party purges of 1933-1939 (Getty 1985): reference engine.

    Every member and candidate is a Mesa agent (:class:`model.agents.Member`); so are the
    primary organizations, the *raikoms*, the *obkoms* and the center. The month's stages
    and their order are those of :class:`model.base.BasePurgeModel`.

    Args:
        scenario: A :class:`model.scenario.Scenario`, a path to a scenario TOML file, or
            None for the packaged historical scenario.
        rng: Seed or generator; all randomness flows from ``self.rng``/``self.random``.
        **overrides: Parameter overrides (validated; see :class:`model.params.Parameters`).
    """

    engine = "agents"

    def build(self, census: Census) -> None:
        """Turn the census into Mesa agents: organizations, members, offices, clients."""
        self.members: list[Member] = []
        self._deferred: list | None = None  # vacancies to fill once a screening is over
        self.clients: dict[int, list[Member]] = {}
        districts = []
        for d, r in enumerate(census.district_region):
            district = DistrictCommittee(self, self.regions[r], d)
            self.regions[r].districts.append(district)
            districts.append(district)
        self.ppos: list[PrimaryOrganization] = []
        for q, d in enumerate(census.ppo_district):
            ppo = PrimaryOrganization(self, districts[d], q)
            districts[d].ppos.append(ppo)
            self.ppos.append(ppo)
        self._add_members(census.members)
        rows = self.members
        m = census.members
        # (committees a reorganization will make come after the census's regions)
        for org, secretary in ((self.regions[:len(census.regional_secretary)],
                                census.regional_secretary),
                               (districts, census.district_secretary),
                               (self.ppos, census.ppo_secretary)):
            for o, s in zip(org, secretary, strict=True):
                o.secretary = rows[s] if s != NONE else None
        for member, office, patron in zip(rows, m["office"], m["patron"], strict=True):
            member.office = int(office)
            if patron != NONE:
                self.link(member, rows[patron])
        self.original_regional_secretaries = {r.secretary for r in self.regions
                                              if r.secretary is not None}
        self.state_counts: Counter[str] = Counter(m.state for m in self.members)

    def _add_members(self, m: dict[str, np.ndarray]) -> list[Member]:
        """One Mesa agent per row of member attributes (:data:`model.census.ATTRIBUTES`)."""
        new = []
        columns = [m[k].tolist() for k in ("ppo", "state", "origin", "joined", "passivity",
                                           *GROUND_ATTRIBUTES, "grievance")]
        for ppo, state, origin, joined, passive, *grounds, grievance in zip(*columns,
                                                                             strict=True):
            member = Member(self, row=len(self.members), org=self.ppos[ppo],
                            state=STATES[state], origin=ORIGINS[origin], joined=joined,
                            passive=passive, grievance=grievance,
                            grounds={"passivity": passive, **dict(zip(GROUND_ATTRIBUTES, grounds,
                                                                      strict=True))})
            self.ppos[ppo].members.append(member)
            self.members.append(member)
            new.append(member)
        return new

    def membership_table(self):
        """One row per member (see :meth:`model.base.BasePurgeModel.membership_table`)."""
        rows = []
        for m in self.members:
            district = m.org.district
            rows.append({
                "row": m.row, "ppo": m.org.index, "district": district.index,
                "region": district.region.index, "state": STATES.index(m.state),
                "origin": ORIGINS.index(m.origin), "joined": m.joined,
                "passivity": bool(m.passive),
                **{g: bool(m.grounds[g]) for g in GROUND_ATTRIBUTES},
                "grievance": m.grievance, "office": m.office,
                "patron": m.patron.row if m.patron is not None else NONE})
        return pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))

    def districts_and_states(self) -> tuple[np.ndarray, np.ndarray]:
        """Every member's district and state code (for :meth:`_district_snapshot`)."""
        n = len(self.members)
        code = {s: i for i, s in enumerate(STATES)}
        return (np.fromiter((m.org.district.index for m in self.members), np.int64, n),
                np.fromiter((code[m.state] for m in self.members), np.int64, n))

    def initial_grounds(self) -> np.ndarray:
        """0/1 grounds (rows in :data:`model.rules.GROUNDS` order) of members present."""
        vectors = [m.ground_vector() for m in self.members if m.in_party]
        return np.array(vectors, dtype=float).T.reshape(len(rules.GROUNDS), len(vectors))

    def expulsion_records(self):
        """One row per expulsion, as collected in the DataCollector table ``expulsions``."""
        return self.datacollector.get_table_dataframe("expulsions")

    @property
    def regional_secretaries_original(self) -> int:
        """Regional first secretaries of January 1933 still in office."""
        return sum(1 for r in self.regions if r.secretary in self.original_regional_secretaries
                   and r.secretary.in_party and r.secretary.office == REGIONAL_SECRETARY)

    # ------------------------------------------------------------------ stages
    def drift(self) -> None:
        """Records drift: each member may leave silently (:meth:`Member.drift`)."""
        self.agents_by_type[Member].shuffle_do("drift")

    def appeals(self) -> None:
        """Expelled members appeal (:meth:`Member.appeal`)."""
        for m in [m for m in self.members if m.state == EXPELLED]:
            m.appeal(self.reinstatement)

    # ------------------------------------------------------------------ screenings
    def regional_grievances(self) -> dict[int, tuple[float, float]]:
        """Mean grievance of the rank and file and of the apparatus, per region.

        For each live region (by index) with a first secretary, as :meth:`hold_elections`
        reads them.
        """
        return {r.index: (r.mean_grievance(), _mean_grievance(r.apparatus()))
                for r in self.live_regions() if r.secretary is not None}

    def reorganize(self, campaign: Campaign) -> None:
        """Split regional committees in two (:func:`rules.split_region`, L1926).

        The new committee takes the second half of the region's districts and a first
        secretary of its own, the center's man (nobody's client, L2000) chosen from its
        rank and file; the secretaries of its districts become his clients (nomenklatura,
        L375-381), no longer the old first secretary's.
        """
        for region in [r for r in self.regions if r.live and not r.spec.parent]:
            if not rules.split_region(self.random.random(), campaign.split_share,
                                      len(region.districts)):
                continue
            new = self.split_off(region)
            half = len(region.districts) // 2
            region.districts, moved = region.districts[:half], region.districts[half:]
            for district in moved:
                district.region = new
                new.districts.append(district)
                self.district_region[district.index] = new.index
            self.appoint(new, self._pick_rank_and_file(
                [m for d in moved for ppo in d.ppos for m in ppo.members]),
                REGIONAL_SECRETARY, None)
            if new.secretary is not None:
                self.log_secretary(new.index, new.secretary.row, "appointed")
            for district in moved:
                if district.secretary is not None and district.secretary.in_party:
                    self.link(district.secretary, new.secretary)

    def run_screening(self, campaign: Campaign) -> None:
        """Screen this month's share of each region's organizations."""
        zeal = rules.campaign_zeal(campaign.months_since_start(self.month),
                                   campaign.zeal_decay_months, campaign.zeal_floor)
        regions = self.live_regions()
        self.random.shuffle(regions)
        for region in regions:
            stats = self.operation_stats.setdefault((campaign.name, region.name), Counter())
            if "base" not in stats:  # the region's rolls when the operation began
                stats["base"] = sum(1 for ppo in region.ppos() for m in ppo.members
                                    if m.state in ON_ROLLS)
            p_screen = rules.screening_pace(campaign.pace, region.obstruction, region.formalism,
                                             region.pressure)
            for ppo in region.ppos():
                if campaign.name not in ppo.screened and self.random.random() < p_screen:
                    self._screen(ppo, campaign, region, float(zeal))

    def _screen(self, ppo: PrimaryOrganization, campaign: Campaign,
                region: RegionalCommittee, zeal: float) -> None:
        """Screen one primary organization: records check, review of each member, meeting."""
        p = self.p
        ppo.screened.add(campaign.name)
        stats = self.operation_stats.setdefault((campaign.name, region.name), Counter())
        independence = self.independence(campaign.conducted_by)
        for m in [m for m in ppo.members if m.state == DEAD_SOUL]:
            if self.random.random() < rules.discover_dead_soul(
                    campaign.records_check, region.formalism, p.formalism_blindness):
                self.change_state(m, STRUCK_OFF, reason="lost")
                stats["lost"] += 1
        weights = self.campaign_weights(campaign, self.restraint)
        norm = self._norms[campaign.name]
        injustice = 0
        present = ppo.present()
        # The screening judges the organization as it stood when it began: protection is
        # read before any verdict, and the offices its expulsions vacate are filled when
        # it is over (ASSUMPTION; it is also how the array engine proceeds).
        protection = [self._protection(m, region, independence) for m in present]
        self._deferred = []
        for m, protected in zip(present, protection, strict=True):
            if not m.in_party:  # fell earlier in this screening (e.g. his patron's fall)
                continue
            self.count("screened")
            stats["screened"] += 1
            grounds = m.ground_vector()
            relative_risk = (p.baseline_risk + rules.grounds_hazard(grounds, weights)) / norm
            deflection = rules.deflect_onto_passives(m.passive, m.patron is not None,
                                                     m.is_official, self.deflection,
                                                     self.vigilance, independence)
            case, deflected, shielded = rules.screening_verdict(
                self.random.random(), campaign.intensity, zeal, relative_risk, protected,
                deflection, region.formalism, p.formalism_blindness)
            if deflected:
                self.count("deflected")
            if shielded:
                m.protected += 1
                self.count("shielded")
            injustice += deflected + shielded
            if not case:
                continue
            reason = rules.case_reason(self.random.random(), grounds, weights, p.baseline_risk)
            if self.random.random() < rules.screening_expels(self.severity_by_reason[reason], m.is_official,
                                                             self.leniency, p.outcome_weights):
                self.expel(m, rules.REASONS[reason], channel="screening",
                           campaign=campaign.name)
                stats["expelled"] += 1
            elif m.is_official and self.random.random() < rules.screening_removes(
                    self.severity_by_reason[reason], 1, self.leniency, p.outcome_weights):
                self.count("removed_by_screening")
                self.vacate(m, how="removed", elected_successor=False)
            else:
                self.demote(m)
        deferred, self._deferred = self._deferred, None
        self._appoint_deferred(deferred)
        self._meeting(ppo, region, campaign.vigilance, campaign.criticism, independence)
        self._grieve(ppo, injustice, len(present))

    def _protection(self, m: Member, region: RegionalCommittee, independence: float) -> float:
        """:func:`rules.case_protection` of member ``m`` before a screener this independent."""
        p = self.p
        return rules.case_protection(m.patron is not None, m.protected_now, region.machine,
                                     m.is_official, self.defence_by_office[m.office], independence,
                                     p.protection_strength, p.skill_protection)

    # ------------------------------------------------------------------ meetings
    def hold_meetings(self) -> None:
        """A party meeting in every organization (vigilance, criticism)."""
        for region in self.regions:
            for ppo in region.ppos():
                self._meeting(ppo, region, self.vigilance, self.criticism,
                              self.meeting_independence)

    def _meeting(self, ppo: PrimaryOrganization, region: RegionalCommittee, vigilance: float,
                 criticism: float, independence: float) -> None:
        """A party meeting: *fakti* from peers, criticism from below, vigilance from above."""
        if vigilance <= 0 and criticism <= 0:
            return
        p = self.p
        grievance_ppo = ppo.mean_grievance()
        present = ppo.present()
        silenced = 0  # critics expelled from above: "suppression of criticism" (L1749, L1769)
        for m in present:
            if not m.in_party:
                continue
            against = (ppo.district.mean_grievance() if m.office >= DISTRICT_SECRETARY
                       else grievance_ppo)
            probs = rules.denounce(p.lateral_rate, vigilance, m.grounds_visible(),
                                   p.unfounded_denunciation,
                                   p.from_below_rate, criticism, against, m.is_official,
                                   self.from_above_rate, self.vigilance,
                                   m.passive, m.patron is not None, m.critic, p.retaliation)
            for channel, prob in zip(("lateral", "from_below", "from_above"), probs, strict=True):
                if m.in_party and self.random.random() < prob:
                    silenced += self._denunciation(m, channel, ppo, region, independence)
        self._grieve(ppo, silenced, len(present))

    def _denunciation(self, target: Member, channel: str, ppo: PrimaryOrganization,
                      region: RegionalCommittee, independence: float) -> bool:
        """Investigate one denunciation and carry out its outcome (Table 3.2, L859).

        Returns whether a critic was expelled from above (criticism suppressed).
        """
        p = self.p
        self.count("denunciations_made")
        self.count(f"denunciations_{channel}")
        target.denounced += 1
        denouncer = ppo.secretary if channel == "from_above" else self._peer(ppo, target)
        if denouncer is not None:
            denouncer.denunciations_made += 1
            if channel == "from_below":
                denouncer.critic = True
        if self.random.random() >= p.check_probability:
            return False
        self.count("denunciations_checked")
        if self.random.random() < p.pending_share:
            self.count("denunciations_pending")
            return False
        g = target.grounds
        visible = rules.visible_reason(self.random.random(), target.alien_origin, g["misconduct"],
                                       g["indiscipline"], g["opposition"], target.passive)
        reason, grounded = rules.accusation(channel, target.passive, g["misconduct"], visible,
                                            p.poor_leadership_grounded)
        protection = self._protection(target, region, independence)
        if self.random.random() >= rules.investigate(grounded, protection, p.true_support,
                                                     p.false_support):
            self.count("denunciations_unsupported")
            if protection < 1.0:
                target.protected += 1
            return False
        if rules.disregard_declared_origin(reason, g["alien_past"]):
            self.count("denunciations_disregarded")
            return False
        self.count("denunciations_supported")
        probs = rules.choose_outcome(self.severity_by_reason[reason], target.is_official, self.leniency,
                                     p.outcome_weights)
        outcome = rules.pick(self.random.random(), probs)
        self.count(f"outcome_{rules.OUTCOMES[outcome]}")
        if self.random.random() < rules.handed_to_police(self.fused, channel, outcome,
                                                         p.fused_arrest_share):
            self.arrest(target, campaign="fused_criticism")
        elif rules.OUTCOMES[outcome] == "expel":
            silenced = channel == "from_above" and target.critic
            self.expel(target, rules.REASONS[reason], channel=channel, campaign="meeting")
            return silenced
        elif rules.OUTCOMES[outcome] == "demote":
            self.demote(target)
        elif rules.OUTCOMES[outcome] == "remove_from_post" and target.is_official:
            self.vacate(target, how="removed", elected_successor=False)
        return False

    def _peer(self, ppo: PrimaryOrganization, target: Member) -> Member | None:
        peers = [m for m in ppo.members if m.in_party and m is not target]
        return peers[int(self.rng.integers(len(peers)))] if peers else None

    def _grieve(self, ppo: PrimaryOrganization, injustice: int, n_present: int) -> None:
        if injustice == 0 or n_present == 0:
            return
        witnessed = float(rules.witnessed_injustice(injustice, n_present,
                                                    self.p.injustice_visibility))
        for m in ppo.members:
            if m.in_party and not m.is_official:
                m.grievance = float(rules.grievance_growth(m.grievance, witnessed,
                                                           self.p.grievance_rate))

    # ------------------------------------------------------------------ 1937 elections
    def hold_elections(self, campaign: Campaign) -> None:
        """Secret-ballot elections to party posts (L1645-1647, census.PARTY_POSTS).

        PPO secretaries in the campaign's first month, raikom and obkom secretaries in its
        last; directors and kolkhoz chairmen hold state posts, not elected by the party.
        """
        first = campaign.months_since_start(self.month) == 0
        last = self.month == month_index(campaign.end)
        for region in self.regions:
            for district in region.districts:
                if first:
                    for ppo in district.ppos:
                        holders = [m for m in ppo.members if m.in_party
                                   and m.office == PPO_SECRETARY]
                        for m in holders:
                            self._ballot(m, region, ppo.mean_grievance(), 0.0)
                if last and district.secretary is not None:
                    self._ballot(district.secretary, region, district.mean_grievance(),
                                 _mean_grievance(district.apparatus()))
            if last and region.secretary is not None:
                self._ballot(region.secretary, region, region.mean_grievance(),
                             _mean_grievance(region.apparatus()))

    def _ballot(self, holder: Member, region, rank_and_file: float, apparatus: float) -> None:
        """One secret ballot, in ``region``.

        The electorate's grievance (rank and file, apparatus) and the criticism that
        reaches it past the holder's machine.
        """
        level = LEVELS[holder.office]
        self.count(f"election_holders_{level}")
        grievance = self.electorate_grievance(holder.office, rank_and_file, apparatus)
        p = rules.secret_ballot_turnover(grievance,
                                         self.criticism_reaching(holder.office, region),
                                         self.p.election_base)
        if self.random.random() < p:
            self.count(f"voted_out_{level}")
            self.vacate(holder, how="voted_out", elected_successor=True)

    # ------------------------------------------------------------------ police channel
    def police(self) -> None:
        """NKVD arrests, and removal of regional leaderships from above."""
        p = self.p
        for region in self.regions:
            sec = region.secretary
            if sec is not None and sec.in_party and self.random.random() < (
                    rules.remove_regional_leader(self.leader_removal_rate, region.distrust)):
                if self.removal_is_arrest:
                    self.arrest(sec, campaign="removed_from_above")
                else:
                    self.vacate(sec, how="removed_from_above", elected_successor=False)
        if self.arrest_rate <= 0 and not any(self.targeted_hazards):
            return
        members = [m for m in self.members if m.in_party]
        self.random.shuffle(members)
        for m in members:
            if not m.in_party:
                continue
            shield = rules.nkvd_local_shield(p.local_nkvd_shield, m.protected_now, self.fused)
            targeted = rules.targeted_arrests(self.targeted_hazards, m.grounds["opposition"],
                                              m.grounds["alien_past"], m.office == OFFICIAL)
            prob = rules.arrest_hazard(self.arrest_rate, self.exposure_by_office[m.office],
                                       m.grounds["opposition"], m.grounds["alien_past"],
                                       m.patron_fell, p.cascade, self._implicated(m),
                                       p.arrest_chain, targeted, shield,
                                       p.arrest_weight_opposition, p.arrest_weight_alien_past)
            if self.random.random() < prob:
                self.arrest(m, campaign="nkvd" if self.arrest_rate > 0 else "targeted")
        self._expel_connections()

    def _implicated(self, m: Member) -> bool:
        """Whether someone in the member's organization was arrested before this month."""
        return 0 <= m.org.arrest_month < self.month

    def _expel_connections(self) -> None:
        """Organizations expel members implicated by an arrest (L2245-2249)."""
        if self.vigilance <= 0:
            return
        prob = rules.expel_for_connections(self.p.connections_rate, self.vigilance, 1,
                                           self.restraint)
        for m in [m for m in self.members if m.in_party and self._implicated(m)]:
            if self.random.random() < prob:
                self.expel(m, "connections_with_enemies", channel="from_above",
                           campaign="connections")

    # ------------------------------------------------------------------ membership moves
    def change_state(self, m: Member, new: str, reason: str = "") -> None:
        """Move a member to a new state, keeping the state counts and flows."""
        old = m.state
        if old == new:
            return
        if old in IN_PARTY and new not in IN_PARTY:
            m.state_before_exit = old
            m.left_month = self.month
        self.state_counts[old] -= 1
        self.state_counts[new] += 1
        m.state = new
        key = {"lost": "lost_from_rolls", "withdrawal": "withdrew", "drift": "drifted"}.get(reason)
        if key:
            self.count(key)
        if old in IN_PARTY and new not in IN_PARTY and m.is_official:
            self.vacate(m, how=new, elected_successor=False)

    def expel(self, m: Member, reason: str, channel: str, campaign: str) -> None:
        """Expel a member (*iskliuchenie*), record it, and expose his clients."""
        level = LEVELS[m.office]
        self._record_expulsion(m, reason, channel, campaign, level)
        m.expel_reason = reason
        self.change_state(m, EXPELLED)

    def arrest(self, m: Member, campaign: str) -> None:
        """Arrest by the NKVD: expulsion and arrest at once (L1990)."""
        level = LEVELS[m.office]
        self._record_expulsion(m, "enemy_of_the_people", "nkvd", campaign, level)
        m.expel_reason = "enemy_of_the_people"
        if m.org.arrest_month < 0:
            m.org.arrest_month = self.month
        self.count("arrested")
        self.change_state(m, ARRESTED)

    def _record_expulsion(self, m: Member, reason: str, channel: str, campaign: str,
                          level: str) -> None:
        self.count("expelled")
        self.count(f"expelled_{level}")
        self.datacollector.add_table_row("expulsions", {
            "month": month_label(self.month), "member_id": m.row,
            "region": m.org.district.region.name, "district_id": m.org.district.index,
            "level": level, "reason": reason, "channel": channel, "campaign": campaign,
            "joined": m.joined, "origin": m.origin, "was_candidate": m.state == CANDIDATE,
            "client": m.patron is not None})

    def demote(self, m: Member) -> None:
        """Member to candidate, candidate to sympathizer (L646)."""
        self.count("demoted")
        if m.state == MEMBER:
            self.change_state(m, CANDIDATE)
        else:
            self.change_state(m, SYMPATHIZER)

    def reinstate(self, m: Member) -> None:
        """Readmit an expelled member on appeal, in his former standing."""
        self.count("reinstated")
        self.change_state(m, m.state_before_exit)

    # ------------------------------------------------------------------ offices
    def appoint(self, org, m: Member | None, level: int, patron: Member | None) -> None:
        """Make ``m`` the secretary of ``org`` and (if given) a client of ``patron``."""
        if m is None:
            org.secretary = None
            return
        org.secretary = m
        m.office = level
        self.link(m, patron)

    def make_official(self, m: Member, patron: Member | None) -> None:
        """Give ``m`` a leading post (director, chairman) in the patron's gift."""
        m.office = OFFICIAL
        self.link(m, patron)

    def link(self, client: Member, patron: Member | None) -> None:
        """Make ``client`` part of ``patron``'s family circle (or of none)."""
        if client.patron is not None:
            old = self.clients.get(client.patron.unique_id, [])
            if client in old:
                old.remove(client)
        client.patron = patron
        client.patron_fell = False
        if patron is not None:
            self.clients.setdefault(patron.unique_id, []).append(client)

    def vacate(self, holder: Member, how: str, elected_successor: bool) -> None:
        """Remove ``holder`` from his office; his clients lose their protector.

        "When Rumiantsev fell, Kovalev fell" (L1994): the fallen patron's clients are
        exposed. An official voted out or removed keeps his party card and his own patron
        (a soft landing, L1773, L1799).
        """
        level = holder.office
        if level == RANK_AND_FILE:
            return
        if level == REGIONAL_SECRETARY:
            self.log_secretary(holder.org.district.region.index, holder.row, "left", how)
        self.count(f"removed_{LEVELS[level]}")
        holder.office = RANK_AND_FILE
        for client in self.clients.get(holder.unique_id, []):
            client.patron_fell = True
        if self._deferred is not None:
            self._deferred.append((holder, level, elected_successor))
        else:
            self._appoint_successor(holder, level, elected_successor)

    def _appoint_deferred(self, deferred: list) -> None:
        """Fill the offices a screening vacated (``(holder, level, elected)``, in order).

        Successors are drawn in the order the offices fell; patrons are linked once every
        office is filled (ASSUMPTION, docs/ODD.md), so a lower office's successor is the
        client of the secretary above as he now is - his successor if he fell in the same
        screening, as in the array engine (``kernels.vacate``).
        """
        filled = [self._appoint_successor(holder, level, elected, link=False)
                  for holder, level, elected in deferred]
        for (_, level, elected), (successor, org) in zip(deferred, filled, strict=True):
            if successor is not None:
                self.link(successor, self._appointing_patron(org, level, elected))

    def _appoint_successor(self, holder: Member, level: int, elected_successor: bool,
                           link: bool = True):
        """Fill the office ``holder`` has left (level ``level``) from the rank and file.

        Returns ``(successor, org)``: the member appointed (``None`` if nobody was at hand)
        and the organization whose office it is (``None`` if the office was not
        ``holder``'s). With ``link`` false the successor is left without a patron, for the
        caller to link once every office vacated with his has been filled
        (:meth:`_appointing_patron`).
        """
        org = self._org_of(holder, level)
        if org is None:
            return None, None
        if level == OFFICIAL:  # a new director or chairman, in the district secretary's gift
            pool = org.members
        elif level == REGIONAL_SECRETARY:
            pool = [m for d in org.districts for ppo in d.ppos for m in ppo.members]
        elif level == DISTRICT_SECRETARY:
            pool = [m for ppo in org.ppos for m in ppo.members]
        else:
            pool = org.members
        successor = self._pick_rank_and_file(pool, holder)
        patron = self._appointing_patron(org, level, elected_successor) if link else None
        if level == OFFICIAL:
            if successor is not None:
                self.make_official(successor, patron)
        else:
            self.appoint(org, successor, level, patron)
        if level == REGIONAL_SECRETARY and org.secretary is not None:
            self.log_secretary(org.index, org.secretary.row, "appointed")
        return successor, org

    @staticmethod
    def _appointing_patron(org, level: int, elected_successor: bool) -> Member | None:
        """Whose client a successor in ``org``'s office of ``level`` becomes.

        Elected from below, nobody's; appointed, the secretary one level up, as he is when
        the appointment takes effect; a regional secretary is the center's man (L2000:
        Paparde, then Korotchenkov).
        """
        if elected_successor or level == REGIONAL_SECRETARY:
            return None
        if level == DISTRICT_SECRETARY:
            return org.region.secretary
        return org.district.secretary

    def _pick_rank_and_file(self, pool: list[Member],
                            fallen: Member | None = None) -> Member | None:
        """A successor drawn from the rank and file of ``pool``, never ``fallen`` himself.

        Voted out or removed, the fallen holder keeps his card and is rank and file again
        (L1773, L1799); he is not re-appointed to the office he has just lost.
        """
        candidates = [m for m in pool if m.in_party and not m.is_official and m is not fallen]
        return candidates[int(self.rng.integers(len(candidates)))] if candidates else None

    def _org_of(self, holder: Member, level: int):
        district = holder.org.district
        if level == PPO_SECRETARY:
            return holder.org if holder.org.secretary is holder else None
        if level == DISTRICT_SECRETARY:
            for d in district.region.districts:
                if d.secretary is holder:
                    return d
            return None
        if level == REGIONAL_SECRETARY:
            return district.region if district.region.secretary is holder else None
        return holder.org

    # ------------------------------------------------------------------ admissions
    def admit_and_promote(self) -> None:
        """New candidates (when admissions are open) and promotion of candidates."""
        p = self.p
        frozen = self.admissions_frozen
        expected = rules.admit_candidates(self.admissions_rate, self.in_party, frozen)
        n_new = int(self.rng.poisson(expected)) if expected > 0 else 0
        if n_new:
            recruits = draw_recruits(p, self.rng, n_new, len(self.ppos), 1933 + self.month // 12)
            self.state_counts[CANDIDATE] += len(self._add_members(recruits))
            self.count("admitted", n_new)
        promote = rules.promote_candidate(frozen, p.promotion_months)
        if promote > 0:
            for m in self.members:
                if m.state == CANDIDATE and self.random.random() < promote:
                    self.change_state(m, MEMBER)
                    self.count("promoted")

    # ------------------------------------------------------------------ the center
    def region_progress(self, region: RegionalCommittee, campaign: Campaign) -> tuple[float, float]:
        """True share of the region's organizations screened, and expulsion rate so far."""
        ppos = region.ppos()
        done = sum(1 for ppo in ppos if campaign.name in ppo.screened)
        stats = self.operation_stats.get((campaign.name, region.name), Counter())
        rate = stats["expelled"] / stats["screened"] if stats["screened"] else 0.0
        return done / max(1, len(ppos)), rate

    def forget_screening(self, region: RegionalCommittee, campaign: Campaign) -> None:
        """Mark every organization of ``region`` as not yet screened by ``campaign``."""
        for ppo in region.ppos():
            ppo.screened.discard(campaign.name)


def _mean_grievance(members: list[Member]) -> float:
    """Mean grievance of ``members`` (0 for none)."""
    return sum(m.grievance for m in members) / len(members) if members else 0.0
