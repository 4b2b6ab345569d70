"""The census of January 1933: one generator of the party that both engines start from.

:func:`take_census` draws the whole party at once (regions, *raikoms*, primary
organizations, every member and candidate with his attributes and grounds, the
secretaries at each level, the other officials and the patron-client links) as numpy
arrays, from the model's seeded generator. The array engine keeps these arrays as its
member table; the reference engine turns each row into a Mesa agent
(:class:`model.agents.Member`) with the same attributes, so that the same seed gives the
same party in both engines, row for row (tests/test_census.py).

Organization sizes stay realistic whatever the scale (a larger run has more districts,
not larger ones); see the sources of ``ppo_size_mean`` and ``district_size_mean`` in
:mod:`model.params`. Recruits admitted later are drawn by :func:`draw_recruits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from model.params import Parameters

# Membership states, in the order of their integer codes (members and candidates, the
# two states of those present in the party, have the lowest codes).
MEMBER, CANDIDATE, DEAD_SOUL, EXPELLED, ARRESTED, STRUCK_OFF, SYMPATHIZER = (
    "member", "candidate", "dead_soul", "expelled", "arrested", "struck_off", "sympathizer")
STATES = (MEMBER, CANDIDATE, DEAD_SOUL, EXPELLED, ARRESTED, STRUCK_OFF, SYMPATHIZER)
IN_PARTY = (MEMBER, CANDIDATE)
ON_ROLLS = (MEMBER, CANDIDATE, DEAD_SOUL)
# the states in the party (and on the rolls) have the lowest codes: a code at most this
IN_PARTY_MAX = STATES.index(IN_PARTY[-1])
ON_ROLLS_MAX = STATES.index(ON_ROLLS[-1])

# Office levels, lowest to highest (integer codes are the positions).
RANK_AND_FILE, PPO_SECRETARY, OFFICIAL, DISTRICT_SECRETARY, REGIONAL_SECRETARY = range(5)
LEVELS = ("rank_and_file", "ppo_secretary", "other_official", "district_secretary",
          "regional_secretary")
# Offices filled by the party's own elections, which the 1937 secret ballots renewed
# (L1645-1647); other officials (directors, kolkhoz chairmen) hold state posts that no
# party election takes away (L1819).
PARTY_POSTS = (PPO_SECRETARY, DISTRICT_SECRETARY, REGIONAL_SECRETARY)

ORIGINS = ("worker", "peasant", "employee")

# Year-joined cohorts matching Parameters.cohort_shares: (first year, last year).
COHORTS = ((1905, 1920), (1921, 1927), (1928, 1928), (1929, 1930), (1931, 1932))

# The member attributes drawn by the census (one array each), with their dtypes. The
# six grounds are named as in :data:`model.rules.GROUNDS` ("passivity" is the member's
# passivity).
ATTRIBUTES: dict[str, type] = {
    "ppo": np.int32, "state": np.int8, "origin": np.int8, "joined": np.int16,
    "passivity": np.bool_, "alien_past": np.bool_, "alien_declared": np.bool_,
    "misconduct": np.bool_,
    "indiscipline": np.bool_, "card_irregularity": np.bool_, "opposition": np.bool_,
    "grievance": np.float64, "office": np.int8, "patron": np.int32,
}
NONE = -1  # no patron, no secretary
# "alien_past" is a *hidden* alien origin, the ground for expulsion (L531);
# "alien_declared" an origin declared on joining, not a ground (L874-876).
GROUND_ATTRIBUTES = ("alien_past", "alien_declared", "misconduct", "indiscipline",
                     "card_irregularity", "opposition")
# Columns of an engine's membership_table(): one row per member.
MEMBERSHIP_COLUMNS = ("row", "ppo", "district", "region", "state", "origin", "joined",
                      "passivity", *GROUND_ATTRIBUTES, "grievance", "office", "patron")


@dataclass
class Census:
    """The party in January 1933 as arrays.

    Members are rows, grouped by primary organization (the members of organization
    ``q`` are rows ``starts[q]:starts[q + 1]``); organizations of a district and districts
    of a region have consecutive numbers. ``members[name]`` holds one attribute per row
    (:data:`ATTRIBUTES`; ``state`` and ``origin`` are positions in :data:`STATES` and
    :data:`ORIGINS`, ``office`` in :data:`LEVELS`, ``patron`` a row or :data:`NONE`).
    """

    district_region: np.ndarray
    ppo_district: np.ndarray
    starts: np.ndarray
    members: dict[str, np.ndarray]
    regional_secretary: np.ndarray
    district_secretary: np.ndarray
    ppo_secretary: np.ndarray

    @property
    def n_members(self) -> int:
        """Rows of the census (dead souls included)."""
        return len(self.members["state"])

    @property
    def ppo_region(self) -> np.ndarray:
        """The region of each primary organization."""
        return self.district_region[self.ppo_district]


def split(rng: np.random.Generator, n: int, parts: int, sigma: float) -> np.ndarray:
    """Split ``n`` items into ``parts`` groups of at least one, lognormal-sized."""
    parts = max(1, min(parts, n))
    weights = rng.lognormal(0.0, sigma, parts)
    extra = rng.multinomial(n - parts, weights / weights.sum())
    return extra + 1


def take_census(p: Parameters, region_weights: Sequence[float],
                rng: np.random.Generator) -> Census:
    """Draw the party of January 1933 for parameters ``p`` and regions of these weights."""
    weights = np.asarray(region_weights, dtype=float)
    per_region = split(rng, p.n_members, 1, 0.0) if len(weights) == 1 else (
        rng.multinomial(p.n_members - len(weights), weights / weights.sum()) + 1)
    district_region, ppo_district, ppo_sizes = [], [], []
    for r, n_region in enumerate(per_region):
        n_districts = max(1, round(n_region / p.district_size_mean))
        for n_district in split(rng, int(n_region), n_districts, 0.5):
            d = len(district_region)
            district_region.append(r)
            n_ppos = max(1, round(n_district / p.ppo_size_mean))
            sizes = split(rng, int(n_district), n_ppos, 0.7)
            ppo_district.extend([d] * len(sizes))
            ppo_sizes.extend(sizes)
    sizes = np.asarray(ppo_sizes, dtype=np.int64)
    members = _draw_members(p, rng, int(sizes.sum()))
    members["ppo"] = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    census = Census(
        district_region=np.asarray(district_region, dtype=np.int32),
        ppo_district=np.asarray(ppo_district, dtype=np.int32),
        starts=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        members=members,
        regional_secretary=np.full(len(weights), NONE, dtype=np.int64),
        district_secretary=np.full(len(district_region), NONE, dtype=np.int64),
        ppo_secretary=np.full(len(sizes), NONE, dtype=np.int64))
    _appoint_officials(census, p, rng)
    return census


def _draw_members(p: Parameters, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Attributes and grounds of ``n`` members (sources: the parameters' docstrings)."""
    m = {name: np.zeros(n, dtype=dtype) for name, dtype in ATTRIBUTES.items()}
    cohort = choose(rng, np.asarray(p.cohort_shares, dtype=float), n)
    employees = max(0.0, 1.0 - p.share_workers - p.share_peasants)
    origin_p = np.array([p.share_workers, p.share_peasants, employees])
    m["origin"][:] = choose(rng, origin_p, n)
    first = np.array([c[0] for c in COHORTS])[cohort]
    last = np.array([c[1] for c in COHORTS])[cohort]
    joined = rng.integers(first, last + 1)
    m["joined"][:] = joined
    u = rng.random((8, n))
    recent = joined >= 1929
    candidate = ((joined >= 1931) & (u[0] < p.candidate_share_recent)) | (
        (joined >= 1929) & (joined <= 1930)
        & (u[0] < p.candidate_share_1929_30))
    m["alien_past"][:] = u[1] < p.alien_past_share
    m["misconduct"][:] = u[2] < p.misconduct_share
    m["indiscipline"][:] = u[3] < p.indiscipline_share
    m["card_irregularity"][:] = u[4] < p.card_irregular_share
    m["opposition"][:] = ~recent & (u[5] < p.opposition_share_old)
    m["passivity"][:] = u[6] < np.where(recent, p.passive_share_recent, p.passive_share_old)
    m["grievance"][:] = rng.beta(p.grievance_shape, p.grievance_shape
                                 * (1 - p.grievance_mean) / p.grievance_mean, n)
    state = np.where(candidate, STATES.index(CANDIDATE), STATES.index(MEMBER))
    m["state"][:] = np.where(u[7] < p.initial_dead_soul_share, STATES.index(DEAD_SOUL), state)
    m["patron"][:] = NONE
    m["alien_declared"][:] = ~m["alien_past"] & (rng.random(n) < p.alien_declared_share)
    return m


def pick_senior(rng: np.random.Generator, group: np.ndarray, n_groups: int,
                eligible: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Per group, a random eligible row, members who joined before 1929 first (or NONE).

    Each eligible row draws a key (a uniform number, plus 2 if he joined before 1929);
    each group's row with the largest key is chosen (the later row on a tie).
    """
    idx = np.flatnonzero(eligible)
    chosen = np.full(n_groups, NONE, dtype=np.int64)
    if len(idx) == 0:
        return chosen
    key = rng.random(len(idx)) + 2.0 * (joined[idx] < 1929)
    _largest_key(idx, group[idx].astype(np.int64), key, chosen, np.full(n_groups, -1.0))
    return chosen


@njit(cache=True)
def _largest_key(idx, group, key, chosen, best):  # pragma: no cover  (compiled)
    """``chosen[g]``: the row of ``idx`` with the largest ``key`` in group ``g``."""
    for i in range(len(idx)):
        if key[i] >= best[group[i]]:
            best[group[i]] = key[i]
            chosen[group[i]] = idx[i]


def _appoint_officials(c: Census, p: Parameters, rng: np.random.Generator) -> None:
    """Secretaries at every level, other officials, and the patron-client links.

    Each secretary is the patron of the secretaries and officials below him whom he
    appointed (nomenklatura, L375-381; Rumiantsev brought his own people, L399); the
    regional first secretary is the center's man and nobody's client (L2000). Secretaries
    are chosen among members present, those who joined before 1929 first (ASSUMPTION:
    seniority counted for office).
    """
    m = c.members
    ppo = m["ppo"]
    district = c.ppo_district[ppo]
    region = c.ppo_region[ppo]
    present = m["state"] <= STATES.index(CANDIDATE)
    for level, group, chosen in ((REGIONAL_SECRETARY, region, c.regional_secretary),
                                 (DISTRICT_SECRETARY, district, c.district_secretary),
                                 (PPO_SECRETARY, ppo, c.ppo_secretary)):
        chosen[:] = pick_senior(rng, group, len(chosen), present & (m["office"] == 0),
                                m["joined"])
        has = chosen != NONE
        m["office"][chosen[has]] = level
        if level == DISTRICT_SECRETARY:
            m["patron"][chosen[has]] = c.regional_secretary[c.district_region[has]]
        elif level == PPO_SECRETARY:
            m["patron"][chosen[has]] = c.district_secretary[c.ppo_district[has]]
    rank_and_file = present & (m["office"] == 0)
    u = rng.random((3, len(ppo)))
    official = rank_and_file & (u[0] < p.official_share)
    client = rank_and_file & ~official & (u[1] < p.client_share)
    m["office"][official] = OFFICIAL
    m["patron"][official] = c.district_secretary[district[official]]
    m["patron"][client] = np.where(u[2][client] < p.client_of_ppo_secretary_share,
                                   c.ppo_secretary[ppo[client]],
                                   c.district_secretary[district[client]])


def choose(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with probabilities proportional to ``weights``.

    The same draws as ``rng.choice(len(weights), size=n, p=weights / weights.sum())``
    (its inverse of the cumulative distribution, one uniform number each), without its
    checks of ``p``, which cost more than the draw for the few recruits of a month (the
    census and the recruits draw with it alike); the weights are validated parameters
    (:mod:`model.params`).
    """
    cdf = np.cumsum(weights, dtype=float)
    cdf /= cdf[-1]
    return cdf.searchsorted(rng.random(n), side="right")


def draw_recruits(p: Parameters, rng: np.random.Generator, n: int, n_ppos: int,
                  year: int) -> dict[str, np.ndarray]:
    """Attributes of ``n`` candidates admitted in ``year`` (after November 1936, L1107).

    Each joins a random primary organization; the book gives no composition of the
    recruits (see ``recruit_origin_shares`` and ``recruit_passive_share``); they bring
    no grounds from the past but may misbehave like anyone (``misconduct_share``).
    The draws (:func:`recruit_draws`), then the attributes they make
    (:func:`recruit_columns`: the array engine makes those of all its runs' recruits at once).
    """
    return recruit_columns(*recruit_draws(p, rng, n, n_ppos), p.recruit_passive_share,
                           p.misconduct_share, year)


def recruit_draws(p: Parameters, rng: np.random.Generator, n: int, n_ppos: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The random numbers of ``n`` recruits in the order they are drawn.

    Each one's organization (of ``n_ppos``), origin (``recruit_origin_shares``), and two
    uniform numbers a recruit (rows: passivity, misconduct).
    """
    ppo = rng.integers(n_ppos, size=n)
    origin = choose(rng, np.asarray(p.recruit_origin_shares, dtype=float), n)
    return ppo, origin, rng.random((2, n))


def recruit_columns(ppo: np.ndarray, origin: np.ndarray, u: np.ndarray, passive_share,
                    misconduct_share, year: int) -> dict[str, np.ndarray]:
    """Recruits' attributes from their draws (:func:`recruit_draws`).

    The shares (``recruit_passive_share``, ``misconduct_share``) are one for all or one
    per recruit.
    """
    n = len(ppo)
    m = {name: np.zeros(n, dtype=dtype) for name, dtype in ATTRIBUTES.items()}
    m["ppo"][:] = ppo
    m["origin"][:] = origin
    m["joined"][:] = year
    m["passivity"][:] = u[0] < passive_share
    m["misconduct"][:] = u[1] < misconduct_share
    m["state"][:] = STATES.index(CANDIDATE)
    m["patron"][:] = NONE
    return m
