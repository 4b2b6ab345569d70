"""The compiled bookkeeping kernels against the numpy they replace (issue 13).

Each kernel of :mod:`model.kernels` that stands for a numpy expression must give the
same result on any input, to the last bit where sums are involved (a seeded run's
outputs must not move when a pass is compiled: ``scripts/fingerprint.py``).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import kernels
from model.census import NONE

IN_PARTY_MAX = 1


@st.composite
def _members(draw, n_ppos_max: int = 12):
    """A batch's rows: organization, state, office, grievance, patron (any order)."""
    n = draw(st.integers(0, 80))
    n_ppos = draw(st.integers(1, n_ppos_max))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # stretches of one organization's rows (a census lays them out organization by
    # organization, recruits join at the end), in any order
    ppo = np.repeat(rng.integers(0, n_ppos, n), rng.integers(1, 6, n))[:n].astype(np.int32)
    state = rng.integers(0, 8, n).astype(np.int8)
    office = (rng.integers(0, 5, n) * (rng.random(n) < 0.3)).astype(np.int8)
    grievance = rng.random(n) * 10.0 ** rng.uniform(-4, 4, n) * (rng.random(n) < 0.7)
    patron = np.where(rng.random(n) < 0.5, rng.integers(0, max(n, 1), n), NONE).astype(np.int32)
    patron_fell = rng.random(n) < 0.2
    return n_ppos, ppo, state, office, grievance, patron, patron_fell


@settings(max_examples=60, deadline=None)
@given(_members(), st.integers(0, 80))
def test_rank_and_file_grievance_adds_as_bincount_does(members, cut):
    n_ppos, ppo, state, office, grievance, *_ = members
    n = min(cut, len(ppo))
    total, count = kernels.rank_and_file_grievance(state, office, ppo, grievance, n,
                                                   IN_PARTY_MAX, n_ppos)
    rf = (state[:n] <= IN_PARTY_MAX) & (office[:n] == 0)
    assert np.array_equal(total, np.bincount(ppo[:n][rf], weights=grievance[:n][rf],
                                             minlength=n_ppos))  # the same bits
    assert np.array_equal(count, np.bincount(ppo[:n][rf], minlength=n_ppos))


@settings(max_examples=60, deadline=None)
@given(_members(), st.integers(0, 8), st.data())
def test_rows_in_is_a_mask_of_organizations_and_states(members, state_max, data):
    n_ppos, ppo, state, *_ = members
    ppos = np.array(data.draw(st.lists(st.booleans(), min_size=n_ppos, max_size=n_ppos)))
    n = len(ppo)
    rows = kernels.rows_in(ppos, ppo, state, n, state_max)
    assert np.array_equal(rows, np.flatnonzero(ppos[ppo[:n]] & (state[:n] <= state_max)))


@settings(max_examples=60, deadline=None)
@given(_members(), st.data())
def test_protected_now_reads_the_patron(members, data):
    _, _, state, office, _, patron, patron_fell = members
    n = len(state)
    idx = np.array(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=40) if n
                             else st.just([])), dtype=np.int64)
    got = kernels.protected_now(idx, patron, state, office, patron_fell, IN_PARTY_MAX)
    p = patron[idx]
    has = p != NONE
    pat = np.where(has, p, 0)
    expected = has & (state[pat] <= IN_PARTY_MAX) & (office[pat] != 0) & ~patron_fell[pat]
    assert np.array_equal(got, expected)


@given(st.lists(st.integers(0, 9), max_size=50))
def test_add_one_counts_repeated_rows(rows):
    column = np.zeros(10, dtype=np.int32)
    kernels.add_one(column, np.array(rows, dtype=np.int64))
    expected = np.zeros(10, dtype=np.int32)
    np.add.at(expected, np.array(rows, dtype=np.int64), 1)
    assert np.array_equal(column, expected)


@given(st.integers(1, 5), st.data())
def test_tally_counts_each_runs_rows_into_its_own_flow(n_runs, data):
    run_of_row = np.array(data.draw(st.lists(st.integers(0, n_runs - 1), max_size=40)),
                          dtype=np.int64)
    rows = np.array(data.draw(st.lists(st.integers(0, len(run_of_row) - 1), max_size=40)
                              if len(run_of_row) else st.just([])), dtype=np.int64)
    key = data.draw(st.integers(0, 2))
    flows = np.arange(n_runs * 3, dtype=np.int64).reshape(n_runs, 3)
    expected = flows.copy()
    expected[:, key] += np.bincount(run_of_row[rows], minlength=n_runs)
    kernels.tally(flows, key, run_of_row, rows)
    assert np.array_equal(flows, expected)


@pytest.mark.parametrize("kernel, compare", [(kernels.rows_at_most, np.less_equal),
                                             (kernels.rows_equal, np.equal)])
@settings(max_examples=60, deadline=None)
@given(members=_members(), code=st.integers(0, 8), data=st.data())
def test_rows_of_a_state_are_flatnonzero_of_the_comparison(kernel, compare, members, code, data):
    """rows_at_most and rows_equal: np.flatnonzero(state[:n] <= code), (state[:n] == code)."""
    _, _, state, *_ = members
    n = data.draw(st.integers(0, len(state)))  # (rows past n are not read)
    rows = kernel(state, n, code)
    assert rows.dtype == np.int64
    assert np.array_equal(rows, np.flatnonzero(compare(state[:n], code)))


@given(st.integers(1, 8), st.data())
def test_count_in_is_bincount_of_the_rows_keys(n_keys, data):
    keys = np.array(data.draw(st.lists(st.integers(0, n_keys - 1), max_size=40)), dtype=np.int32)
    rows = np.array(data.draw(st.lists(st.integers(0, len(keys) - 1), max_size=40)
                              if len(keys) else st.just([])), dtype=np.int64)
    expected = np.bincount(keys[rows], minlength=n_keys)
    assert np.array_equal(kernels.count_in(keys, rows, n_keys), expected)


@settings(max_examples=60, deadline=None)
@given(_members(), st.integers(1, 4), st.integers(0, 3), st.data())
def test_rows_by_group_counts_each_groups_rows_in_a_state(members, n_groups, state_max, data):
    n_ppos, ppo, state, *_ = members
    group_of_ppo = np.array(data.draw(st.lists(st.integers(0, n_groups - 1), min_size=n_ppos,
                                               max_size=n_ppos)), dtype=np.int32)
    n = data.draw(st.integers(0, len(ppo)))  # (rows past n are not counted)
    expected = np.bincount(group_of_ppo[ppo[:n]], weights=state[:n] <= state_max,
                           minlength=n_groups).astype(np.int64)
    counted = kernels.rows_by_group(ppo, group_of_ppo, state, n, state_max, n_groups)
    assert np.array_equal(counted, expected)


@settings(max_examples=60, deadline=None)
@given(_members(), st.integers(0, 12), st.data())
def test_implicated_rows_are_members_of_organizations_with_an_earlier_arrest(members, month,
                                                                             data):
    n_ppos, ppo, state, *_ = members
    arrest_month = np.array(data.draw(st.lists(st.integers(-1, 12), min_size=n_ppos,
                                               max_size=n_ppos)), dtype=np.int64)
    n = len(ppo)
    idx = np.flatnonzero(state[:n] <= IN_PARTY_MAX)
    first = arrest_month[ppo[idx]]
    expected = idx[(first >= 0) & (first < month)]
    assert np.array_equal(kernels.implicated_rows(state, ppo, arrest_month, month, n,
                                                  IN_PARTY_MAX), expected)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 1000), max_size=40), st.data())
def test_insert_sorted_is_np_insert(array, data):
    array = np.array(array, dtype=np.int64)
    k = data.draw(st.integers(0, 20))
    positions = np.sort(np.array(data.draw(st.lists(st.integers(0, len(array)), min_size=k,
                                                    max_size=k)), dtype=np.int64))
    values = np.arange(k, dtype=np.int64) + 5000
    assert np.array_equal(kernels.insert_sorted(array, positions, values),
                          np.insert(array, positions, values))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_recruit_draws_are_each_runs_poisson_count_then_census_draws(n_runs, seed):
    from model import census
    from model.params import Parameters

    rng = np.random.default_rng(seed)
    p = Parameters()
    expected = rng.uniform(0, 6, n_runs) * (rng.random(n_runs) < 0.7)
    n_ppos = rng.integers(1, 10 ** rng.integers(1, 7), n_runs)
    shares = np.cumsum(np.asarray(p.recruit_origin_shares, dtype=float))

    def gens():
        return [np.random.default_rng([seed, r]) for r in range(n_runs)]
    mine, theirs = gens(), gens()
    sizes, ppo, origin, u = kernels.recruit_draws(numba.typed.List(mine), expected, n_ppos,
                                                  shares / shares[-1])
    at = 0
    for r, gen in enumerate(theirs):
        n = int(gen.poisson(expected[r])) if expected[r] > 0 else 0
        assert sizes[r] == n
        if n:
            want = census.recruit_draws(p, gen, n, int(n_ppos[r]))
            assert np.array_equal(ppo[at:at + n], want[0])
            assert np.array_equal(origin[at:at + n], want[1])
            assert np.array_equal(u[:, at:at + n], want[2])
        at += n
    assert [g.random() for g in mine] == [g.random() for g in theirs]
