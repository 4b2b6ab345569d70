"""Compiled kernels of the array engine (numba): the per-member loops of its stages.

Each kernel does exactly what the numpy code it replaces did, draw for draw: it takes
the runs' own ``numpy.random.Generator`` objects (``gens``, a numba typed list: one per
run of a batch, :class:`model.arrays.ArrayBatch`) and makes, for each run, the same calls in the
same order, so a seeded run gives the same outputs with or without it, alone or in a
batch (``scripts/fingerprint.py`` and tests/test_arrays.py check that). A run's draws of
``random(k)`` are its ``k`` next numbers, so drawing them one at a time from its own
generator, element by element, gives each run exactly its own stream. The rules of
behaviour stay in :mod:`model.rules`; kernels only draw, pick, count and loop.
:func:`candidates` is the exception to "draw for draw": it draws the candidates of the
rare events by geometric gaps (thinning, :meth:`model.arrays.ArrayBatch.occur`), a new
stream, but still each run's from its own generator in the order of its members.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from model.census import DISTRICT_SECRETARY, NONE, OFFICIAL, PPO_SECRETARY, REGIONAL_SECRETARY

RANK_AND_FILE_PRESENT = 0  # eligible: in the party and holding no office
IN_PARTY = 1  # eligible: in the party


@njit(cache=True)
def _eligible(member: int, kind: int, state: np.ndarray, office: np.ndarray,
              in_party_max: int) -> bool:
    if state[member] > in_party_max:
        return False
    return kind == IN_PARTY or office[member] == 0


@njit(cache=True)
def uniform(gens, runs, lead):  # pragma: no cover  (compiled)
    """``lead`` x ``len(runs)`` uniform numbers; element ``i``'s from ``gens[runs[i]]``.

    Each run gets the numbers ``random((lead, k))`` would give it alone for its ``k``
    elements, in their order (row by row).
    """
    out = np.empty((lead, len(runs)))
    for row in range(lead):
        i = 0
        while i < len(runs):  # a stretch of elements of one run
            j = i + 1
            while j < len(runs) and runs[j] == runs[i]:
                j += 1
            gen = gens[runs[i]]
            for e in range(i, j):
                out[row, e] = gen.random()
            i = j
    return out


@njit(cache=True)
def pick_in(gens, range_run, order, lo, hi, kind, state, office, in_party_max, exclude, rounds,
            distinct, exhaustive, taken):  # pragma: no cover  (compiled)
    """Per range [lo, hi) of ``order``, a uniformly chosen eligible member, or NONE.

    As ``ArrayPurgeModel._pick_in``: rejection sampling over ``rounds`` (in each round
    one number per range still pending, from its run's generator ``gens[range_run[j]]``);
    with ``distinct`` a member is chosen at most once (the first range, in order, to draw
    him gets him); with ``exhaustive`` a range where sampling found nobody is searched
    member by member (one ``integers`` each). ``exclude``: per range, a member not to
    choose (NONE for none); ``taken``: scratch mask over members, all False on entry and
    on return.
    """
    n = len(lo)
    chosen = np.full(n, NONE, dtype=np.int64)
    pending = np.empty(n, dtype=np.int64)
    k = 0
    for j in range(n):
        if hi[j] > lo[j]:
            pending[k] = j
            k += 1
    for _ in range(rounds):
        if k == 0:
            break
        cands = np.empty(k, dtype=np.int64)
        for i in range(k):
            j = pending[i]
            u = gens[range_run[j]].random()
            cands[i] = order[lo[j] + np.int64(u * (hi[j] - lo[j]))]
        for i in range(k):
            j = pending[i]
            c = cands[i]
            if not _eligible(c, kind, state, office, in_party_max):
                continue
            if exclude[j] != NONE and c == exclude[j]:
                continue
            if distinct:
                if taken[c]:
                    continue
                taken[c] = True
            chosen[j] = c
        left = 0
        for i in range(k):
            if chosen[pending[i]] == NONE:
                pending[left] = pending[i]
                left += 1
        k = left
    if exhaustive:
        for i in range(k):
            j = pending[i]
            m = 0
            members = np.empty(hi[j] - lo[j], dtype=np.int64)
            for pos in range(lo[j], hi[j]):
                c = order[pos]
                if (_eligible(c, kind, state, office, in_party_max) and not taken[c]
                        and not (exclude[j] != NONE and c == exclude[j])):
                    members[m] = c
                    m += 1
            if m:
                chosen[j] = members[gens[range_run[j]].integers(0, m)]
                taken[chosen[j]] = True
    for j in range(n):
        if chosen[j] != NONE:
            taken[chosen[j]] = False
    return chosen


@njit(cache=True)
def vacate(gens, run_of, holders, elected_successor, office, patron, patron_fell, ppo_of,
           state, ppo_district, ppo_region, ppo_secretary, district_secretary,
           regional_secretary, district_ppo_start, region_ppo_lo, region_ppo_hi, starts, order,
           first_client, client_row, next_client, n_links, taken, in_party_max,
           flows, removed_flow):  # pragma: no cover  (compiled)
    """Remove officeholders; expose their clients; appoint successors (draw for draw).

    As ``ArrayPurgeModel._vacate`` did in numpy: each holder removed is counted in his
    run's ``flows`` (row ``run_of[holder]``) at column ``removed_flow[level]``; returns
    the successors who got a patron (linked to his clients here, :func:`link_clients`:
    the lists need room for one link per holder). Successors are drawn from each holder's
    run's generator, from the rank and file other than the fallen holder himself (who,
    voted out or removed, keeps his card and is rank and file again: he is not
    re-appointed to the office he has just lost).

    A fallen holder's clients are found in his list of clients (:func:`link_clients`;
    an entry whose patron has changed since it was linked is stale and skipped), not by
    a pass over every client.
    """
    keep = np.empty(len(holders), dtype=np.int64)
    n = 0
    for h in holders:
        if office[h] != 0:
            keep[n] = h
            n += 1
    holders = keep[:n]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    level = np.empty(n, dtype=np.int64)
    for i in range(n):
        level[i] = office[holders[i]]
        flows[run_of[holders[i]], removed_flow[level[i]]] += 1
        office[holders[i]] = 0
    # expose the clients: each holder's list of those linked to him
    for h in holders:
        e = first_client[h]
        while e != NONE:
            c = client_row[e]
            if patron[c] == h:
                patron_fell[c] = True
            e = next_client[e]
    lo = np.empty(n, dtype=np.int64)
    hi = np.empty(n, dtype=np.int64)
    head_of = np.empty(n, dtype=np.int64)  # which holder each range is for
    k = 0
    for i in range(n):
        h = holders[i]
        q = ppo_of[h]
        d = ppo_district[q]
        r = ppo_region[q]
        first, last, heads = q, q + 1, True
        if level[i] == PPO_SECRETARY:
            heads = ppo_secretary[q] == h
        elif level[i] == DISTRICT_SECRETARY:
            heads = district_secretary[d] == h
            first, last = district_ppo_start[d], district_ppo_start[d + 1]
        elif level[i] == REGIONAL_SECRETARY:
            heads = regional_secretary[r] == h
            first, last = region_ppo_lo[r], region_ppo_hi[r]
        if heads:
            lo[k] = starts[first]
            hi[k] = starts[last]
            head_of[k] = i
            k += 1
    range_run = np.empty(k, dtype=np.int64)
    fallen_holder = np.empty(k, dtype=np.int64)  # never his own successor
    for j in range(k):
        range_run[j] = run_of[holders[head_of[j]]]
        fallen_holder[j] = holders[head_of[j]]
    successor = pick_in(gens, range_run, order, lo[:k], hi[:k], RANK_AND_FILE_PRESENT, state,
                        office, in_party_max, fallen_holder, 48, True, True, taken)
    for j in range(k):
        i = head_of[j]
        s = successor[j]
        q = ppo_of[holders[i]]
        if level[i] == PPO_SECRETARY:
            ppo_secretary[q] = s
        elif level[i] == DISTRICT_SECRETARY:
            district_secretary[ppo_district[q]] = s
        elif level[i] == REGIONAL_SECRETARY:
            regional_secretary[ppo_region[q]] = s
        if s != NONE:
            office[s] = level[i]
    # patrons once every office is filled (ASSUMPTION, docs/ODD.md "A fallen patron"): a
    # lower office's successor is the client of the secretary above as he now is, his
    # successor if he fell in this call too; a regional secretary is the center's man (L2000)
    linked = np.empty(k, dtype=np.int64)
    m = 0
    for j in range(k):
        s = successor[j]
        if s == NONE:
            continue
        i = head_of[j]
        q = ppo_of[holders[i]]
        p = NONE
        if not elected_successor:
            if level[i] == OFFICIAL or level[i] == PPO_SECRETARY:
                p = district_secretary[ppo_district[q]]
            elif level[i] == DISTRICT_SECRETARY:
                p = regional_secretary[ppo_region[q]]
        patron[s] = p
        patron_fell[s] = False
        if p != NONE:
            linked[m] = s
            m += 1
    link_clients(linked[:m], patron, first_client, client_row, next_client, n_links)
    return linked[:m]


@njit(cache=True)
def link_clients(rows, patron, first_client, client_row, next_client, n_links
                 ):  # pragma: no cover  (compiled)
    """Link each of ``rows`` to the list of clients of his patron (if he has one).

    A patron's clients are a list threaded through ``client_row`` and ``next_client``
    from ``first_client[patron]`` (NONE: the end); ``n_links[0]`` entries are taken and
    the arrays must have room for ``len(rows)`` more. Entries are never removed: one whose
    client has changed patron since is stale, and the reader skips it.
    """
    e = n_links[0]
    for c in rows:
        p = patron[c]
        if p != NONE:
            client_row[e] = c
            next_client[e] = first_client[p]
            first_client[p] = e
            e += 1
    n_links[0] = e


@njit(cache=True)
def set_state(idx, new, run_of, state, state_counts, state_before_exit, left_month, month,
              office, in_party_max):  # pragma: no cover  (compiled)
    """Move members ``idx`` to state ``new`` (as ``ArrayPurgeModel._set_state`` did).

    Keeps ``state_counts`` (per run: row ``run_of[member]``) in step; members leaving the
    party get their exit state and month recorded. Returns those of them who held an
    office (to vacate).
    """
    officials = np.empty(len(idx), dtype=np.int64)
    k = 0
    for i in idx:
        old = state[i]
        r = run_of[i]
        state_counts[r, old] -= 1
        state_counts[r, new] += 1
        if old <= in_party_max < new:
            state_before_exit[i] = old
            left_month[i] = month
            if office[i] != 0:
                officials[k] = i
                k += 1
        state[i] = new
    return officials[:k]


@njit(cache=True)
def rows_in(ppos, ppo, state, n, state_max):  # pragma: no cover  (compiled)
    """Rows ``0..n-1`` of organizations marked in ``ppos`` with a state code at most ``state_max``.

    As ``np.flatnonzero(ppos[ppo[:n]] & (state[:n] <= state_max))``, in one pass.
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += ppos[ppo[i]] & (state[i] <= state_max)
    return out[:k]  # (a view of the first k: a copy costs a third of the pass)


@njit(cache=True)
def rows_at_most(state, n, state_max):  # pragma: no cover  (compiled)
    """Rows ``0..n-1`` with a state code at most ``state_max``.

    As ``np.flatnonzero(state[:n] <= state_max)``, in one branchless pass (two thirds of
    its time where, as for the members in the party, a good share of the rows count).
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += state[i] <= state_max
    return out[:k]  # (a view of the first k: a copy costs a third of the pass)


@njit(cache=True)
def rows_equal(state, n, code):  # pragma: no cover  (compiled)
    """Rows ``0..n-1`` with state code ``code``.

    As ``np.flatnonzero(state[:n] == code)``, in one branchless pass (half its time for
    the expelled or the candidates of a batch).
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        out[k] = i
        k += state[i] == code
    return out[:k]  # (a view of the first k: a copy costs a third of the pass)


@njit(cache=True)
def tally(flows, key, run_of_row, rows):  # pragma: no cover  (compiled)
    """``flows[run_of_row[row], key] += 1`` for each of ``rows`` (each run's count of them).

    As ``flows[:, key] += np.bincount(run_of_row[rows], minlength=len(flows))``, without
    its three passes and two arrays (a stage tallies some twenty flows a month).
    """
    for row in rows:
        flows[run_of_row[row], key] += 1


@njit(cache=True)
def count_in(keys, rows, n_keys):  # pragma: no cover  (compiled)
    """How many of ``rows`` have each key: ``np.bincount(keys[rows], minlength=n_keys)``.

    In one pass, without the gathered array and its cast (half the time of the numpy).
    """
    out = np.zeros(n_keys, dtype=np.int64)
    for row in rows:
        out[keys[row]] += 1
    return out


@njit(cache=True)
def rows_by_group(ppo, group_of_ppo, state, n, state_max, n_groups):  # pragma: no cover
    """Per group (of organizations), its rows ``0..n-1`` with a state code at most ``state_max``.

    As ``np.bincount(group_of_ppo[ppo[:n]], weights=state[:n] <= state_max,
    minlength=n_groups)``, as integers, in one pass (about a fifth of the numpy's time).
    """
    out = np.zeros(n_groups, dtype=np.int64)
    for i in range(n):
        out[group_of_ppo[ppo[i]]] += state[i] <= state_max
    return out


@njit(cache=True)
def add_one(column, rows):  # pragma: no cover  (compiled)
    """``column[row] += 1`` for each of ``rows``, repeated rows counted each time.

    As ``np.add.at(column, rows, 1)``, which costs ~0.1 ms a call whatever its size.
    """
    for row in rows:
        column[row] += 1


@njit(cache=True)
def protected_now(idx, patron, state, office, patron_fell, in_party_max
                  ):  # pragma: no cover  (compiled)
    """Whether each member ``idx`` has a patron in office, in the party and not exposed.

    As ``ArrayBatch._protected_now`` did with five gathers over ``idx``, in one pass.
    """
    out = np.empty(len(idx), dtype=np.bool_)
    for j in range(len(idx)):
        p = patron[idx[j]]
        out[j] = (p != NONE and state[p] <= in_party_max and office[p] != 0
                  and not patron_fell[p])
    return out


@njit(cache=True)
def rank_and_file_grievance(state, office, ppo, grievance, n, in_party_max, n_ppos
                            ):  # pragma: no cover  (compiled)
    """Per organization: total grievance and number of the rank and file present.

    Rows ``0..n-1`` in order, as ``np.bincount(ppo[rf], weights=grievance[rf])`` adds them
    (so the sums are the same to the last bit).
    """
    total = np.zeros(n_ppos)
    count = np.zeros(n_ppos, dtype=np.int64)
    if n == 0:
        return total, count
    # an organization's rows mostly follow one another: its sum is carried in a local
    # between them (the same additions in the same order), and rows that do not count
    # add exactly zero (grievances are finite and not negative; no branch to mispredict)
    at = ppo[0]
    acc = 0.0
    k = 0
    for i in range(n):
        q = ppo[i]
        if q != at:
            total[at] = acc
            count[at] += k
            at, acc, k = q, total[q], 0
        counts = (state[i] <= in_party_max) & (office[i] == 0)
        acc += grievance[i] * counts
        k += counts
    total[at] = acc
    count[at] += k
    return total, count


@njit(cache=True)
def candidates(gens, edges, bound):  # pragma: no cover  (compiled)
    """Positions of the candidates of a Bernoulli process over elements (thinning).

    Run ``r``'s elements are positions ``edges[r]`` to ``edges[r + 1]``; each is
    independently a candidate with probability ``bound[r]``. The gaps between candidates
    are geometric, so a run draws one number per candidate and one more (the gap that
    runs past its last element) from its own generator, in the order of its elements,
    instead of one per element: ``log(1 - u) / log(1 - b)`` rounded down failures before
    the next candidate. A bound of 1 or more makes every element a candidate and draws
    nothing; 0 or less, none.
    """
    out = np.empty(edges[-1] - edges[0], dtype=np.int64)
    n = 0
    for r in range(len(edges) - 1):
        n = run_candidates(gens[r], edges[r], edges[r + 1], bound[r], out, n)
    return out[:n]


@njit(cache=True)
def run_candidates(gen, lo, hi, b, out, n):  # pragma: no cover  (compiled)
    """One run's candidates among elements ``lo`` to ``hi`` at bound ``b`` (:func:`candidates`).

    Writes their positions into ``out`` from ``n`` on, drawing from the run's generator
    ``gen``; returns the new end of ``out``.
    """
    if hi <= lo or b <= 0.0:
        return n
    if b >= 1.0:
        for e in range(lo, hi):
            out[n] = e
            n += 1
        return n
    log_miss = np.log1p(-b)
    at = float(lo - 1)
    while True:
        at += 1.0 + np.floor(np.log1p(-gen.random()) / log_miss)
        if at >= hi:
            return n
        out[n] = int(at)
        n += 1



@njit(cache=True)
def run_positions(gen, lo, hi, b, out, every):  # pragma: no cover  (compiled)
    """A run's candidates at bound ``b`` (:func:`run_candidates`), or all of its elements.

    With ``every``, its elements ``lo`` to ``hi`` without drawing (to check each one's
    chance against ``b``). Writes their positions into ``out`` from 0 on; returns how many.
    """
    if not every:
        return run_candidates(gen, lo, hi, b, out, 0)
    for e in range(lo, hi):
        out[e - lo] = e
    return hi - lo

@njit(cache=True)
def implicated_rows(state, ppo, arrest_month, month, n, in_party_max
                    ):  # pragma: no cover  (compiled)
    """Rows ``0..n-1`` in the party whose organization had an arrest before ``month``.

    As ``idx[implicated(idx)]`` with ``idx`` the rows in the party
    (``ArrayBatch._implicated``: ``arrest_month`` by organization, -1 for none), in one pass.
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):  # (without a branch: twice as fast)
        out[k] = i
        first = arrest_month[ppo[i]]
        k += (state[i] <= in_party_max) & (first >= 0) & (first < month)
    return out[:k]


@njit(cache=True)
def record_expulsions(out, k, idx, reasons, run_of_row, block_start, ppo, ppo_region,
                      region_offset, ppo_district, district_offset, office, joined, origin,
                      state, patron, month, channel, campaign, candidate, flows, expelled_flow,
                      level_flow):  # pragma: no cover  (compiled)
    """Put the expulsions of members ``idx`` on the record, rows ``k`` on of ``out``.

    As ``ArrayBatch._record`` did in numpy: one row each, in the columns of
    ``model.arrays.RECORD_FIELDS`` (ids as the member's run has them alone); each is
    counted in his run's ``flows`` (``expelled_flow``, and ``level_flow`` by office).
    Returns the new number of rows.
    """
    for j in range(len(idx)):
        i = idx[j]
        r = run_of_row[i]
        q = ppo[i]
        row = out[k + j]
        row[0] = r
        row[1] = month
        row[2] = i - block_start[r]
        row[3] = ppo_region[q] - region_offset[r]
        row[4] = ppo_district[q] - district_offset[r]
        row[5] = office[i]
        row[6] = reasons[j]
        row[7] = channel
        row[8] = campaign
        row[9] = joined[i]
        row[10] = origin[i]
        row[11] = state[i] == candidate
        row[12] = patron[i] != NONE
        flows[r, expelled_flow] += 1
        flows[r, level_flow[office[i]]] += 1
    return k + len(idx)


@njit(cache=True)
def insert_sorted(array, positions, values):  # pragma: no cover  (compiled)
    """``np.insert(array, positions, values)`` for ``positions`` in ascending order.

    Each value goes before ``array[positions[i]]`` (at the end for ``len(array)``); values
    at the same position keep their order. One pass, where ``np.insert`` sorts and
    copies more.
    """
    out = np.empty(len(array) + len(values), dtype=array.dtype)
    src = 0
    dst = 0
    for i in range(len(values)):  # the rows before each value copied as a block
        k = positions[i] - src
        out[dst:dst + k] = array[src:src + k]
        src += k
        dst += k
        out[dst] = values[i]
        dst += 1
    k = len(array) - src
    out[dst:dst + k] = array[src:]
    return out


@njit(cache=True)
def recruit_draws(gens, expected, n_ppos, origin_cdf):  # pragma: no cover  (compiled)
    """Every run's recruits of the month: how many, and the draws of each.

    As ``census.recruit_draws`` after ``rng.poisson(expected)``, run by run from each
    run's generator, number for number: the count (``poisson``, drawn only when
    ``expected[r] > 0``), each recruit's organization (``integers(n_ppos[r])``), origin
    (one uniform number each, placed in ``origin_cdf`` as ``census.choose`` does) and two
    uniform numbers each (passivity for all, then misconduct for all).

    Returns:
        Recruits per run, then for all of them in run order: organization (numbered in
        his run), origin, and the two uniform numbers (2 x recruits).
    """
    counts = np.zeros(len(gens), dtype=np.int64)
    for r in range(len(gens)):
        if expected[r] > 0:
            counts[r] = gens[r].poisson(expected[r])
    total = counts.sum()
    ppo = np.empty(total, dtype=np.int64)
    origin = np.empty(total, dtype=np.int64)
    u = np.empty((2, total))
    at = 0
    for r in range(len(gens)):
        n = counts[r]
        if n == 0:
            continue
        gen = gens[r]
        for i in range(at, at + n):
            ppo[i] = gen.integers(0, n_ppos[r])
        for i in range(at, at + n):
            origin[i] = np.searchsorted(origin_cdf, gen.random(), side="right")
        for row in range(2):
            for i in range(at, at + n):
                u[row, i] = gen.random()
        at += n
    return counts, ppo, origin, u
