"""The array engine: invariants, determinism, output schema and vocabulary.

Docking against the reference engine is in tests/test_docking.py; here the array engine
is held to the same contract as the reference engine (tests/test_model.py); the
mechanisms of both engines are in tests/test_mechanisms.py.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.runner import result_of
from model import ArrayPurgeModel, PurgeModel, arrays, engine_class, load_scenario
from model.arrays import IN_PARTY_MAX, NONE, SPARE, ArrayBatch, simulate_batch
from model.census import DISTRICT_SECRETARY, PPO_SECRETARY, REGIONAL_SECRETARY, STATES
from model.reporters import expulsions_table, monthly_table, yearly_table
from model.scenario import CAMPAIGN_RANGES
from tests.conftest import run_until


def _check_invariants(batch: ArrayBatch) -> None:
    """The engine state of one run or a batch of runs is consistent."""
    m = batch.m
    n = m.n
    state = m.state[:n]
    spare = state == SPARE
    assert state.min() >= 0 and state.max() <= SPARE
    for r in range(batch.n_runs):  # each run's block: its members, then spare rows
        lo = batch.block_start[r]
        rows = state[lo:lo + batch.block_capacity[r]][:max(0, n - lo)]
        live = rows[: batch.block_n[r]]
        assert not (live == SPARE).any() and (rows[batch.block_n[r]:] == SPARE).all()
        assert (np.bincount(live, minlength=len(STATES)) == batch.state_counts[r]).all()
        assert (batch.run_of_row[lo:lo + batch.block_n[r]] == r).all()
    officials = np.flatnonzero(m.office[:n] != 0)
    assert (state[officials] <= IN_PARTY_MAX).all(), "an officeholder left without vacating"
    sec = batch.ppo_secretary[batch.ppo_secretary != NONE]
    assert (m.office[sec] == PPO_SECRETARY).all()
    assert (m.ppo[sec] == np.flatnonzero(batch.ppo_secretary != NONE)).all()
    dist = batch.district_secretary[batch.district_secretary != NONE]
    assert (m.office[dist] == DISTRICT_SECRETARY).all()
    for r, sec in enumerate(batch.regional_secretary):
        if sec != NONE:
            assert m.office[sec] == REGIONAL_SECRETARY
            assert batch.ppo_region[m.ppo[sec]] == r
    patron = m.patron[:n][m.patron[:n] != NONE]  # patrons are of the client's own run
    clients = np.flatnonzero(m.patron[:n] != NONE)
    assert (batch.run_of_row[patron] == batch.run_of_row[clients]).all()
    # every client is in his patron's list of clients (entries of another patron: stale)
    first, row, following, n_links = batch._clients
    listed = []
    for p in np.unique(patron):
        e = first[p]
        while e != NONE:
            assert e < n_links[0]
            if m.patron[row[e]] == p:
                listed.append(row[e])
            e = following[e]
    assert np.isin(clients, listed).all(), "a client missing from his patron's list"
    # the index of members by organization covers every member's row exactly once
    members = np.flatnonzero(~spare)
    assert len(batch.order) == len(members) and (np.sort(batch.order) == members).all()
    assert (np.diff(batch.starts) == np.bincount(m.ppo[:n][~spare], minlength=batch.n_ppos)).all()
    assert (m.ppo[batch.order] == np.repeat(np.arange(batch.n_ppos), np.diff(batch.starts))).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_members=st.integers(60, 1500))
def test_every_member_is_in_exactly_one_state_every_month(seed, n_members):
    model = ArrayPurgeModel(rng=seed, n_members=n_members)
    created = model.m.n
    admitted = 0
    _check_invariants(model.batch)
    while not model.finished:
        model.step()
        admitted += model.flows["admitted"]
        _check_invariants(model.batch)
        assert model.m.n == created + admitted  # nobody vanishes, nobody appears


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_members=st.integers(60, 1200), n_runs=st.integers(2, 4))
def test_a_batch_keeps_every_run_consistent_every_month(seed, n_members, n_runs):
    """Runs in one engine state: blocks, counts, offices and indexes stay each run's own.

    The spare rows are made scarce so that blocks must be moved as recruits come.
    """
    scenario = load_scenario().with_parameters(n_members=n_members)
    runs = [ArrayPurgeModel(scenario=scenario, rng=seed + i, alone=False) for i in range(n_runs)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrays, "SPARE_SHARE", 0.0)
        patch.setattr(arrays, "SPARE_ROWS", 0)
        batch = ArrayBatch(runs)
    _check_invariants(batch)
    moved = False
    while not runs[0].finished:
        starts = batch.block_start.copy()
        for run in runs:
            run.step()
        moved |= not (batch.block_start == starts).all()
        _check_invariants(batch)
    assert moved, "no block was moved: the test did not test moving"


def _tables(model) -> dict[str, pd.DataFrame]:
    result = result_of(model, 0)
    return {name: getattr(result, name) for name in
            ("monthly", "yearly", "expulsions", "operations", "regions", "districts",
             "regional_secretaries")}


@pytest.mark.parametrize("variant", [None, "totalitarian"])
def test_a_run_gives_the_same_results_alone_or_in_a_batch(variant):
    """Same seed, same results: each run of a batch draws from its own generator."""
    scenario = load_scenario().with_parameters(n_members=1200)
    if variant:
        scenario = scenario.with_variant(variant)
    seeds = [5, 11, 5, 2]  # a seed twice: the two copies must not share anything
    batch = simulate_batch(scenario, seeds)
    for seed, run in zip(seeds, batch, strict=True):
        alone = run_until(ArrayPurgeModel(scenario=scenario, rng=seed), "1939-12")
        for name, table in _tables(alone).items():
            pd.testing.assert_frame_equal(table, _tables(run)[name], obj=f"seed {seed} {name}")
    assert not _tables(batch[0])["monthly"].equals(_tables(batch[1])["monthly"])


def _perturbed(scenario, draw) -> object:
    """``scenario`` with every nonzero number of its parameters and campaigns moved a little.

    The campaigns' numbers include the weights of their targets.

    ``draw(lo, hi)`` gives a factor; values stay in their ranges and nonzero, so the
    result has the scenario's batch_key.
    """
    params = {}
    for f in dataclasses.fields(scenario.parameters):
        value = getattr(scenario.parameters, f.name)
        if isinstance(value, float) and value != 0:
            lo, hi = f.metadata["range"]
            moved = value * draw(0.8, 1.2)
            params[f.name] = min(max(moved, lo if lo is not None else moved),
                                 hi if hi is not None else moved)
    campaigns = {}
    for c in scenario.campaigns:
        for name, (lo, hi) in CAMPAIGN_RANGES.items():
            value = getattr(c, name)
            if value != 0 and not isinstance(value, bool):
                campaigns[f"{c.name}.{name}"] = min(max(value * draw(0.8, 1.2), lo), hi)
        for ground, weight in c.targets.items():  # a screening's targets, by name
            if weight != 0:
                campaigns[f"{c.name}.targets.{ground}"] = min(weight * draw(0.8, 1.2), 100.0)
    return scenario.with_parameters(**params).with_overrides(campaigns)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, "totalitarian"]))
def test_runs_of_different_parameters_give_the_same_results_alone_or_in_a_batch(seed, variant):
    """A mixed batch: every number of every run's parameters and campaigns its own."""
    base = load_scenario().with_parameters(n_members=400)
    if variant:
        base = base.with_variant(variant)
    rng = np.random.default_rng(seed)
    scenarios = [base] + [_perturbed(base, rng.uniform) for _ in range(2)]
    assert len({arrays.batch_key(sc) for sc in scenarios}) == 1
    seeds = [3, 3, 8]  # one seed twice, under different parameters
    batch = simulate_batch(scenarios, seeds)
    assert batch[0].batch.mixed
    for scenario, seed, run in zip(scenarios, seeds, batch, strict=True):
        alone = run_until(ArrayPurgeModel(scenario=scenario, rng=seed), "1939-12")
        for name, table in _tables(alone).items():
            pd.testing.assert_frame_equal(table, _tables(run)[name], obj=f"seed {seed} {name}")
    assert not _tables(batch[0])["monthly"].equals(_tables(batch[1])["monthly"])


def test_a_batch_is_made_of_runs_of_one_scenario_but_for_the_sizes_of_its_numbers():
    scenario = load_scenario().with_parameters(n_members=300)
    no_arrests = scenario.with_overrides({"ezhovshchina_1937.arrest_rate": 0.0})
    assert arrays.batch_key(no_arrests) != arrays.batch_key(scenario)
    runs = [ArrayPurgeModel(scenario=scenario, rng=1, alone=False),
            ArrayPurgeModel(scenario=no_arrests, rng=2, alone=False)]
    with pytest.raises(ValueError, match="one scenario"):
        ArrayBatch(runs)
    with pytest.raises(ValueError, match="only one batch"):
        ArrayBatch([ArrayPurgeModel(scenario=scenario, rng=1)])
    bigger = scenario.with_parameters(n_members=350, protection_strength=0.3)
    assert arrays.batch_key(bigger) == arrays.batch_key(scenario)


def test_runs_whose_months_part_ways_cannot_stay_in_one_batch():
    """Full restraint zeroes the rates it restrains in one run only: a clear error."""
    scenario = load_scenario().with_parameters(n_members=300)
    full = scenario.with_overrides({"february_march_plenum.restraint": 1.0})
    assert arrays.batch_key(full) == arrays.batch_key(scenario)  # both nonzero
    with pytest.raises(ValueError, match="part ways in month"):
        simulate_batch([scenario, scenario, full], [1, 2, 3])


def test_flows_add_up_to_the_change_in_state_counts():
    monthly = monthly_table(run_until(ArrayPurgeModel(rng=5, n_members=2000), "1939-12"))
    in_party = monthly["n_member"] + monthly["n_candidate"]
    expected = (monthly["admitted"] + monthly["reinstated"] - monthly["expelled"]
                - monthly["drifted"] - monthly["withdrew"] - monthly["n_sympathizer"].diff())
    assert (in_party.diff().iloc[1:] == expected.iloc[1:]).all()


def _outputs(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    model = run_until(ArrayPurgeModel(rng=seed, n_members=1500), "1939-12")
    return monthly_table(model), expulsions_table(model)


def test_same_seed_gives_identical_outputs_and_other_seeds_differ():
    a_monthly, a_expelled = _outputs(21)
    b_monthly, b_expelled = _outputs(21)
    pd.testing.assert_frame_equal(a_monthly, b_monthly)
    pd.testing.assert_frame_equal(a_expelled, b_expelled)
    c_monthly, _ = _outputs(22)
    assert not a_monthly.equals(c_monthly)


def test_both_engines_write_the_same_output_schema():
    tables = {}
    for cls in (PurgeModel, ArrayPurgeModel):
        model = run_until(cls(rng=3, n_members=500), "1939-12")
        tables[cls] = (monthly_table(model), yearly_table(model), expulsions_table(model))
    for ref, arr in zip(tables[PurgeModel], tables[ArrayPurgeModel], strict=True):
        assert list(ref.columns) == list(arr.columns)
        for column in ref.columns:
            assert ref[column].dtype.kind == arr[column].dtype.kind or (
                {ref[column].dtype.kind, arr[column].dtype.kind} <= set("iuf")), column


def test_both_engines_speak_the_same_vocabulary():
    """Both engines use every documented category of the expulsion table, and no other.

    Only the Old Bolsheviks, whom no historical campaign targets, never appear.
    """
    from model.arrays import CHANNELS, REASONS
    from model.census import LEVELS, ORIGINS

    scenario = load_scenario()
    expected = {
        "level": set(LEVELS), "channel": set(CHANNELS), "origin": set(ORIGINS),
        "reason": set(REASONS) - {"old_bolshevik"},
        "region": {r.name for r in scenario.regions}
        | {f"{r.name} (new committee)" for r in scenario.regions},
        "campaign": {c.name for c in scenario.campaigns if c.pace > 0 and c.intensity > 0}
        | {"meeting", "nkvd", "fused_criticism", "removed_from_above", "targeted",
           "connections"},
    }
    for cls in (PurgeModel, ArrayPurgeModel):
        seen: dict[str, set] = {column: set() for column in expected}
        # a district secretary's expulsion is rare at small scale: 3,000 members, 3 seeds
        for seed in (1, 2, 3):
            e = expulsions_table(run_until(cls(rng=seed, n_members=3000), "1939-12"))
            for column in expected:
                seen[column] |= set(e[column])
        for column, vocabulary in expected.items():
            assert seen[column] == vocabulary, (cls.__name__, column)


def test_a_fallen_patrons_clients_lose_protection():
    """'When Rumiantsev fell, Kovalev fell' (L1994)."""
    model = ArrayPurgeModel(rng=7, n_members=3000)
    m = model.m
    patron = int(model.district_secretary[0])
    clients = np.flatnonzero(m.patron[: m.n] == patron)
    clients = clients[m.state[clients] <= IN_PARTY_MAX]
    assert len(clients) and model._protected_now(clients).all()
    model._vacate(np.array([patron]), elected_successor=False, how="removed")
    assert m.patron_fell[clients].all() and not model._protected_now(clients).any()
    successor = model.district_secretary[0]
    assert successor not in (patron, NONE) and m.office[successor] == DISTRICT_SECRETARY


def test_the_lists_of_clients_find_what_a_pass_over_every_client_finds(monkeypatch):
    """kernels.vacate exposes a fallen patron's clients from his list: those a full pass finds."""
    vacate, checked = ArrayBatch._vacate, []

    def checked_vacate(self, holders, elected_successor, how):
        m = self.m
        fallen = np.unique(holders[m.office[holders] != 0])
        clients = np.flatnonzero(np.isin(m.patron[:m.n], fallen))  # a pass over every member
        exposed_before, office_before = m.patron_fell[:m.n].copy(), m.office[:m.n].copy()
        vacate(self, holders, elected_successor, how)
        # successors appointed in the call get a patron and a clean flag anew
        successor = (office_before == 0) & (m.office[:m.n] != 0)
        expected = clients[~exposed_before[clients] & ~successor[clients]]
        assert np.array_equal(np.flatnonzero(m.patron_fell[:m.n] & ~exposed_before), expected)
        checked.append(len(expected))

    monkeypatch.setattr(ArrayBatch, "_vacate", checked_vacate)
    runs = simulate_batch(load_scenario(None).with_parameters(n_members=1500), [3, 4])
    assert sum(checked) > 100  # fallen patrons with clients, checked
    assert expulsions_table(runs[0])["level"].ne("rank_and_file").any()  # officeholders fell


def test_engine_choice():
    assert engine_class("auto", 200) is PurgeModel
    assert engine_class("auto", 4000) is ArrayPurgeModel
    assert engine_class("agents", 10**6) is PurgeModel
    with pytest.raises(ValueError, match="unknown engine 'numba'"):
        engine_class("numba", 100)
