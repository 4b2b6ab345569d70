"""The array engine: invariants, determinism, output schema and vocabulary.

Docking against the reference engine is in tests/test_docking.py; here the array engine
is held to the same contract as the reference engine (tests/test_model.py); the
mechanisms of both engines are in tests/test_mechanisms.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import ArrayPurgeModel, PurgeModel, engine_class, load_scenario
from model.arrays import IN_PARTY_MAX, NONE
from model.census import DISTRICT_SECRETARY, PPO_SECRETARY, REGIONAL_SECRETARY, STATES
from model.reporters import expulsions_table, monthly_table, yearly_table
from tests.conftest import run_until


def _check_invariants(model: ArrayPurgeModel) -> None:
    m = model.m
    n = m.n
    state = m.state[:n]
    assert state.min() >= 0 and state.max() < len(STATES)
    assert (np.bincount(state, minlength=len(STATES)) == model._state_counts).all()
    officials = np.flatnonzero(m.office[:n] != 0)
    assert (state[officials] <= IN_PARTY_MAX).all(), "an officeholder left without vacating"
    sec = model.ppo_secretary[model.ppo_secretary != NONE]
    assert (m.office[sec] == PPO_SECRETARY).all()
    assert (m.ppo[sec] == np.flatnonzero(model.ppo_secretary != NONE)).all()
    dist = model.district_secretary[model.district_secretary != NONE]
    assert (m.office[dist] == DISTRICT_SECRETARY).all()
    for r, sec in enumerate(model.regional_secretary):
        if sec != NONE:
            assert m.office[sec] == REGIONAL_SECRETARY
            assert model.ppo_region[m.ppo[sec]] == r
    # the index of members by organization covers every row exactly once
    assert len(model.order) == n and (np.sort(model.order) == np.arange(n)).all()
    assert (np.diff(model.starts) == np.bincount(m.ppo[:n], minlength=model.n_ppos)).all()
    assert (m.ppo[model.order] == np.repeat(np.arange(model.n_ppos), np.diff(model.starts))).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), n_members=st.integers(60, 1500))
def test_every_member_is_in_exactly_one_state_every_month(seed, n_members):
    model = ArrayPurgeModel(rng=seed, n_members=n_members)
    created = model.m.n
    admitted = 0
    _check_invariants(model)
    while not model.finished:
        model.step()
        admitted += model.flows["admitted"]
        _check_invariants(model)
        assert model.m.n == created + admitted  # nobody vanishes, nobody appears


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
        "region": {r.name for r in scenario.regions},
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
    model._vacate(np.array([patron]), elected_successor=False)
    assert m.patron_fell[clients].all() and not model._protected_now(clients).any()
    successor = model.district_secretary[0]
    assert successor not in (patron, NONE) and m.office[successor] == DISTRICT_SECRETARY


def test_engine_choice():
    assert engine_class("auto", 200) is PurgeModel
    assert engine_class("auto", 4000) is ArrayPurgeModel
    assert engine_class("agents", 10**6) is PurgeModel
    with pytest.raises(ValueError, match="unknown engine 'numba'"):
        engine_class("numba", 100)
