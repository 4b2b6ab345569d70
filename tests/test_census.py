"""One census: both engines start from the same party, row by row.

:func:`model.census.take_census` draws the party of January 1933 once; the array engine
keeps its arrays, the reference engine turns each row into a Mesa agent. With the same
seed the two engines' membership tables at month 0 must be identical, and the census
must hold together: every member in one organization, secretaries present in the
organization they head, patrons above their clients.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from model import ArrayPurgeModel, Parameters, PurgeModel, census
from model.census import (
    CANDIDATE,
    DISTRICT_SECRETARY,
    MEMBERSHIP_COLUMNS,
    NONE,
    OFFICIAL,
    PPO_SECRETARY,
    REGIONAL_SECRETARY,
    STATES,
    take_census,
)
from tests.conftest import edited_scenario, listed_regions


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), n_members=st.integers(60, 3000))
def test_both_engines_start_from_the_same_party_row_by_row(seed, n_members):
    reference = PurgeModel(rng=seed, n_members=n_members).membership_table()
    arrays = ArrayPurgeModel(rng=seed, n_members=n_members).membership_table()
    assert list(reference.columns) == list(MEMBERSHIP_COLUMNS)
    assert reference.shape == arrays.shape == (len(reference), len(MEMBERSHIP_COLUMNS))
    pd.testing.assert_frame_equal(reference.astype(float), arrays.astype(float))


def test_the_same_seed_gives_the_same_census_and_another_seed_another():
    a = ArrayPurgeModel(rng=5, n_members=2000).membership_table()
    b = ArrayPurgeModel(rng=5, n_members=2000).membership_table()
    c = ArrayPurgeModel(rng=6, n_members=2000).membership_table()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_a_changed_census_parameter_shows_in_both_engines():
    """The census is not a copy per engine: a parameter changes both the same way."""
    for cls in (PurgeModel, ArrayPurgeModel):
        base = cls(rng=2, n_members=1500).membership_table()
        more = cls(rng=2, n_members=1500, client_share=0.4).membership_table()
        clients = (base["patron"] != NONE) & (base["office"] == 0)
        assert ((more["patron"] != NONE) & (more["office"] == 0)).sum() > 3 * clients.sum()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n_members=st.integers(50, 5000),
       regions=st.sampled_from([(1.0,), (1.0, 1.0), (5.0, 1.0, 0.2)]))
def test_the_census_holds_together(seed, n_members, regions):
    p = Parameters(n_members=n_members)
    c = take_census(p, regions, np.random.default_rng(seed))
    m = c.members
    n = c.n_members
    assert n == n_members
    # organizations: consecutive blocks, every one non-empty, every district in a region
    assert (np.diff(c.starts) >= 1).all() and c.starts[-1] == n
    assert (m["ppo"] == np.repeat(np.arange(len(c.ppo_district)), np.diff(c.starts))).all()
    assert (np.diff(c.ppo_district) >= 0).all() and (np.diff(c.district_region) >= 0).all()
    assert set(c.district_region) == set(range(len(regions)))
    present = m["state"] <= STATES.index(CANDIDATE)
    # each secretary is present, holds his office and sits in the organization he heads
    for level, heads, org_of_row in (
            (REGIONAL_SECRETARY, c.regional_secretary, c.ppo_region[m["ppo"]]),
            (DISTRICT_SECRETARY, c.district_secretary, c.ppo_district[m["ppo"]]),
            (PPO_SECRETARY, c.ppo_secretary, m["ppo"])):
        has = np.flatnonzero(heads != NONE)
        rows = heads[has]
        assert present[rows].all() and (m["office"][rows] == level).all()
        assert (org_of_row[rows] == has).all()
        assert (m["office"] == level).sum() == len(rows)  # no one else holds it
    # patrons: a PPO secretary's is his district secretary, an official's too; a
    # district secretary's is his regional secretary, who has none
    patron = m["patron"]
    officials = np.flatnonzero(m["office"] == OFFICIAL)
    assert (patron[officials] == c.district_secretary[c.ppo_district[m["ppo"][officials]]]).all()
    regional = c.regional_secretary[c.regional_secretary != NONE]
    assert (patron[regional] == NONE).all()
    clients = np.flatnonzero(patron != NONE)
    assert present[clients].all() and (m["office"][patron[clients]] > 0).all()
    assert present[m["office"] > 0].all()


def test_every_region_of_the_scenario_gets_members():
    scenario = edited_scenario(lambda raw: listed_regions(raw).append(
        {**listed_regions(raw)[0], "name": "Tiny", "weight": 0.001}))
    model = ArrayPurgeModel(scenario=scenario, rng=1, n_members=500)
    table = model.membership_table()
    assert set(table["region"]) == set(range(len(scenario.regions)))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       weights=st.lists(st.floats(0.0, 5.0), min_size=1, max_size=6).filter(lambda w: sum(w) > 0),
       n=st.integers(0, 40))
def test_choose_draws_what_rng_choice_draws(seed, weights, n):
    """census.choose: numpy's Generator.choice with p, draw for draw, without its checks."""
    w = np.asarray(weights)
    expected = np.random.default_rng(seed).choice(len(w), size=n, p=w / w.sum())
    assert (census.choose(np.random.default_rng(seed), w, n) == expected).all()
