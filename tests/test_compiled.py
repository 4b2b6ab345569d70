"""Stages compiled with the rules (model.compiled) against the numpy they replace (issue 13).

A compiled stage must call the rules of :mod:`model.rules` themselves, give what the
rules give in Python, draw from each run's generator what the numpy stage drew, in the
same order, and be compiled again when a rule is edited (numba's own cache would keep
the old rule).
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import compiled, kernels, rules
from model.census import NONE

IN_PARTY_MAX = 1
N_GROUNDS = len(rules.GROUNDS)
OUTCOME_WEIGHTS = (0.2, 0.5, 0.3, 0.1, 0.4, 0.15, 0.3)


def _generators(seed: int, n_runs: int) -> list[np.random.Generator]:
    """Each run's own generator (two calls give two sets in the same state)."""
    return [np.random.default_rng([seed, r]) for r in range(n_runs)]


def _fresh(seed: int, n_runs: int):
    """:func:`_generators` as the kernels take them (a numba typed list)."""
    return numba.typed.List(_generators(seed, n_runs))


def _draws(gens, rows, run_of_row) -> np.ndarray:
    """One number for each of ``rows`` from his run's generator, in order (as ArrayBatch.uniform)."""
    u = np.empty(len(rows))
    for r in range(len(gens)):
        mine = run_of_row[rows] == r
        u[mine] = gens[r].random(int(mine.sum()))
    return u


def _each(value, rows, run_of_row):
    """A per-run value for each of ``rows`` (as ArrayBatch.each)."""
    return value[run_of_row[rows]]


@numba.njit
def _verdict_and_outcomes(u, args, reason_u, grounds, weights, baseline, severity, official,
                          leniency):  # pragma: no cover  (compiled)
    case = rules.screening_verdict(u, *args)
    reason = rules.case_reason(reason_u, grounds, weights, baseline)
    return (case, reason, rules.screening_expels(severity, official, leniency, OUTCOME_WEIGHTS),
            rules.screening_removes(severity, official, leniency, OUTCOME_WEIGHTS))


_unit = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(_unit, st.tuples(st.floats(0.0, 3.0), _unit, st.floats(0.0, 5.0), _unit,
                        st.floats(1.0, 4.0), _unit, _unit),
       _unit, st.lists(st.booleans(), min_size=N_GROUNDS, max_size=N_GROUNDS),
       st.lists(st.floats(0.0, 3.0), min_size=N_GROUNDS, max_size=N_GROUNDS),
       st.floats(0.01, 2.0), _unit, st.booleans(), _unit)
def test_compiled_rules_give_what_the_rules_give(u, args, reason_u, grounds, weights, baseline,
                                                 severity, official, leniency):
    got = _verdict_and_outcomes(u, args, reason_u, np.array(grounds, dtype=float),
                                np.array(weights), baseline, severity, official, leniency)
    expected = (rules.screening_verdict(u, *args),
                rules.case_reason(reason_u, [float(g) for g in grounds], weights, baseline),
                rules.screening_expels(severity, official, leniency, OUTCOME_WEIGHTS),
                rules.screening_removes(severity, official, leniency, OUTCOME_WEIGHTS))
    assert tuple(bool(c) for c in got[0]) == tuple(bool(c) for c in expected[0])
    assert got[1:] == expected[1:]  # the same numbers (math's exp, as the rules in Python)


def _numpy_review(gens, rows, run_of_row, grounds, passivity, office, patron, state,
                  patron_fell, ppo, ppo_region, formalism, machine, defence, intensity, zeal,
                  weights, baseline, norm, independence, strength, skill, deflection,
                  vigilance, blindness, leniency, severity, outcome_weights):
    """The screening's review as the array engine did it in numpy before it was compiled."""
    def each(value, at):
        return _each(value, at, run_of_row)

    def uniform(at):
        return _draws(gens, at, run_of_row)
    region = ppo_region[ppo[rows]]
    relative_risk = ((each(baseline, rows) + rules.grounds_hazard(
        list(grounds), [each(weights[:, k], rows) for k in range(N_GROUNDS)])) / each(norm, rows))
    client = patron[rows] != NONE
    p = np.where(client, patron[rows], 0)
    in_office = client & (state[p] <= IN_PARTY_MAX) & (office[p] != 0) & ~patron_fell[p]
    official = office[rows] != 0
    protection = rules.case_protection(client, in_office, machine[region], official,
                                       defence[office[rows]], each(independence, rows),
                                       each(strength, rows), each(skill, rows))
    deflect = rules.deflect_onto_passives(passivity[rows], client, official,
                                          each(deflection, rows), each(vigilance, rows),
                                          each(independence, rows))
    case, deflected, shielded = rules.screening_verdict(
        uniform(rows), each(intensity, rows), each(zeal, rows), relative_risk, protection,
        deflect, formalism[region], each(blindness, rows))
    cases = rows[case]
    reason = rules.case_reason(uniform(cases), [g[case] for g in grounds],
                               [each(weights[:, k], cases) for k in range(N_GROUNDS)],
                               each(baseline, cases))
    expel = uniform(cases) < rules.screening_expels(severity[reason], official[case],
                                                    each(leniency, cases), outcome_weights)
    removed = ~expel & official[case] & (uniform(cases) < rules.screening_removes(
        severity[reason], official[case], each(leniency, cases), outcome_weights))
    return case, deflected, shielded, reason, expel, removed


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 60), st.integers(0, 2**32 - 1))
def test_screening_review_draws_and_decides_as_the_numpy_stage(n_runs, n, seed):
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    rows = np.flatnonzero(rng.random(n) < 0.8)
    n_ppos, n_regions = 6, 3
    members = dict(
        passivity=rng.random(n) < 0.3, office=(rng.integers(0, 5, n) * (rng.random(n) < 0.3)
                                               ).astype(np.int8),
        patron=np.where(rng.random(n) < 0.5, rng.integers(0, max(n, 1), n), NONE).astype(np.int32),
        state=rng.integers(0, 4, n).astype(np.int8), patron_fell=rng.random(n) < 0.2,
        ppo=rng.integers(0, n_ppos, n).astype(np.int32))
    grounds = (rng.random((N_GROUNDS, len(rows))) < 0.3).astype(float)
    inputs = (rows.astype(np.int64), run_of_row, grounds, *members.values(),
              rng.integers(0, n_regions, n_ppos), rng.random(n_regions),
              rng.uniform(0.5, 2, n_regions), np.array([0.0, 0.2, 0.4, 0.7, 0.9]))

    def by_run(lo, hi):
        return rng.uniform(lo, hi, n_runs)
    per_run = (by_run(0.5, 3),  # intensity
               by_run(0, 1),  # zeal
               rng.uniform(0, 2, (n_runs, N_GROUNDS)),  # weights
               by_run(0.01, 1), by_run(0.5, 2),  # baseline risk, norm
               by_run(0, 1), by_run(0, 1), by_run(0, 1),  # independence, protection, skill
               by_run(0, 3), by_run(0, 2),  # deflection, vigilance
               by_run(0, 1), by_run(0, 1))  # formalism's blindness, leniency
    severity = rng.random(len(rules.REASONS))

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    got = compiled.screening_review(numba.typed.List(mine), *inputs, IN_PARTY_MAX, *per_run,
                                    severity, OUTCOME_WEIGHTS)
    case, deflected, shielded, reason, expel, removed = _numpy_review(
        theirs, *inputs, *per_run, severity, OUTCOME_WEIGHTS)
    assert np.array_equal(got[0], case) and np.array_equal(got[1], deflected)
    assert np.array_equal(got[2], shielded)
    assert np.array_equal(got[3][case], reason) and (got[3][~case] == -1).all()
    assert np.array_equal(got[4][case], expel) and np.array_equal(got[5][case], removed)
    assert not got[4][~case].any() and not got[5][~case].any()
    # each run has drawn as many numbers as the numpy stage: the next ones are the same
    assert [g.random() for g in mine] == [g.random() for g in theirs]


def test_a_kernel_calling_the_rules_is_compiled_again_when_a_rule_changes(tmp_path, monkeypatch):
    locator = compiled.screening_review._cache._impl.locator
    assert locator.get_source_stamp()[1] == compiled.sources_stamp()
    copies = []
    for path in compiled.SOURCES:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(compiled, "SOURCES", tuple(copies))
    before = locator.get_source_stamp()
    rules_copy = copies[0]
    rules_copy.write_text(rules_copy.read_text().replace("return total", "return 2 * total", 1))
    assert locator.get_source_stamp() != before  # the cached kernel is stale: compiled anew


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 80), st.integers(0, 2**32 - 1))
def test_meeting_denunciations_draw_as_the_numpy_thinning(n_runs, n, seed):
    """Candidates of each channel at its bound, then each kept with his chance over it."""
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    idx = np.flatnonzero(rng.random(n) < 0.8).astype(np.int64)
    n_ppos, n_districts = 6, 3

    def flags(share):
        return rng.random(n) < share
    members = (flags(0.1), flags(0.1), flags(0.1), flags(0.1), flags(0.1), flags(0.3),
               (rng.integers(0, 5, n) * flags(0.3)).astype(np.int8),
               np.where(flags(0.4), 0, NONE).astype(np.int32), flags(0.2),
               rng.integers(0, n_ppos, n).astype(np.int32), rng.random(n_ppos),
               rng.random(n_districts), rng.integers(0, n_districts, n_ppos), 3)
    per_run = tuple(rng.uniform(0, 2, n_runs) for _ in range(8))
    visibility = (0.5, 0.3, 0.2, 0.4, 0.1)
    args = (*members, *per_run, visibility)
    edges = np.append(np.searchsorted(run_of_row[idx], np.arange(n_runs)), len(idx))
    (alien_past, alien_declared, misconduct, indiscipline, opposition, passivity, office, patron,
     critic, ppo, per_ppo, per_district, ppo_district, district_level) = members

    def chances(at):  # the meeting's rule as the numpy stage read it (ArrayBatch._meetings)
        def of_run(value):
            return _each(value, at, run_of_row)
        against = np.where(office[at] >= district_level, per_district[ppo_district[ppo[at]]],
                           per_ppo[ppo[at]])
        visible = rules.visible_grounds(alien_past[at] | alien_declared[at], misconduct[at],
                                        indiscipline[at], opposition[at], passivity[at],
                                        visibility)
        lateral, vigilance, unfounded, below, criticism, above, call, retaliation = per_run
        return np.array(rules.denounce(of_run(lateral), of_run(vigilance), visible,
                                       of_run(unfounded), of_run(below), of_run(criticism),
                                       against, office[at] != 0, of_run(above), of_run(call),
                                       passivity[at], patron[at] != NONE, critic[at],
                                       of_run(retaliation)))
    runs = np.repeat(np.arange(n_runs), np.diff(edges))
    every = chances(idx).reshape(3, len(idx))
    bounds = np.array([[every[c, runs == r].max(initial=0.0) * rng.uniform(1, 3)
                        for r in range(n_runs)] for c in range(3)])

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    hits, counts, exceeded = compiled.meeting_denunciations(numba.typed.List(mine), idx, edges,
                                                            bounds, False, *args)
    drawn = [kernels.candidates(numba.typed.List(theirs), edges, bounds[c])  # as occur did,
             for c in range(3)]  # every channel's candidates first, then each one's keeps
    for c in range(3):
        at = drawn[c]
        u = _draws(theirs, at, runs)
        kept = idx[at[u * bounds[c, runs[at]] < chances(idx[at]).reshape(3, len(at))[c]]]
        assert np.array_equal(hits[c, :counts[c]], kept)
    assert not exceeded
    assert [g.random() for g in mine] == [g.random() for g in theirs]
    assert not compiled.meeting_denunciations(_fresh(seed, n_runs), idx,
                                              edges, bounds, True, *args)[-1]
    if len(idx) and bounds.max() > 0:  # every member within the bounds, and not ten times lower
        assert compiled.meeting_denunciations(_fresh(seed, n_runs), idx,
                                              edges, bounds / 10, True, *args)[-1]


def _numpy_investigation(gens, target, channel, run_of_row, alien_past, alien_declared,
                         misconduct, indiscipline, opposition, passivity, office, patron, state,
                         patron_fell, ppo, ppo_region, machine, defence, check, pending_share,
                         poor_leadership, independence, strength, skill, true_support,
                         false_support, leniency, fused, fused_share, severity, weights):
    """The investigation of denunciations as the array engine did it in numpy before."""
    def each(value, at):
        return _each(value, at, run_of_row)

    def uniform(at):
        return _draws(gens, at, run_of_row)
    n = len(target)
    result = {"checked": np.zeros(n, bool), "pending": np.zeros(n, bool),
              "supported": np.zeros(n, bool), "shielded": np.zeros(n, bool),
              "disregarded": np.zeros(n, bool), "reason": np.full(n, -1),
              "outcome": np.full(n, -1), "police": np.zeros(n, bool)}
    at = np.arange(n)
    checked = uniform(target) < each(check, target)
    result["checked"][at[checked]] = True
    at = at[checked]
    pending = uniform(target[at]) < each(pending_share, target[at])
    result["pending"][at[pending]] = True
    at = at[~pending]
    t = target[at]
    visible = rules.visible_reason(uniform(t), alien_past[t] | alien_declared[t], misconduct[t],
                                   indiscipline[t], opposition[t], passivity[t])
    reason, grounded = rules.accusation(channel, passivity[t], misconduct[t], visible,
                                        each(poor_leadership, t))
    result["reason"][at] = reason
    client = patron[t] != NONE
    p = np.where(client, patron[t], 0)
    in_office = client & (state[p] <= IN_PARTY_MAX) & (office[p] != 0) & ~patron_fell[p]
    protection = rules.case_protection(client, in_office, machine[ppo_region[ppo[t]]],
                                       office[t] != 0, defence[office[t]], each(independence, t),
                                       each(strength, t), each(skill, t))
    supported = uniform(t) < rules.investigate(grounded, protection, each(true_support, t),
                                               each(false_support, t))
    result["supported"][at[supported]] = True
    result["shielded"][at[~supported & (protection < 1.0)]] = True
    at, reason = at[supported], reason[supported]
    disregarded = rules.disregard_declared_origin(reason, alien_past[target[at]]) == 1
    result["disregarded"][at[disregarded]] = True
    at, reason = at[~disregarded], reason[~disregarded]
    t = target[at]
    probs = rules.choose_outcome(severity[reason], office[t] != 0, each(leniency, t), weights)
    outcome = rules.pick(uniform(t), probs)
    result["outcome"][at] = outcome
    result["police"][at] = uniform(t) < rules.handed_to_police(each(fused, t), channel, outcome,
                                                               each(fused_share, t))
    return tuple(result.values())


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 60), st.integers(0, 2**32 - 1),
       st.sampled_from(["lateral", "from_below", "from_above"]))
def test_investigate_denunciations_draws_and_decides_as_the_numpy_stage(n_runs, n, seed, channel):
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    target = np.flatnonzero(rng.random(n) < 0.7).astype(np.int64)
    n_ppos, n_regions = 6, 3

    def flags(share):
        return rng.random(n) < share
    members = (flags(0.3), flags(0.2), flags(0.3), flags(0.2), flags(0.2), flags(0.4),
               (rng.integers(0, 5, n) * flags(0.4)).astype(np.int8),
               np.where(flags(0.5), rng.integers(0, max(n, 1), n), NONE).astype(np.int32),
               rng.integers(0, 4, n).astype(np.int8), flags(0.2),
               rng.integers(0, n_ppos, n).astype(np.int32), rng.integers(0, n_regions, n_ppos),
               rng.uniform(0.5, 2, n_regions), np.array([0.0, 0.2, 0.4, 0.7, 0.9]))
    per_run = tuple(rng.uniform(0, 1, n_runs) for _ in range(11))
    severity = rng.random(len(rules.REASONS))

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    got = compiled.investigate_denunciations(numba.typed.List(mine), target, channel, run_of_row,
                                             *members[:-1], members[-1], IN_PARTY_MAX, *per_run,
                                             severity, OUTCOME_WEIGHTS)
    expected = _numpy_investigation(theirs, target, channel, run_of_row, *members, *per_run,
                                    severity, OUTCOME_WEIGHTS)
    for name, a, b in zip(("checked", "pending", "supported", "shielded", "disregarded",
                           "reason", "outcome", "police"), got, expected, strict=True):
        assert np.array_equal(a, b), name
    assert [g.random() for g in mine] == [g.random() for g in theirs]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 80), st.integers(0, 2**32 - 1), st.integers(0, 12))
def test_police_arrests_draw_as_the_numpy_thinning(n_runs, n, seed, month):
    """Candidates at each run's bound, each kept with his chance of arrest over it."""
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    idx = np.flatnonzero(rng.random(n) < 0.8).astype(np.int64)
    n_ppos = 6

    def flags(share):
        return rng.random(n) < share
    members = ((rng.integers(0, 5, n) * flags(0.4)).astype(np.int8), flags(0.2), flags(0.2),
               flags(0.2), np.where(flags(0.5), rng.integers(0, max(n, 1), n), NONE
                                    ).astype(np.int32),
               rng.integers(0, 4, n).astype(np.int8), rng.integers(0, n_ppos, n).astype(np.int32),
               rng.integers(-1, 12, n_ppos), month, IN_PARTY_MAX,
               np.array([0.2, 0.5, 1.0, 1.5, 2.0]), 2)
    per_run = tuple(rng.uniform(0, 1, n_runs) * scale for scale in (0.05, 3, 3, 1, 1, 2, 2,
                                                                       0.02, 0.02, 0.02))
    edges = np.append(np.searchsorted(run_of_row[idx], np.arange(n_runs)), len(idx))
    office, opposition, alien_past, patron_fell, patron, state, ppo, arrest_month = members[:8]
    (rate, cascade, chain, shield_share, fused, w_opposition, w_alien, h_opposition, h_alien,
     h_economic) = per_run

    def chance(at):  # the arrest rule as the numpy stage read it (ArrayBatch.police)
        runs = run_of_row[at]
        p = np.where(patron[at] != NONE, patron[at], 0)
        protected = ((patron[at] != NONE) & (state[p] <= IN_PARTY_MAX) & (office[p] != 0)
                     & ~patron_fell[p])
        first = arrest_month[ppo[at]]
        shield = rules.nkvd_local_shield(shield_share[runs], protected, fused[runs])
        targeted = rules.targeted_arrests((h_opposition[runs], h_alien[runs], h_economic[runs]),
                                          opposition[at], alien_past[at], office[at] == 2)
        return rules.arrest_hazard(rate[runs], members[10][office[at]], opposition[at],
                                   alien_past[at], patron_fell[at], cascade[runs],
                                   (first >= 0) & (first < month), chain[runs], targeted, shield,
                                   w_opposition[runs], w_alien[runs])
    runs = np.repeat(np.arange(n_runs), np.diff(edges))
    bound = np.array([chance(idx[runs == r]).max(initial=0.0) * rng.uniform(1, 3)
                      for r in range(n_runs)])

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    got, exceeded = compiled.police_arrests(numba.typed.List(mine), idx, edges, bound, False,
                                            *members, *per_run)
    expected = _numpy_thinning(theirs, idx, edges, bound, chance)
    assert np.array_equal(got, expected) and not exceeded
    assert [g.random() for g in mine] == [g.random() for g in theirs]
    assert not compiled.police_arrests(_fresh(seed, n_runs), idx, edges, bound, True,
                                       *members, *per_run)[1]  # every member within the bound
    if len(idx) and bound.max() > 0:
        assert compiled.police_arrests(_fresh(seed, n_runs), idx, edges, bound / 10, True,
                                       *members, *per_run)[1]  # and one is not, ten times lower


def _numpy_thinning(gens, idx, edges, bound, chance):
    """Those kept as ArrayBatch.occur keeps them: candidates at the bound, then one number each."""
    runs = np.repeat(np.arange(len(edges) - 1), np.diff(edges))
    at = kernels.candidates(numba.typed.List(gens), edges, bound)
    return idx[at][_draws(gens, at, runs) * bound[runs[at]] < chance(idx[at])]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 80), st.integers(0, 2**32 - 1))
def test_drift_and_withdrawal_draw_as_the_numpy_thinning(n_runs, n, seed):
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    idx = np.flatnonzero(rng.random(n) < 0.8).astype(np.int64)
    edges = np.append(np.searchsorted(run_of_row[idx], np.arange(n_runs)), len(idx))
    passivity, joined = rng.random(n) < 0.3, rng.integers(1905, 1934, n).astype(np.int16)
    rate, chaos, w_passive, w_recent, withdrawal = (rng.uniform(0, 0.05, n_runs),
                                                    rng.uniform(0, 1, n_runs),
                                                    rng.uniform(0, 3, n_runs),
                                                    rng.uniform(0, 3, n_runs),
                                                    rng.uniform(0, 0.02, n_runs))

    def drift_of(at):
        runs = run_of_row[at]
        return rules.disappear_from_rolls(rate[runs], passivity[at], joined[at] >= 1929,
                                          chaos[runs], w_passive[runs], w_recent[runs])

    def leave(at):
        return rules.leave_rolls(drift_of(at), withdrawal[run_of_row[at]])
    runs = np.repeat(np.arange(n_runs), np.diff(edges))
    bound = np.array([leave(idx[runs == r]).max(initial=0.0) * rng.uniform(1, 3)
                      for r in range(n_runs)])

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    args = (passivity, joined, 1929, rate, chaos, w_passive, w_recent, withdrawal)
    left, drifted, exceeded = compiled.drift_and_withdrawal(numba.typed.List(mine), idx, edges,
                                                            bound, False, *args)
    expected = _numpy_thinning(theirs, idx, edges, bound, leave)
    which = _draws(theirs, expected, run_of_row) * leave(expected) < drift_of(expected)
    assert np.array_equal(left, expected) and np.array_equal(drifted, which) and not exceeded
    assert [g.random() for g in mine] == [g.random() for g in theirs]
    if len(idx) and bound.max() > 0:
        assert compiled.drift_and_withdrawal(_fresh(seed, n_runs), idx, edges, bound / 10,
                                             True, *args)[-1]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 80), st.integers(0, 2**32 - 1))
def test_appeals_and_reinstatements_draw_as_the_numpy_thinning(n_runs, n, seed):
    rng = np.random.default_rng(seed)
    run_of_row = np.sort(rng.integers(0, n_runs, n))
    idx = np.flatnonzero(rng.random(n) < 0.8).astype(np.int64)
    edges = np.append(np.searchsorted(run_of_row[idx], np.arange(n_runs)), len(idx))
    appeals = rng.integers(0, 4, n).astype(np.int8)
    reason = rng.integers(0, len(rules.REASONS), n).astype(np.int8)
    origin = rng.integers(0, 4, n).astype(np.int8)
    severity = rng.random(len(rules.REASONS))
    rate, restraint, boost, most, base = (rng.uniform(0, 0.3, n_runs), rng.uniform(0, 1, n_runs),
                                          rng.uniform(0, 3, n_runs),
                                          rng.integers(1, 4, n_runs).astype(float),
                                          rng.uniform(0, 0.5, n_runs))

    def appeal(at):
        runs = run_of_row[at]
        return rules.appeal_probability(rate[runs], restraint[runs], appeals[at], boost[runs],
                                        most[runs])
    runs = np.repeat(np.arange(n_runs), np.diff(edges))
    bound = np.array([appeal(idx[runs == r]).max(initial=0.0) * rng.uniform(1, 3)
                      for r in range(n_runs)])

    mine, theirs = _generators(seed, n_runs), _generators(seed, n_runs)
    args = (appeals, reason, origin, 1, severity, rate, restraint, boost, most, base)
    appealed, back, exceeded = compiled.appeals_and_reinstatements(
        numba.typed.List(mine), idx, edges, bound, False, *args)
    expected = _numpy_thinning(theirs, idx, edges, bound, appeal)
    at = run_of_row[expected]
    reinstated = _draws(theirs, expected, run_of_row) < rules.reinstate_on_appeal(
        severity[reason[expected]], origin[expected] == 1, restraint[at], base[at])
    assert np.array_equal(appealed, expected) and np.array_equal(back, reinstated)
    assert not exceeded
    assert [g.random() for g in mine] == [g.random() for g in theirs]
    if len(idx) and bound.max() > 0:
        assert compiled.appeals_and_reinstatements(_fresh(seed, n_runs), idx, edges,
                                                   bound / 10, True, *args)[-1]


def test_every_kernel_calling_the_rules_can_be_compiled_with_rules_replaced():
    """A kernel left out of compiled.KERNELS would keep the real rules in a negative control."""
    stamped = {name for name, value in vars(compiled).items()
               if isinstance(getattr(value, "_cache", None), compiled._RulesCache)}
    assert stamped == set(compiled.KERNELS)
    with pytest.raises(ValueError, match="no rule"):
        compiled.with_rules_replaced(no_such_rule=lambda x: x)
