"""Generate the party at a chosen scale: regions, *raikoms*, primary organizations, members.

Organization sizes stay realistic whatever the scale (a larger run has more districts,
not larger ones); see the sources of ``ppo_size_mean`` and ``district_size_mean`` in
:mod:`model.params`. All randomness comes from the model's seeded generators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from model.agents import (
    CANDIDATE,
    DEAD_SOUL,
    DISTRICT_SECRETARY,
    MEMBER,
    ORIGINS,
    PPO_SECRETARY,
    REGIONAL_SECRETARY,
    DistrictCommittee,
    Member,
    PrimaryOrganization,
    RegionalCommittee,
)

if TYPE_CHECKING:
    from model.model import PurgeModel

# Year-joined cohorts matching Parameters.cohort_shares: (first year, last year).
COHORTS = ((1905, 1920), (1921, 1927), (1928, 1928), (1929, 1930), (1931, 1932))


def _split(rng: np.random.Generator, n: int, parts: int, sigma: float) -> np.ndarray:
    """Split ``n`` items into ``parts`` groups of at least one, lognormal-sized."""
    parts = max(1, min(parts, n))
    weights = rng.lognormal(0.0, sigma, parts)
    extra = rng.multinomial(n - parts, weights / weights.sum())
    return extra + 1


def build_party(model: PurgeModel) -> None:
    """Create every organization and member of ``model`` from its parameters and regions."""
    p = model.p
    rng = model.rng
    weights = np.array([r.weight for r in model.calendar.regions], dtype=float)
    per_region = _split(rng, p.n_members, len(weights), 0.0) if len(weights) == 1 else (
        rng.multinomial(p.n_members - len(weights), weights / weights.sum()) + 1)
    for spec, n_region in zip(model.calendar.regions, per_region, strict=True):
        region = RegionalCommittee(model, spec)
        model.regions.append(region)
        n_districts = max(1, round(n_region / p.district_size_mean))
        for n_district in _split(rng, int(n_region), n_districts, 0.5):
            district = DistrictCommittee(model, region)
            region.districts.append(district)
            n_ppos = max(1, round(n_district / p.ppo_size_mean))
            for n_ppo in _split(rng, int(n_district), n_ppos, 0.7):
                ppo = PrimaryOrganization(model, district)
                district.ppos.append(ppo)
                _populate(model, ppo, int(n_ppo))
    _appoint_officials(model)


def _populate(model: PurgeModel, ppo: PrimaryOrganization, n: int) -> None:
    p = model.p
    rng = model.rng
    cohort = rng.choice(len(COHORTS), size=n, p=np.asarray(p.cohort_shares) / sum(p.cohort_shares))
    share_employees = max(0.0, 1.0 - p.share_workers - p.share_peasants)
    origin_p = np.array([p.share_workers, p.share_peasants, share_employees])
    origin = rng.choice(3, size=n, p=origin_p / origin_p.sum())
    u = rng.random((9, n))
    for i in range(n):
        first, last = COHORTS[cohort[i]]
        joined = int(rng.integers(first, last + 1))
        recent = joined >= 1929
        candidate = (joined >= 1931 and u[0, i] < p.candidate_share_recent) or (
            1929 <= joined <= 1930 and u[0, i] < p.candidate_share_recent / 3)
        grounds = {
            "passivity": False,  # passivity is the `passive` attribute; kept for the vector
            "alien_past": bool(u[1, i] < p.alien_past_share),
            "misconduct": bool(u[2, i] < p.misconduct_share),
            "indiscipline": bool(u[3, i] < p.indiscipline_share),
            "card_irregularity": bool(u[4, i] < p.card_irregular_share),
            "opposition": bool(not recent and u[5, i] < p.opposition_share_old),
        }
        passive = bool(u[6, i] < (p.passive_share_recent if recent else p.passive_share_old))
        grounds["passivity"] = passive
        state = CANDIDATE if candidate else MEMBER
        member = Member(model, org=ppo, state=state, origin=ORIGINS[origin[i]], joined=joined,
                        passive=passive, grounds=grounds)
        member.grievance = float(rng.beta(2.0, 2.0 * (1 - p.grievance_mean) / p.grievance_mean))
        if u[7, i] < p.initial_dead_soul_share:
            member.state = DEAD_SOUL
        ppo.members.append(member)
        model.members.append(member)


def _pick(model: PurgeModel, pool: list[Member]) -> Member | None:
    """A random present rank-and-file member of ``pool``, preferring older cohorts."""
    candidates = [m for m in pool if m.in_party and not m.is_official]
    if not candidates:
        return None
    seniors = [m for m in candidates if m.joined < 1929] or candidates
    return seniors[int(model.rng.integers(len(seniors)))]


def _appoint_officials(model: PurgeModel) -> None:
    """Secretaries at every level, other officials, and the patron-client links.

    Each secretary is the patron of the secretaries and officials below him whom he
    appointed (nomenklatura, L375-381; Rumiantsev brought his own people, L399).
    """
    p = model.p
    rng = model.rng
    for region in model.regions:
        pool = [m for d in region.districts for ppo in d.ppos for m in ppo.members]
        model.appoint(region, _pick(model, pool), REGIONAL_SECRETARY, patron=None)
        for district in region.districts:
            pool = [m for ppo in district.ppos for m in ppo.members]
            model.appoint(district, _pick(model, pool), DISTRICT_SECRETARY,
                          patron=region.secretary)
            for ppo in district.ppos:
                model.appoint(ppo, _pick(model, ppo.members), PPO_SECRETARY,
                              patron=district.secretary)
                for m in ppo.members:
                    if not m.in_party or m.is_official:
                        continue
                    if rng.random() < p.official_share:
                        model.make_official(m, patron=district.secretary)
                    elif rng.random() < p.client_share:
                        model.link(m, ppo.secretary if rng.random() < 0.5 else district.secretary)
