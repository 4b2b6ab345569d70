"""Thinning: the array engine's monthly events drawn at a bound, then kept (issue 13).

:meth:`model.arrays.ArrayBatch.occur` draws the candidates of a Bernoulli process at each
run's bound (:func:`model.kernels.candidates`, geometric gaps) and keeps each with its
probability over the bound. Held here: the candidates are a Bernoulli process at the
bound; each member is hit with exactly his probability; a probability above its bound is
refused; and in real runs, with perturbed parameters, every member's probability in every
stage that thins is within the bound the stage drew at (not only the candidates').
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from model import ArrayPurgeModel, arrays, compiled, kernels, load_scenario
from model.arrays import ArrayBatch, every_combination
from tests.conftest import run_until
from tests.test_arrays import _perturbed


def _gens(*seeds: int):
    return numba.typed.List([np.random.default_rng(s) for s in seeds])


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(0, 300), min_size=1, max_size=4),
       bounds=st.lists(st.floats(-0.5, 1.5), min_size=4, max_size=4),
       seed=st.integers(0, 2**31))
def test_candidates_lie_in_their_runs_stretches_in_order(sizes, bounds, seed):
    edges = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    bound = np.array(bounds[:len(sizes)])
    out = kernels.candidates(_gens(*range(seed, seed + len(sizes))), edges, bound)
    assert (np.diff(out) > 0).all() and (out >= 0).all() and (out < max(edges[-1], 1)).all()
    for r, size in enumerate(sizes):
        mine = out[(out >= edges[r]) & (out < edges[r + 1])]
        if bound[r] >= 1:
            assert len(mine) == size  # everyone, nothing drawn
        elif bound[r] <= 0:
            assert len(mine) == 0


@pytest.mark.parametrize("bound", [0.003, 0.05, 0.4, 0.9])
def test_candidates_are_a_bernoulli_process_at_the_bound(bound):
    """Each element a candidate with probability ``bound``, independently of its neighbour."""
    n, repeats = 400, 2000
    gens = _gens(7)
    edges = np.array([0, n], dtype=np.int64)
    hits = np.zeros(n)
    pairs = 0  # neighbours both candidates
    for _ in range(repeats):
        out = kernels.candidates(gens, edges, np.array([bound]))
        hits[out] += 1
        pairs += np.count_nonzero(np.diff(out) == 1)
    total = hits.sum()
    expected = n * repeats * bound
    assert abs(total - expected) < 5 * np.sqrt(expected * (1 - bound))
    # no element is favoured: per-element counts are binomial(repeats, bound)
    chi2 = ((hits - repeats * bound) ** 2 / (repeats * bound * (1 - bound))).sum()
    assert stats.chi2.sf(chi2, n) > 1e-4
    expected_pairs = (n - 1) * repeats * bound**2
    assert abs(pairs - expected_pairs) < 5 * np.sqrt(expected_pairs) + 5


def _batch(n_members: int = 300, seeds=(1, 2)) -> ArrayBatch:
    scenario = load_scenario().with_parameters(n_members=n_members)
    return ArrayBatch([ArrayPurgeModel(scenario=scenario, rng=s, alone=False) for s in seeds])


def test_each_member_is_hit_with_exactly_his_probability():
    batch = _batch()
    idx = np.flatnonzero(batch.m.state[:batch.m.n] <= arrays.IN_PARTY_MAX)
    chance = np.linspace(0.0, 0.08, len(idx))  # below the bound, one per member
    bound = np.array([0.1, 0.2])
    at = {row: i for i, row in enumerate(idx)}
    hits = np.zeros(len(idx))
    repeats = 3000
    for _ in range(repeats):
        hit = batch.occur(idx, bound, lambda cand: chance[[at[c] for c in cand]])
        hits[[at[h] for h in hit]] += 1
    expected = repeats * chance
    assert abs(hits.sum() - expected.sum()) < 5 * np.sqrt(expected.sum())
    # by tenths of the members: low chances rarely hit, high ones often, as predicted
    for part in np.array_split(np.arange(len(idx)), 10):
        e = expected[part].sum()
        assert abs(hits[part].sum() - e) < 5 * np.sqrt(e) + 3
    assert hits[0] == 0  # a chance of zero is never hit


def test_a_probability_above_its_bound_is_refused():
    batch = _batch()
    idx = np.flatnonzero(batch.m.state[:batch.m.n] <= arrays.IN_PARTY_MAX)
    with pytest.raises(ValueError, match="exceeds the bound"):
        batch.occur(idx, 0.5, lambda cand: np.full(len(cand), 0.6))


def test_every_combination_lists_each_combination_once():
    office, flag = every_combination(range(3), (False, True))
    assert sorted(zip(office.tolist(), flag.tolist(), strict=True)) == [
        (o, f) for o in range(3) for f in (False, True)]
    assert flag.dtype == bool


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, "totalitarian", "no-protection"]))
def test_no_member_exceeds_the_bound_his_stage_drew_at(seed, variant):
    """Every member's probability, not only the candidates', is within his stage's bound.

    In real runs with perturbed parameters: a bound that missed a trait would fail here.
    """
    base = load_scenario().with_parameters(n_members=500)
    if variant:
        base = base.with_variant(variant)
    rng = np.random.default_rng(seed)
    scenarios = [base, _perturbed(base, rng.uniform)]
    checked = []
    occur = ArrayBatch.occur

    def within(batch, idx, bound, chance):
        bounds = np.broadcast_to(np.asarray(bound, dtype=float).ravel(), (batch.n_runs,))
        assert (chance <= bounds[batch.run_of_row[idx]] * (1 + 1e-9)).all()
        checked.append(len(idx))

    def every_member(self, idx, bound, probability=None):
        if probability is not None and len(idx):
            within(self, idx, bound, probability(idx))
        return occur(self, idx, bound, probability)

    def checking(kernel):  # a compiled stage's every member, then its draws (compiled.py)
        def every_member_drawn(gens, idx, edges, bound, check_every_member, *args):
            if len(idx):
                assert not kernel(gens, idx, edges, bound, True, *args)[-1]  # (draws nothing)
                checked.append(len(idx))
            return kernel(gens, idx, edges, bound, check_every_member, *args)
        return every_member_drawn

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ArrayBatch, "occur", every_member)
        for name in ("meeting_denunciations", "police_arrests", "drift_and_withdrawal",
                     "appeals_and_reinstatements"):
            patch.setattr(compiled, name, checking(getattr(compiled, name)))
        for scenario in scenarios:
            run_until(ArrayPurgeModel(scenario=scenario, rng=seed % 1000), "1939-12")
    assert len(checked) > 100  # drift, meetings, police and appeals were all checked
