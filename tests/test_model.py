"""The model runs, conserves its members, is deterministic, and honours Mesa's contract."""

from __future__ import annotations

import gc
import weakref
from collections import Counter

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import PurgeModel
from model.agents import Member
from model.census import IN_PARTY, LEVELS, REGIONAL_SECRETARY, STATES
from model.reporters import expulsions_table, monthly_table, yearly_table
from tests.conftest import run_until, small_model


def test_default_construction_and_run_for():
    """Mesa's contract: default-complete constructor, run_for advances time."""
    model = PurgeModel(rng=3, n_members=300)
    model.run_for(10)
    assert model.time == 10.0
    assert model.steps == 10
    assert model.month_label == "1933-10"


def test_seed_given_as_a_string_is_accepted():
    """The seminar app passes seeds as text (Mesa notes, pitfall 6)."""
    a = monthly_table(run_until(PurgeModel(rng="7", n_members=300), "1933-12"))
    b = monthly_table(run_until(PurgeModel(rng=7, n_members=300), "1933-12"))
    pd.testing.assert_frame_equal(a, b)


def _check_invariants(model: PurgeModel) -> None:
    members = model.agents_by_type[Member]
    states = Counter(m.state for m in members)
    assert set(states) <= set(STATES)
    assert sum(states.values()) == len(members) == len(model.members)
    assert {k: v for k, v in model.state_counts.items() if v} == dict(states)
    for region in model.regions:
        for district in region.districts:
            for ppo in district.ppos:
                assert all(m.org is ppo for m in ppo.members)
    holders = [m for m in model.members if m.is_official]
    assert all(m.in_party for m in holders), "an officeholder left the party without vacating"
    for region in model.regions:
        if region.secretary is not None:
            assert region.secretary.office == REGIONAL_SECRETARY


def test_every_member_is_in_exactly_one_state_every_month():
    model = small_model(seed=11)
    created = len(model.members)
    admitted = 0
    _check_invariants(model)
    while not model.finished:
        model.step()
        admitted += model.flows["admitted"]
        _check_invariants(model)
        assert len(model.members) == created + admitted  # nobody vanishes, nobody appears
    monthly = monthly_table(model)
    state_cols = [f"n_{s}" for s in STATES]
    assert (monthly[state_cols].sum(axis=1) == created + monthly["admitted"].cumsum()).all()


def test_flows_add_up_to_the_change_in_state_counts():
    """Exits from the party equal the flows that take members out, month by month."""
    model = small_model(seed=5)
    monthly = monthly_table(run_until(model, "1939-12"))
    in_party = monthly["n_member"] + monthly["n_candidate"]
    change = in_party.diff().iloc[1:]
    # candidates demoted become sympathizers and leave; demoted members stay as candidates
    expected = (monthly["admitted"] + monthly["reinstated"] - monthly["expelled"]
                - monthly["drifted"] - monthly["withdrew"]
                - monthly["n_sympathizer"].diff()).iloc[1:]
    assert (change == expected).all()


def test_same_seed_gives_identical_outputs_and_other_seeds_differ():
    a, b, c = (run_until(small_model(seed=s), "1939-12") for s in (21, 21, 22))
    pd.testing.assert_frame_equal(monthly_table(a), monthly_table(b))
    pd.testing.assert_frame_equal(expulsions_table(a), expulsions_table(b))
    pd.testing.assert_frame_equal(yearly_table(a), yearly_table(b))
    assert not monthly_table(a).equals(monthly_table(c))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(60, 400))
def test_any_seed_and_size_keep_the_invariants(seed, n):
    model = PurgeModel(rng=seed, n_members=n)
    while not model.finished:
        model.step()
    _check_invariants(model)
    expulsions = expulsions_table(model)
    assert set(expulsions["level"]) <= set(LEVELS)
    assert (yearly_table(model)["expulsion_rate_pct"].between(0, 100)).all()


def test_scale_keeps_organization_sizes():
    """A larger party has more districts and cells, not larger ones."""
    small, large = PurgeModel(rng=1, n_members=800), PurgeModel(rng=1, n_members=8000)

    def mean_ppo(model):
        ppos = [p for r in model.regions for d in r.districts for p in d.ppos]
        return sum(len(p.members) for p in ppos) / len(ppos), len(ppos)

    (size_s, n_s), (size_l, n_l) = mean_ppo(small), mean_ppo(large)
    assert n_l > 5 * n_s
    assert abs(size_l - size_s) / size_s < 0.3


def test_initial_membership_follows_the_parameters():
    model = PurgeModel(rng=2, n_members=6000)
    present = [m for m in model.members if m.state in IN_PARTY]
    workers = sum(m.origin == "worker" for m in model.members) / len(model.members)
    assert abs(workers - model.p.share_workers) < 0.03  # L678
    recent = sum(m.joined >= 1929 for m in model.members) / len(model.members)
    assert abs(recent - sum(model.p.cohort_shares[3:])) < 0.03
    dead = sum(m.state == "dead_soul" for m in model.members) / len(model.members)
    assert abs(dead - model.p.initial_dead_soul_share) < 0.02
    assert all(m.patron is None or m.patron.is_official for m in present)


def test_model_is_freed_after_removing_agents():
    """No hidden references keep a finished model alive (Mesa's GC test)."""
    model = small_model(seed=3, n_members=200)
    run_until(model, "1933-06")
    ref = weakref.ref(model)
    model.remove_all_agents()
    del model
    gc.collect()
    assert ref() is None


def test_the_months_conditions_kept_are_those_worked_out_again():
    """A run keeps each month's conditions by the campaigns running and fused; never stale.

    The NKVD campaign is fused here from its second month, so two months with the same
    campaigns running differ only in that: conditions kept by the campaigns alone would
    carry July's unfused channels into August.
    """
    import dataclasses

    from model.base import MONTH_CONDITIONS
    from model.scenario import load_scenario

    scenario = load_scenario()
    campaigns = tuple(dataclasses.replace(c, fused_from="1937-08")
                      if c.name == "ezhovshchina_1937" else c for c in scenario.campaigns)
    model = small_model(scenario=dataclasses.replace(scenario, campaigns=campaigns))
    fused_months = set()
    while not model.finished:
        model.step()
        kept = {name: getattr(model, name) for name in MONTH_CONDITIONS}
        model._combine_campaigns(model.active)  # worked out again, from the campaigns
        assert kept == {name: getattr(model, name) for name in MONTH_CONDITIONS}, model.month
        if kept["fused"]:
            fused_months.add(model.month_label)
    assert "1937-08" in fused_months and "1937-07" not in fused_months
    assert len(model._contexts) < model.steps  # kept, not worked out every month
