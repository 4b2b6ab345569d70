"""The vectorized engine: member state as numpy arrays, the center and obkoms as Mesa agents.

The same model as the reference engine (:mod:`model.model`): the same scenario files,
parameters, month stages (:class:`model.base.BasePurgeModel`), rule functions
(:mod:`model.rules`, called here on whole arrays instead of one member at a time) and
outputs. Members and candidates are rows of a structure of arrays (:class:`MemberArrays`);
primary organizations and *raikoms* are index ranges; the center and the regional
committees (*obkoms*), whose decisions are taken one region at a time, remain Mesa agents
and run the very same code (:class:`model.agents.Center`,
:class:`model.agents.RegionalCommittee`).

What differs from the reference engine is only the order of events inside a stage of a
month. There each case is settled before the next is drawn, so a secretary expelled early
in a screening no longer protects the clients reviewed after him in the same
organization; here every case of a stage is drawn at once from the state at the start of
the stage, and the consequences (vacated offices, exposed clients) apply from the next
stage. The two engines therefore agree in distribution, not draw for draw; the docking
tests (tests/test_docking.py) check that agreement.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from model import census, kernels, rules
from model.agents import RegionalCommittee
from model.base import BasePurgeModel
from model.census import (
    CANDIDATE,
    DISTRICT_SECRETARY,
    LEVELS,
    MEMBER,
    NONE,
    ORIGINS,
    PPO_SECRETARY,
    REGIONAL_SECRETARY,
    STATES,
)
from model.reporters import EXPULSION_COLUMNS
from model.scenario import Campaign, month_index, month_label

# Integer codes of the categorical member attributes.
S = {name: code for code, name in enumerate(STATES)}
IN_PARTY_MAX = max(S[MEMBER], S[CANDIDATE])  # member and candidate have the lowest codes
assert {S[MEMBER], S[CANDIDATE]} == {0, 1}
REASONS = rules.REASONS
R = rules.REASON_CODE
CHANNELS = rules.CHANNELS
WORKER = ORIGINS.index("worker")

# Member attributes and their dtypes (one array each): the census's, and the record of
# what happened to each member since.
FIELDS: dict[str, type] = {
    **census.ATTRIBUTES, "patron_fell": np.bool_, "critic": np.bool_,
    "denunciations_made": np.int32, "denounced": np.int32, "protected": np.int32,
    "appeals": np.int8, "expel_reason": np.int8, "left_month": np.int16,
    "state_before_exit": np.int8,
}


class MemberArrays:
    """Every member and candidate as one row of a structure of numpy arrays.

    Attributes are those of :class:`model.agents.Member` (``passivity`` is its
    ``passive``); categorical ones are integer codes (:data:`S`, :data:`REASONS`,
    :data:`model.agents.ORIGINS`, office levels). Capacity grows by doubling as
    candidates are admitted.
    """

    def __init__(self, columns: dict[str, np.ndarray]):
        """Rows with the given attributes (adopted, not copied); the others start empty."""
        self.n = len(columns["state"])
        for name, dtype in FIELDS.items():
            values = columns.get(name)
            setattr(self, name, values if values is not None and values.dtype == dtype
                    else np.zeros(self.n, dtype=dtype))
        self.left_month[:] = -1
        self.state_before_exit[:] = self.state

    def append(self, k: int) -> np.ndarray:
        """Add ``k`` zeroed rows; returns their indices."""
        first = self.n
        capacity = len(self.state)
        if first + k > capacity:
            new_capacity = max(first + k, int(capacity * 1.25) + 16)
            for name, dtype in FIELDS.items():
                old = getattr(self, name)
                grown = np.zeros(new_capacity, dtype=dtype)
                grown[:capacity] = old
                if name == "patron":
                    grown[capacity:] = NONE
                elif name == "left_month":
                    grown[capacity:] = -1
                setattr(self, name, grown)
        self.n = first + k
        return np.arange(first, first + k)

    def view(self, name: str) -> np.ndarray:
        """The live rows of one attribute (a view, writes go through)."""
        return getattr(self, name)[: self.n]

    def extend(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        """Add rows with the given attributes (the others zero); returns their indices."""
        k = len(next(iter(columns.values())))
        new = self.append(k)
        for name, values in columns.items():
            getattr(self, name)[new] = values
        self.state_before_exit[new] = columns["state"]
        return new


class ArrayPurgeModel(BasePurgeModel):
    """The purge model with members as numpy arrays, for full historical scale.

    Same arguments, stages, rules and outputs as :class:`model.model.PurgeModel`.
    """

    engine = "arrays"

    # ------------------------------------------------------------------ structure
    def build(self, party: census.Census) -> None:
        """Keep the census's arrays as the member table; organizations are index ranges."""
        self.district_region = party.district_region
        self.ppo_district = party.ppo_district
        self.ppo_region = party.ppo_region
        self.n_ppos = len(party.ppo_district)
        # organizations of a district (and districts of a region) have consecutive ids
        self.district_ppo_start = np.searchsorted(self.ppo_district,
                                                  np.arange(len(self.district_region) + 1))
        self.region_ppo_start = np.searchsorted(self.ppo_region,
                                                np.arange(len(self.regions) + 1))
        self.regional_secretary = party.regional_secretary.copy()
        self.district_secretary = party.district_secretary.copy()
        self.ppo_secretary = party.ppo_secretary.copy()
        self.screened: dict[str, np.ndarray] = {
            c.name: np.zeros(self.n_ppos, dtype=bool) for c in self.calendar.campaigns
            if c.pace > 0}
        self.m = MemberArrays(party.members)
        # members of organization q are order[starts[q]:starts[q + 1]]
        self.order = np.arange(self.m.n, dtype=np.int64)
        self.starts = party.starts.copy()
        self.original_regional_secretaries = self.regional_secretary.copy()
        # rows that have (or once had) a patron, to find a fallen patron's clients fast;
        # a scratch mask over all rows, and the patron of nobody (row NONE = -1) is kept
        # out of it by an extra last element
        self._clients = np.flatnonzero(self.m.view("patron") != NONE)
        self._fallen = np.zeros(self.m.n + 1, dtype=bool)
        # the first month someone in each organization was arrested (-1: never)
        self.ppo_arrest_month = np.full(self.n_ppos, -1, dtype=np.int64)
        self._taken = np.zeros(self.m.n + 1, dtype=bool)
        self._state_counts = np.bincount(self.m.view("state"), minlength=len(STATES))
        self._records: list[dict[str, np.ndarray]] = []
        self._campaign_codes: dict[str, int] = {}

    def membership_table(self) -> pd.DataFrame:
        """One row per member (see :meth:`model.base.BasePurgeModel.membership_table`)."""
        m, n = self.m, self.m.n
        ppo = m.ppo[:n]
        columns = {"row": np.arange(n), "ppo": ppo, "district": self.ppo_district[ppo],
                   "region": self.ppo_region[ppo]}
        columns.update({c: getattr(m, c)[:n] for c in census.MEMBERSHIP_COLUMNS if c not in columns})
        return pd.DataFrame(columns)[list(census.MEMBERSHIP_COLUMNS)]

    # ------------------------------------------------------------------ engine hooks
    def initial_grounds(self) -> np.ndarray:
        """0/1 grounds (rows in :data:`model.rules.GROUNDS` order) of members present."""
        idx = np.flatnonzero(self.m.view("state") <= IN_PARTY_MAX)
        return np.array(self._grounds(idx), dtype=float)

    def _grounds(self, idx: np.ndarray) -> list[np.ndarray]:
        """Ground indicators of members ``idx`` in GROUNDS order (two derived: office, joined)."""
        m = self.m
        derived = {"bureaucratism": lambda: m.office[idx] != 0,
                   "old_bolshevik": lambda: m.joined[idx] <= 1920}
        return [derived[g]() if g in derived else getattr(m, g)[idx] for g in rules.GROUNDS]

    @property
    def state_counts(self) -> dict[str, int]:
        """Members in each membership state."""
        return {s: int(c) for s, c in zip(STATES, self._state_counts, strict=True)}

    @property
    def regional_secretaries_original(self) -> int:
        """Regional first secretaries of January 1933 still in office."""
        m = self.m
        sec, orig = self.regional_secretary, self.original_regional_secretaries
        same = (sec != NONE) & (sec == orig)
        return int(np.sum(same & (m.state[orig] <= IN_PARTY_MAX)
                          & (m.office[orig] == REGIONAL_SECRETARY)))

    def expulsion_records(self) -> pd.DataFrame:
        """One row per expulsion, same columns as the reference engine's table."""
        if not self._records:
            return pd.DataFrame(columns=list(EXPULSION_COLUMNS))
        cols = {k: np.concatenate([rec[k] for rec in self._records]) for k in self._records[0]}
        campaigns = np.array(list(self._campaign_codes), dtype=object)
        months, month_code = np.unique(cols["month"], return_inverse=True)
        df = pd.DataFrame({
            "month": np.array([month_label(int(i)) for i in months], dtype=object)[month_code],
            "member_id": cols["member_id"],
            "region": np.array([r.name for r in self.regions], dtype=object)[cols["region"]],
            "district_id": cols["district_id"],
            "level": np.array(LEVELS, dtype=object)[cols["level"]],
            "reason": np.array(REASONS, dtype=object)[cols["reason"]],
            "channel": np.array(CHANNELS, dtype=object)[cols["channel"]],
            "campaign": campaigns[cols["campaign"]],
            "joined": cols["joined"].astype(int),
            "origin": np.array(ORIGINS, dtype=object)[cols["origin"]],
            "was_candidate": cols["was_candidate"],
            "client": cols["client"],
        })
        return df[list(EXPULSION_COLUMNS)]

    # ------------------------------------------------------------------ helpers
    def _in_party(self, idx: np.ndarray) -> np.ndarray:
        return self.m.state[idx] <= IN_PARTY_MAX

    def _protected_now(self, idx: np.ndarray) -> np.ndarray:
        """Clients whose patron is in office, in the party and not himself exposed."""
        m = self.m
        patron = m.patron[idx]
        has = patron != NONE
        pat = np.where(has, patron, 0)
        return has & (m.state[pat] <= IN_PARTY_MAX) & (m.office[pat] != 0) & ~m.patron_fell[pat]

    def _region_of(self, idx: np.ndarray) -> np.ndarray:
        return self.ppo_region[self.m.ppo[idx]]

    def _region_traits(self) -> dict[str, np.ndarray]:
        return {k: np.array([getattr(r, k) for r in self.regions], dtype=float)
                for k in ("obstruction", "formalism", "machine", "pressure", "distrust")}

    def _protection(self, idx: np.ndarray, machine: np.ndarray, independence: float) -> np.ndarray:
        """:func:`rules.case_protection` of members ``idx`` before a screener this independent."""
        m, p = self.m, self.p
        office = m.office[idx]
        return rules.case_protection(m.patron[idx] != NONE, self._protected_now(idx), machine,
                                     office != 0, self.defence_by_office[office], independence,
                                     p.protection_strength, p.skill_protection)

    def _count_by(self, key: str, codes: np.ndarray, names) -> None:
        self._count_each(key, np.bincount(codes, minlength=len(names)), names)

    def _count_each(self, key: str, counts: np.ndarray, names) -> None:
        """Count ``counts[i]`` under ``key_names[i]`` (categories with none are skipped)."""
        for code, k in enumerate(counts):
            if k:
                self.count(f"{key}_{names[code]}", int(k))

    def _members_of(self, first_ppo: np.ndarray, last_ppo: np.ndarray):
        """Ranges into ``self.order`` of the members of organizations [first, last)."""
        return self.starts[first_ppo], self.starts[last_ppo]

    def _pick_in(self, lo: np.ndarray, hi: np.ndarray, eligible: int,
                 exclude: np.ndarray | None = None, rounds: int = 48, distinct: bool = True,
                 exhaustive: bool = True) -> np.ndarray:
        """Per range of ``self.order``, a uniformly chosen member passing ``eligible``.

        ``eligible``: :data:`kernels.RANK_AND_FILE_PRESENT` or :data:`kernels.IN_PARTY`.
        Rejection sampling over ``rounds``; with ``distinct`` each member is chosen at most
        once per call (a member cannot succeed to two offices at once); with ``exhaustive``
        a range where sampling found nobody is searched member by member. Ranges with
        nobody found get :data:`NONE`. The loop is compiled (:func:`kernels.pick_in`).
        """
        if exclude is None:
            exclude = np.full(len(lo), NONE, dtype=np.int64)
        return kernels.pick_in(self.rng, self.order, lo.astype(np.int64), hi.astype(np.int64),
                               eligible, self.m.state, self.m.office, IN_PARTY_MAX,
                               exclude.astype(np.int64), rounds, distinct, exhaustive,
                               self._taken)

    def _rank_and_file_present(self, idx: np.ndarray) -> np.ndarray:
        return (self.m.state[idx] <= IN_PARTY_MAX) & (self.m.office[idx] == 0)

    def _grievance_means(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean grievance of the rank and file present, per organization and per district.

        As :meth:`PrimaryOrganization.mean_grievance` (0 for an organization without rank
        and file) and :meth:`DistrictCommittee.mean_grievance` (mean over organizations).
        """
        m = self.m
        n = m.n
        rf = (m.state[:n] <= IN_PARTY_MAX) & (m.office[:n] == 0)
        ppo = m.ppo[:n][rf]
        total = np.bincount(ppo, weights=m.grievance[:n][rf], minlength=self.n_ppos)
        count = np.bincount(ppo, minlength=self.n_ppos)
        per_ppo = np.divide(total, count, out=np.zeros(self.n_ppos), where=count > 0)
        per_district = (np.bincount(self.ppo_district, weights=per_ppo)
                        / np.bincount(self.ppo_district))
        return per_ppo, per_district

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
        officials = kernels.set_state(idx.astype(np.int64), S[new], m.state, self._state_counts,
                                      m.state_before_exit, m.left_month, self.month, m.office,
                                      IN_PARTY_MAX)
        if len(officials):
            self._vacate(officials, elected_successor=False)

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
        self.count("arrested", len(idx))
        self._set_state(idx, census.ARRESTED)

    def _record(self, idx: np.ndarray, reasons: np.ndarray, channel: str, campaign: str) -> None:
        m = self.m
        office = m.office[idx].astype(np.int64)
        self.count("expelled", len(idx))
        self._count_by("expelled", office, LEVELS)
        code = self._campaign_codes.setdefault(campaign, len(self._campaign_codes))
        k = len(idx)
        self._records.append({
            "month": np.full(k, self.month, dtype=np.int64),
            "member_id": idx.astype(np.int64), "region": self._region_of(idx),
            "district_id": self.ppo_district[m.ppo[idx]], "level": office,
            "reason": reasons.astype(np.int64), "channel": np.full(k, CHANNELS.index(channel)),
            "campaign": np.full(k, code), "joined": m.joined[idx].copy(),
            "origin": m.origin[idx].astype(np.int64),
            "was_candidate": m.state[idx] == S[CANDIDATE], "client": m.patron[idx] != NONE})

    def _demote(self, idx: np.ndarray) -> None:
        """Member to candidate, candidate to sympathizer (L646)."""
        if len(idx) == 0:
            return
        self.count("demoted", len(idx))
        is_member = self.m.state[idx] == S[MEMBER]
        self._set_state(idx[is_member], CANDIDATE)
        self._set_state(idx[~is_member], census.SYMPATHIZER)

    def _vacate(self, holders: np.ndarray, elected_successor: bool) -> None:
        """Remove officeholders; their clients lose their protector; successors appointed.

        As :meth:`model.model.PurgeModel.vacate` ("When Rumiantsev fell, Kovalev fell",
        L1994; a soft landing for those voted out or removed, L1773, L1799).
        """
        if len(holders) == 0:
            return
        m = self.m
        removed = np.zeros(len(LEVELS), dtype=np.int64)
        linked = kernels.vacate(
            self.rng, holders.astype(np.int64), elected_successor, m.office, m.patron,
            m.patron_fell, m.ppo, m.state, self.ppo_district, self.ppo_region,
            self.ppo_secretary, self.district_secretary, self.regional_secretary,
            self.district_ppo_start, self.region_ppo_start, self.starts, self.order,
            self._fallen, self._clients, self._taken, IN_PARTY_MAX, removed)
        self._count_each("removed", removed, LEVELS)
        if len(linked):
            self._clients = np.concatenate([self._clients, linked])

    # ------------------------------------------------------------------ stages
    def drift(self) -> None:
        """Records drift (:func:`rules.disappear_from_rolls`), and withdrawals."""
        m, p = self.m, self.p
        idx = np.flatnonzero(m.view("state") <= IN_PARTY_MAX)
        prob = rules.disappear_from_rolls(p.drift_rate, m.passivity[idx], m.joined[idx] >= 1929,
                                          self.records_chaos, p.drift_weight_passive,
                                          p.drift_weight_recent)
        u = self.rng.random((2, len(idx)))
        drifted = u[0] < prob
        withdrew = ~drifted & (u[1] < p.withdrawal_rate)
        self.count("drifted", int(drifted.sum()))
        self.count("withdrew", int(withdrew.sum()))
        self._set_state(idx[drifted], census.DEAD_SOUL)
        self._set_state(idx[withdrew], census.STRUCK_OFF)

    def run_screening(self, campaign: Campaign) -> None:
        """Screen this month's share of each region's organizations (*chistka* etc.)."""
        m, p, rng = self.m, self.p, self.rng
        traits = self._region_traits()
        n = m.n
        rolls = np.bincount(self.ppo_region[m.ppo[:n]], weights=m.state[:n] <= S[census.DEAD_SOUL],
                            minlength=len(self.regions))
        for r, region in enumerate(self.regions):
            stats = self.operation_stats.setdefault((campaign.name, region.name), Counter())
            if "base" not in stats:
                stats["base"] = int(rolls[r])
        p_screen = rules.screening_pace(campaign.pace, traits["obstruction"], traits["formalism"],
                                        traits["pressure"])
        done = self.screened[campaign.name]
        chosen = ~done & (rng.random(self.n_ppos) < p_screen[self.ppo_region])
        done |= chosen
        if not chosen.any():
            return
        zeal = float(rules.campaign_zeal(campaign.months_since_start(self.month),
                                         campaign.zeal_decay_months, campaign.zeal_floor))
        independence = self.independence(campaign.conducted_by)
        idx = np.flatnonzero(chosen[m.ppo[:n]])
        region = self.ppo_region[m.ppo[idx]]
        formalism = traits["formalism"][region]
        # the records check: dead souls found and struck off (L697-703)
        dead = m.state[idx] == S[census.DEAD_SOUL]
        found = dead & (rng.random(len(idx)) < rules.discover_dead_soul(
            campaign.records_check, formalism, p.formalism_blindness))
        self._per_region(campaign, "lost", region[found])
        self.count("lost_from_rolls", int(found.sum()))
        self._set_state(idx[found], census.STRUCK_OFF)
        # the review of every member present
        present = m.state[idx] <= IN_PARTY_MAX
        idx, region, formalism = idx[present], region[present], formalism[present]
        self.count("screened", len(idx))
        self._per_region(campaign, "screened", region)
        weights = self.campaign_weights(campaign, self.restraint)
        grounds = self._grounds(idx)
        relative_risk = ((p.baseline_risk + rules.grounds_hazard(grounds, weights))
                         / self._norms[campaign.name])
        protection = self._protection(idx, traits["machine"][region], independence)
        official = m.office[idx] != 0
        deflection = rules.deflect_onto_passives(m.passivity[idx], m.patron[idx] != NONE, official,
                                                 self.deflection, self.vigilance,
                                                 independence)
        case, deflected, shielded = rules.screening_verdict(
            rng.random(len(idx)), campaign.intensity, zeal, relative_risk, protection,
            deflection, formalism, p.formalism_blindness)
        self.count("deflected", int(deflected.sum()))
        self.count("shielded", int(shielded.sum()))
        m.protected[idx[shielded]] += 1
        reason = rules.case_reason(rng.random(int(case.sum())), [g[case] for g in grounds],
                                   weights, p.baseline_risk)
        cases = idx[case]
        expel = rng.random(len(cases)) < rules.screening_expels(
            self.severity_by_reason[reason], official[case], self.leniency, p.outcome_weights)
        self._per_region(campaign, "expelled", region[case][expel])
        injustice = np.bincount(m.ppo[idx[deflected | shielded]], minlength=self.n_ppos)
        attended = np.bincount(m.ppo[idx], minlength=self.n_ppos)
        removed = ~expel & official[case] & (rng.random(len(cases)) < rules.screening_removes(
            self.severity_by_reason[reason], official[case], self.leniency, p.outcome_weights))
        self._expel(cases[expel], reason[expel], "screening", campaign.name)
        self.count("removed_by_screening", int(removed.sum()))
        self._vacate(cases[removed], elected_successor=False)
        self._demote(cases[~expel & ~removed])
        if campaign.vigilance > 0 or campaign.criticism > 0:
            self._meetings(chosen, campaign.vigilance, campaign.criticism, independence)
        self._grieve(injustice, attended)

    def _per_region(self, campaign: Campaign, key: str, regions: np.ndarray) -> None:
        for r, k in enumerate(np.bincount(regions, minlength=len(self.regions))):
            self.operation_stats[(campaign.name, self.regions[r].name)][key] += int(k)

    def _grieve(self, injustice: np.ndarray, attended: np.ndarray) -> None:
        """Members who saw clients spared and ballast expelled resent their leaders (L1912)."""
        if not injustice.any():
            return
        m = self.m
        witnessed = rules.witnessed_injustice(injustice, attended, self.p.injustice_visibility)
        idx = np.flatnonzero((injustice > 0)[m.ppo[: m.n]])
        idx = idx[self._rank_and_file_present(idx)]
        m.grievance[idx] = rules.grievance_growth(m.grievance[idx], witnessed[m.ppo[idx]],
                                                  self.p.grievance_rate)

    def hold_meetings(self) -> None:
        """A party meeting in every organization (vigilance, criticism)."""
        self._meetings(None, self.vigilance, self.criticism, self.meeting_independence)

    def _meetings(self, ppos: np.ndarray | None, vigilance: float, criticism: float,
                  independence: float) -> None:
        """Meetings: *fakti* from peers, criticism from below, vigilance from above."""
        m, p = self.m, self.p
        n = m.n
        present = m.state[:n] <= IN_PARTY_MAX
        if ppos is not None:
            present &= ppos[m.ppo[:n]]
        idx = np.flatnonzero(present)
        if len(idx) == 0:
            return
        per_ppo, per_district = self._grievance_means()
        office = m.office[idx]
        ppo = m.ppo[idx]
        against = np.where(office >= DISTRICT_SECRETARY, per_district[self.ppo_district[ppo]],
                           per_ppo[ppo])
        visible = rules.visible_grounds(m.alien_past[idx] | m.alien_declared[idx],
                                        m.misconduct[idx], m.indiscipline[idx],
                                        m.opposition[idx], m.passivity[idx], p.visibility_weights)
        probs = rules.denounce(p.lateral_rate, vigilance, visible, p.unfounded_denunciation,
                               p.from_below_rate, criticism,
                               against, office != 0, self.from_above_rate,
                               self.vigilance, m.passivity[idx],
                               m.patron[idx] != NONE, m.critic[idx], p.retaliation)
        u = self.rng.random((3, len(idx)))
        silenced = np.zeros(self.n_ppos, dtype=np.int64)  # "suppression of criticism" (L1749)
        for channel, prob, draw in zip(("lateral", "from_below", "from_above"), probs, u,
                                       strict=True):
            hit = idx[draw < prob]
            hit = hit[self._in_party(hit)]
            if len(hit):
                silenced += self._denunciations(hit, channel, independence)
        self._grieve(silenced, np.bincount(ppo, minlength=self.n_ppos))

    def _denunciations(self, target: np.ndarray, channel: str,
                       independence: float) -> np.ndarray:
        """Investigate denunciations and carry out their outcomes (Table 3.2, L859).

        Returns, per organization, the critics expelled from above (criticism suppressed).
        """
        m, p, rng = self.m, self.p, self.rng
        k = len(target)
        self.count("denunciations_made", k)
        self.count(f"denunciations_{channel}", k)
        m.denounced[target] += 1
        ppo = m.ppo[target]
        if channel == "from_above":
            denouncer = self.ppo_secretary[ppo].astype(np.int64)
        else:  # a peer present in the organization
            lo, hi = self._members_of(ppo, ppo + 1)
            denouncer = self._pick_in(lo, hi, kernels.IN_PARTY, exclude=target, rounds=32,
                                      distinct=False, exhaustive=False)
        denouncer = denouncer[denouncer != NONE]
        np.add.at(m.denunciations_made, denouncer, 1)
        if channel == "from_below":
            m.critic[denouncer] = True
        checked = rng.random(k) < p.check_probability
        target = target[checked]
        self.count("denunciations_checked", len(target))
        pending = rng.random(len(target)) < p.pending_share
        self.count("denunciations_pending", int(pending.sum()))
        target = target[~pending]
        silenced = np.zeros(self.n_ppos, dtype=np.int64)
        if len(target) == 0:
            return silenced
        visible = rules.visible_reason(rng.random(len(target)),
                                       m.alien_past[target] | m.alien_declared[target],
                                       m.misconduct[target], m.indiscipline[target],
                                       m.opposition[target], m.passivity[target])
        reason, grounded = rules.accusation(channel, m.passivity[target], m.misconduct[target],
                                            visible, p.poor_leadership_grounded)
        machine = self._region_traits()["machine"][self._region_of(target)]
        protection = self._protection(target, machine, independence)
        supported = rng.random(len(target)) < rules.investigate(grounded, protection,
                                                                p.true_support, p.false_support)
        self.count("denunciations_unsupported", int((~supported).sum()))
        m.protected[target[~supported & (protection < 1.0)]] += 1
        target, reason = target[supported], reason[supported]
        disregarded = rules.disregard_declared_origin(reason, m.alien_past[target]) == 1
        self.count("denunciations_disregarded", int(disregarded.sum()))
        target, reason = target[~disregarded], reason[~disregarded]
        self.count("denunciations_supported", len(target))
        official = m.office[target] != 0
        probs = rules.choose_outcome(self.severity_by_reason[reason], official, self.leniency,
                                     p.outcome_weights)
        outcome = rules.pick(rng.random(len(target)), probs)
        self._count_by("outcome", outcome, rules.OUTCOMES)
        police = rng.random(len(target)) < rules.handed_to_police(self.fused, channel, outcome,
                                                                  p.fused_arrest_share)
        is_outcome = {name: (outcome == i) & ~police for i, name in enumerate(rules.OUTCOMES)}
        self._arrest(target[police], campaign="fused_criticism")
        expelled = target[is_outcome["expel"]]
        if channel == "from_above":  # critics expelled
            silenced += np.bincount(m.ppo[expelled[m.critic[expelled]]], minlength=self.n_ppos)
        self._expel(expelled, reason[is_outcome["expel"]], channel, "meeting")
        self._demote(target[is_outcome["demote"]])
        self._vacate(target[is_outcome["remove_from_post"] & official], elected_successor=False)
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
            per_region = (np.bincount(self.district_region, weights=per_district)
                          / np.bincount(self.district_region))
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
        self._count_by("election_holders", holders_office, LEVELS)
        grievance = self.electorate_grievance(holders_office, rank_and_file[keep], apparatus[keep])
        prob = rules.secret_ballot_turnover(grievance, self.criticism, self.p.election_base)
        out = self.rng.random(len(holders)) < prob
        self._count_by("voted_out", holders_office[out], LEVELS)
        self._vacate(holders[out], elected_successor=True)

    def police(self) -> None:
        """NKVD arrests, and removal of regional leaderships from above."""
        m, p = self.m, self.p
        for region, sec in zip(self.regions, self.regional_secretary, strict=True):
            if sec != NONE and m.state[sec] <= IN_PARTY_MAX and self.random.random() < (
                    rules.remove_regional_leader(self.leader_removal_rate, region.distrust)):
                if self.removal_is_arrest:
                    self._arrest(np.array([sec]), campaign="removed_from_above")
                else:
                    self._vacate(np.array([sec]), elected_successor=False)
        if self.arrest_rate <= 0 and not any(self.targeted_hazards):
            return
        idx = np.flatnonzero(m.view("state") <= IN_PARTY_MAX)
        shield = rules.nkvd_local_shield(p.local_nkvd_shield, self._protected_now(idx), self.fused)
        targeted = rules.targeted_arrests(self.targeted_hazards, m.opposition[idx],
                                          m.alien_past[idx], m.office[idx] == census.OFFICIAL)
        prob = rules.arrest_hazard(self.arrest_rate, self.exposure_by_office[m.office[idx]],
                                   m.opposition[idx], m.alien_past[idx], m.patron_fell[idx],
                                   p.cascade, self._implicated(idx), p.arrest_chain, targeted,
                                   shield, p.arrest_weight_opposition, p.arrest_weight_alien_past)
        self._arrest(idx[self.rng.random(len(idx)) < prob],
                     campaign="nkvd" if self.arrest_rate > 0 else "targeted")
        self._expel_connections()

    def _implicated(self, idx: np.ndarray) -> np.ndarray:
        """Whether someone in each member's organization was arrested before this month."""
        first = self.ppo_arrest_month[self.m.ppo[idx]]
        return (first >= 0) & (first < self.month)

    def _expel_connections(self) -> None:
        """Organizations expel members implicated by an arrest (L2245-2249)."""
        if self.vigilance <= 0:
            return
        idx = np.flatnonzero(self.m.view("state") <= IN_PARTY_MAX)
        idx = idx[self._implicated(idx)]
        prob = rules.expel_for_connections(self.p.connections_rate, self.vigilance, 1,
                                           self.restraint)
        out = idx[self.rng.random(len(idx)) < prob]
        self._expel(out, np.full(len(out), R["connections_with_enemies"]), "from_above",
                    "connections")

    def appeals(self) -> None:
        """Expelled members appeal; some are reinstated (:func:`rules.reinstate_on_appeal`)."""
        m, p = self.m, self.p
        idx = np.flatnonzero(m.view("state") == S[census.EXPELLED])
        u = self.rng.random((2, len(idx)))
        appeal = u[0] < rules.appeal_probability(p.appeal_rate, self.reinstatement, m.appeals[idx],
                                                 p.appeal_restraint_boost, p.max_appeals)
        idx, u = idx[appeal], u[1][appeal]
        m.appeals[idx] += 1
        self.count("appeals", len(idx))
        prob = rules.reinstate_on_appeal(self.severity_by_reason[m.expel_reason[idx]],
                                         m.origin[idx] == WORKER, self.reinstatement,
                                         p.reinstatement_base)
        back = idx[u < prob]
        self.count("reinstated", len(back))
        for state in (MEMBER, CANDIDATE):
            self._set_state(back[m.state_before_exit[back] == S[state]], state)

    def admit_and_promote(self) -> None:
        """New candidates (when admissions are open) and promotion of candidates."""
        m, p, rng = self.m, self.p, self.rng
        frozen = self.admissions_frozen
        expected = rules.admit_candidates(self.admissions_rate, self.in_party, frozen)
        n_new = int(rng.poisson(expected)) if expected > 0 else 0
        if n_new:
            recruits = census.draw_recruits(p, rng, n_new, self.n_ppos, 1933 + self.month // 12)
            new = m.extend(recruits)
            self._fallen = np.zeros(m.n + 1, dtype=bool)
            self._taken = np.zeros(m.n + 1, dtype=bool)
            self._state_counts[S[CANDIDATE]] += n_new
            self.count("admitted", n_new)
            # each recruit joins the end of his organization's block in ``order``
            ppo = recruits["ppo"]
            sort = np.argsort(ppo, kind="stable")
            self.order = np.insert(self.order, self.starts[ppo[sort] + 1], new[sort])
            self.starts[1:] += np.cumsum(np.bincount(ppo, minlength=self.n_ppos))
        promote = rules.promote_candidate(frozen, p.promotion_months)
        if promote > 0:
            idx = np.flatnonzero(m.view("state") == S[CANDIDATE])
            up = idx[rng.random(len(idx)) < promote]
            self.count("promoted", len(up))
            self._set_state(up, MEMBER)

    # ------------------------------------------------------------------ the center
    def region_progress(self, region: RegionalCommittee, campaign: Campaign) -> tuple[float, float]:
        """True share of the region's organizations screened, and expulsion rate so far."""
        r = region.index
        done = self.screened[campaign.name][self.region_ppo_start[r]:self.region_ppo_start[r + 1]]
        stats = self.operation_stats.get((campaign.name, region.name), Counter())
        rate = stats["expelled"] / stats["screened"] if stats["screened"] else 0.0
        return float(done.mean()) if len(done) else 0.0, rate

    def forget_screening(self, region: RegionalCommittee, campaign: Campaign) -> None:
        """Mark every organization of ``region`` as not yet screened by ``campaign``."""
        r = region.index
        self.screened[campaign.name][self.region_ppo_start[r]:self.region_ppo_start[r + 1]] = False
