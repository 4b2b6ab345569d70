"""Whole stages of the array engine as compiled passes that call the rules themselves (issue 13).

The rules of behaviour are written once, in :mod:`model.rules`, as plain functions of
numbers or arrays. This module lets numba compile them unchanged inside a stage's loop
over its members, so that a stage's draws, rules and bookkeeping take one pass instead of
some fifty numpy calls:

* the rules' five elementwise helpers (``_exp``, ``_minimum``, ``_maximum``, ``_floor``,
  ``_hazard_to_probability``) get numba overloads with the C library's functions (as
  the reference engine, which calls ``math``, computes them);
* every other function of :mod:`model.rules` is made callable from compiled code
  (``numba.extending.register_jitable``: the same function, compiled where it is called);
* a kernel that calls them (:func:`with_rules`) is cached on disk with a stamp of the
  source of :mod:`model.rules` and :mod:`model.kernels` as well as its own: numba's
  cache alone looks at the kernel's own file only, so an edited rule would otherwise run
  in its old, cached form.

Each kernel draws as the numpy code it replaced did, number for number: each run from its
own generator (``gens``, :meth:`model.arrays.ArrayBatch.gens`), in the order of its
members, one call after another as the stage made them; so a seeded run gives the same
outputs (``scripts/fingerprint.py``). Compiled, ``exp`` is the C library's, which differs
from numpy's vectorized ``exp`` in the last bit for about 5 % of arguments; a stage that
only compares a rule's probability with a uniform number practically never sees it (the
fingerprints did not move).
"""

from __future__ import annotations

import hashlib
import inspect
import math
import types
from pathlib import Path

import numba
import numpy as np
from numba.core import caching
from numba.extending import overload, register_jitable

from model import kernels, rules
from model.census import NONE

# ---------------------------------------------------------------------- the rules, compiled


@overload(rules._exp)
def _exp(x):  # noqa: ARG001 - numba's overload signature
    return lambda x: math.exp(x)


@overload(rules._minimum)
def _minimum(a, b):  # noqa: ARG001
    return lambda a, b: min(a, b)


@overload(rules._maximum)
def _maximum(a, b):  # noqa: ARG001
    return lambda a, b: max(a, b)


@overload(rules._floor)
def _floor(x):  # noqa: ARG001
    return lambda x: math.floor(x)


@overload(rules._hazard_to_probability)
def _hazard_to_probability(hazard):  # noqa: ARG001
    return lambda hazard: 1.0 - math.exp(-max(hazard, 0.0))


HELPERS = frozenset({"_exp", "_minimum", "_maximum", "_floor", "_hazard_to_probability"})
for _name, _rule in inspect.getmembers(rules, inspect.isfunction):
    if _rule.__module__ == rules.__name__ and _name not in HELPERS:
        register_jitable(_rule)


# ---------------------------------------------------------------------- a cache that knows the rules
SOURCES = (Path(rules.__file__), Path(kernels.__file__), Path(__file__))


def sources_stamp() -> str:
    """A hash of the source of the rules, the kernels and this module."""
    digest = hashlib.sha256()
    for path in SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamped(locator: type) -> type:
    """``locator`` whose source stamp includes :func:`sources_stamp`."""
    def get_source_stamp(self):
        return (locator.get_source_stamp(self), sources_stamp())
    return type(f"Rules{locator.__name__}", (locator,), {"get_source_stamp": get_source_stamp})


class _RulesCacheImpl(caching.CompileResultCacheImpl):
    _locator_classes = [_stamped(c) for c in caching.CompileResultCacheImpl._locator_classes]


class _RulesCache(caching.FunctionCache):
    _impl_class = _RulesCacheImpl


def with_rules(func=None, **options):
    """``numba.njit`` for a kernel calling :mod:`model.rules`, cached with their source's stamp.

    ``options`` are numba's. A helper called per member should take numbers only: a
    compiled function taking arrays costs ~0.2 us a call in reference counting.
    """
    if func is None:
        return lambda f: with_rules(f, **options)
    kernel = numba.njit(func, **options)
    kernel._cache = _RulesCache(kernel.py_func)  # as Dispatcher.enable_caching, stamped
    return kernel


# ---------------------------------------------------------------------- stages
@with_rules
def screening_review(gens, rows, run_of_row, grounds, passivity, office, patron, state,
                     patron_fell, ppo, ppo_region, formalism, machine, defence_by_office,
                     in_party_max, intensity, zeal, weights, baseline_risk, norm, independence,
                     protection_strength, skill_protection, deflection, vigilance,
                     formalism_blindness, leniency, severity, outcome_weights
                     ):  # pragma: no cover  (compiled)
    """The review of the members ``rows`` present at a screening: cases and their outcomes.

    As :meth:`model.arrays.ArrayBatch.run_screening` did it in numpy, draw for draw: each
    run's members (``rows`` ascending, each run's a stretch) draw, from the run's
    generator, one number each for :func:`rules.screening_verdict`, then each case one for
    :func:`rules.case_reason`, one for :func:`rules.screening_expels` and one for
    :func:`rules.screening_removes`. ``grounds``: the members' ground indicators
    (:func:`model.arrays.ground_values`, grounds by rows); ``formalism``, ``machine``: by
    region; per-run values (``intensity`` ... ``leniency``, ``weights`` by run and
    ground) are arrays by run; ``severity`` by reason; ``outcome_weights`` a tuple.

    Returns:
        Per member: case opened, deflected, shielded, the case's reason (-1: no case),
        expelled, removed from his post.
    """
    n = len(rows)
    case = np.zeros(n, dtype=np.bool_)
    deflected = np.zeros(n, dtype=np.bool_)
    shielded = np.zeros(n, dtype=np.bool_)
    reason = np.full(n, -1, dtype=np.int64)
    expel = np.zeros(n, dtype=np.bool_)
    removed = np.zeros(n, dtype=np.bool_)
    g = np.empty(grounds.shape[0])
    i = 0
    while i < n:
        r = run_of_row[rows[i]]
        j = i + 1
        while j < n and run_of_row[rows[j]] == r:
            j += 1
        gen = gens[r]
        for e in range(i, j):
            row = rows[e]
            for k in range(len(g)):
                g[k] = grounds[k, e]
            relative_risk = ((baseline_risk[r] + rules.grounds_hazard(g, weights[r])) / norm[r])
            official = office[row] != 0
            region = ppo_region[ppo[row]]
            p = patron[row]
            client = p != NONE
            in_office = (client and state[p] <= in_party_max and office[p] != 0
                         and not patron_fell[p])
            protection = rules.case_protection(client, in_office, machine[region], official,
                                               defence_by_office[office[row]], independence[r],
                                               protection_strength[r], skill_protection[r])
            deflect = rules.deflect_onto_passives(passivity[row], client, official, deflection[r],
                                                  vigilance[r], independence[r])
            case[e], deflected[e], shielded[e] = rules.screening_verdict(
                gen.random(), intensity[r], zeal[r], relative_risk, protection, deflect,
                formalism[region], formalism_blindness[r])
        for e in range(i, j):
            if case[e]:
                for k in range(len(g)):
                    g[k] = grounds[k, e]
                reason[e] = rules.case_reason(gen.random(), g, weights[r], baseline_risk[r])
        for e in range(i, j):
            if case[e]:
                expel[e] = gen.random() < rules.screening_expels(
                    severity[reason[e]], office[rows[e]] != 0, leniency[r], outcome_weights)
        for e in range(i, j):
            if case[e]:
                official = office[rows[e]] != 0
                u = gen.random()
                removed[e] = (not expel[e]) and official and u < rules.screening_removes(
                    severity[reason[e]], official, leniency[r], outcome_weights)
        i = j
    return case, deflected, shielded, reason, expel, removed


@with_rules
def _member_chances(alien, misconduct, indiscipline, opposition, passive, official, client,
                    critic, against, lateral_rate, vigilance, unfounded, from_below_rate,
                    criticism, from_above_rate, vigilance_call, retaliation, visibility_weights
                    ):  # pragma: no cover  (compiled)
    """A member's chances of being denounced by each channel (:func:`rules.denounce`).

    Of his visible grounds (:func:`rules.visible_grounds`); numbers only (a compiled
    function taking arrays costs more to call than the rules cost to run).
    """
    visible = rules.visible_grounds(alien, misconduct, indiscipline, opposition, passive,
                                    visibility_weights)
    return rules.denounce(lateral_rate, vigilance, visible, unfounded, from_below_rate,
                          criticism, against, official, from_above_rate, vigilance_call,
                          passive, client, critic, retaliation)


@with_rules
def meeting_denunciations(gens, idx, edges, bounds, check_every_member, alien_past,
                          alien_declared, misconduct,
                          indiscipline, opposition, passivity, office, patron, critic, ppo,
                          per_ppo, per_district, ppo_district, district_level, lateral_rate,
                          vigilance, unfounded, from_below_rate, criticism, from_above_rate,
                          vigilance_call, retaliation, visibility_weights
                          ):  # pragma: no cover  (compiled)
    """Who is denounced at a meeting, by each channel (lateral, from below, from above).

    By thinning, as :meth:`model.arrays.ArrayBatch.occur` draws one event, and as the
    meeting drew its three in numpy before, draw for draw: each run's members present
    (``idx`` ascending, run ``r``'s at positions ``edges[r]`` to ``edges[r + 1]``) are
    drawn as candidates of each channel in turn at the run's bound (``bounds``, by
    channel and run; :func:`model.kernels.run_candidates`), then each channel's
    candidates are kept, in turn, each with one number: with his chance
    (:func:`_member_chances`) over the bound. The grievance against a member is his
    district's (``per_district``) from the district secretaries up (``district_level``),
    else his organization's (``per_ppo``). Per-run values (``lateral_rate`` ...
    ``retaliation``) are arrays by run; ``visibility_weights`` a tuple.
    ``check_every_member``: work out every member's chances only, drawing nothing (the
    thinning test checks the bounds with it).

    Returns:
        The rows denounced by each channel (channel by position, ``counts`` of each),
        and whether a chance exceeded its bound (a bound computed wrongly).
    """
    n = len(idx)
    hits = np.empty((3, n), dtype=np.int64)
    counts = np.zeros(3, dtype=np.int64)
    drawn = np.empty((3, n), dtype=np.int64)
    ends = np.zeros(3, dtype=np.int64)
    exceeded = False
    for r in range(len(edges) - 1):
        gen = gens[r]
        for c in range(3):
            ends[c] = kernels.run_positions(gen, edges[r], edges[r + 1], bounds[c, r], drawn[c],
                                            check_every_member)
        for c in range(3):
            bound = bounds[c, r]
            for q in range(ends[c]):
                row = idx[drawn[c, q]]
                at = ppo[row]
                against = (per_district[ppo_district[at]] if office[row] >= district_level
                           else per_ppo[at])
                lateral, below, above = _member_chances(
                    alien_past[row] | alien_declared[row], misconduct[row], indiscipline[row],
                    opposition[row], passivity[row], office[row] != 0, patron[row] != NONE,
                    critic[row], against, lateral_rate[r], vigilance[r], unfounded[r],
                    from_below_rate[r], criticism[r], from_above_rate[r], vigilance_call[r],
                    retaliation[r], visibility_weights)
                chance = lateral if c == 0 else (below if c == 1 else above)
                if chance > bound * (1.0 + 1e-9):
                    exceeded = True
                if not check_every_member and gen.random() * bound < chance:
                    hits[c, counts[c]] = row
                    counts[c] += 1
    return hits, counts, exceeded


@with_rules
def investigate_denunciations(gens, target, channel, run_of_row, alien_past, alien_declared,
                              misconduct, indiscipline, opposition, passivity, office, patron,
                              state, patron_fell, ppo, ppo_region, machine, defence_by_office,
                              in_party_max, check_probability, pending_share,
                              poor_leadership_grounded, independence, protection_strength,
                              skill_protection, true_support, false_support, leniency, fused,
                              fused_arrest_share, severity, outcome_weights
                              ):  # pragma: no cover  (compiled)
    """The investigation of this month's denunciations by one channel, and their outcomes.

    As :meth:`model.arrays.ArrayBatch._denunciations` did it in numpy, draw for draw:
    each run's denounced (``target`` ascending, each run's a stretch) draw, from the run's
    generator, one number each for being checked; the checked, one for being left pending;
    the others one for what a peer's denunciation names (:func:`rules.visible_reason`),
    then one for the investigation (:func:`rules.accusation`, :func:`rules.investigate`
    with the case's protection, :func:`rules.case_protection`); those supported and not
    disregarded (:func:`rules.disregard_declared_origin`) one for the outcome
    (:func:`rules.choose_outcome`, :func:`rules.pick`) and one for being handed to the
    police (:func:`rules.handed_to_police`). ``machine``: by region; per-run values
    (``check_probability`` ... ``fused_arrest_share``) arrays by run; ``severity`` by
    reason; ``outcome_weights`` a tuple.

    Returns:
        Per denounced member: checked, pending, supported, unsupported though protected
        (his protection below 1), disregarded, the accusation's reason, the outcome
        (position in :data:`rules.OUTCOMES`, -1: none) and handed to the police.
    """
    n = len(target)
    checked = np.zeros(n, dtype=np.bool_)
    pending = np.zeros(n, dtype=np.bool_)
    supported = np.zeros(n, dtype=np.bool_)
    shielded = np.zeros(n, dtype=np.bool_)
    disregarded = np.zeros(n, dtype=np.bool_)
    reason = np.full(n, -1, dtype=np.int64)
    outcome = np.full(n, -1, dtype=np.int64)
    police = np.zeros(n, dtype=np.bool_)
    grounded = np.zeros(n)
    i = 0
    while i < n:
        r = run_of_row[target[i]]
        j = i + 1
        while j < n and run_of_row[target[j]] == r:
            j += 1
        gen = gens[r]
        for e in range(i, j):
            checked[e] = gen.random() < check_probability[r]
        for e in range(i, j):
            if checked[e]:
                pending[e] = gen.random() < pending_share[r]
        for e in range(i, j):  # what each accusation names
            if checked[e] and not pending[e]:
                row = target[e]
                visible = rules.visible_reason(gen.random(), alien_past[row] | alien_declared[row],
                                               misconduct[row], indiscipline[row],
                                               opposition[row], passivity[row])
                reason[e], grounded[e] = rules.accusation(channel, passivity[row],
                                                          misconduct[row], visible,
                                                          poor_leadership_grounded[r])
        for e in range(i, j):  # the investigation, under the member's protection
            if checked[e] and not pending[e]:
                row = target[e]
                p = patron[row]
                client = p != NONE
                in_office = (client and state[p] <= in_party_max and office[p] != 0
                             and not patron_fell[p])
                protection = rules.case_protection(
                    client, in_office, machine[ppo_region[ppo[row]]], office[row] != 0,
                    defence_by_office[office[row]], independence[r], protection_strength[r],
                    skill_protection[r])
                supported[e] = gen.random() < rules.investigate(grounded[e], protection,
                                                                true_support[r], false_support[r])
                shielded[e] = not supported[e] and protection < 1.0
                disregarded[e] = supported[e] and rules.disregard_declared_origin(
                    reason[e], alien_past[row]) == 1
        for e in range(i, j):  # the outcome of each case upheld
            if supported[e] and not disregarded[e]:
                probs = rules.choose_outcome(severity[reason[e]], office[target[e]] != 0,
                                             leniency[r], outcome_weights)
                outcome[e] = rules.pick(gen.random(), probs)
        for e in range(i, j):
            if supported[e] and not disregarded[e]:
                police[e] = gen.random() < rules.handed_to_police(fused[r], channel, outcome[e],
                                                                  fused_arrest_share[r])
        i = j
    return checked, pending, supported, shielded, disregarded, reason, outcome, police


@with_rules
def _arrest_chance(exposure, economic_official, opposition, alien_past, patron_fell, implicated,
                   protected, arrest_rate, cascade, chain, local_nkvd_shield, fused,
                   weight_opposition, weight_alien_past, h_opposition, h_alien, h_economic
                   ):  # pragma: no cover  (compiled)
    """A member's chance of arrest this month (:func:`rules.arrest_hazard`).

    With the local NKVD's shield (:func:`rules.nkvd_local_shield`) and the targeted
    operations' hazard (:func:`rules.targeted_arrests`); numbers only (his and his run's).
    """
    shield = rules.nkvd_local_shield(local_nkvd_shield, protected, fused)
    targeted = rules.targeted_arrests((h_opposition, h_alien, h_economic), opposition,
                                      alien_past, economic_official)
    return rules.arrest_hazard(arrest_rate, exposure, opposition, alien_past, patron_fell,
                               cascade, implicated, chain, targeted, shield, weight_opposition,
                               weight_alien_past)


@with_rules
def police_arrests(gens, idx, edges, bound, check_every_member, office, opposition, alien_past,
                   patron_fell, patron, state, ppo, arrest_month, month, in_party_max,
                   exposure_by_office, official_level, arrest_rate, cascade, chain,
                   local_nkvd_shield, fused, weight_opposition, weight_alien_past,
                   h_opposition, h_alien, h_economic):  # pragma: no cover  (compiled)
    """The members arrested by the NKVD this month (thinning, one compiled pass).

    As :meth:`model.arrays.ArrayBatch.occur` drew them in numpy, draw for draw: each
    run's members in the party (``idx`` ascending, run ``r``'s at positions ``edges[r]`` to
    ``edges[r + 1]``) are drawn as candidates at the run's ``bound``
    (:func:`model.kernels.run_candidates`), then each kept with one number, with his chance
    (:func:`_arrest_chance`) over the bound. A member is implicated when his organization
    had an arrest before ``month`` (``arrest_month``, -1: none) and protected when his patron
    is in office, in the party and not exposed. ``check_every_member``: also work out every
    member's chance, drawing nothing more, to check the bounds (tests/test_thinning.py).

    Returns:
        The rows arrested, and whether a chance exceeded its bound (a bound computed wrongly).
    """
    hits = np.empty(len(idx), dtype=np.int64)
    drawn = np.empty(len(idx), dtype=np.int64)
    k = 0
    exceeded = False
    for r in range(len(edges) - 1):
        gen = gens[r]
        n_drawn = kernels.run_positions(gen, edges[r], edges[r + 1], bound[r], drawn,
                                        check_every_member)
        for q in range(n_drawn):
            row = idx[drawn[q]]
            first = arrest_month[ppo[row]]
            p = patron[row]
            protected = (p != NONE and state[p] <= in_party_max and office[p] != 0
                         and not patron_fell[p])
            chance = _arrest_chance(exposure_by_office[office[row]], office[row] == official_level,
                                    opposition[row], alien_past[row], patron_fell[row],
                                    0 <= first < month, protected, arrest_rate[r], cascade[r],
                                    chain[r], local_nkvd_shield[r], fused[r],
                                    weight_opposition[r], weight_alien_past[r], h_opposition[r],
                                    h_alien[r], h_economic[r])
            if chance > bound[r] * (1.0 + 1e-9):
                exceeded = True
            if not check_every_member and gen.random() * bound[r] < chance:
                hits[k] = row
                k += 1
    return hits[:k], exceeded


@with_rules
def drift_and_withdrawal(gens, idx, edges, bound, check_every_member, passivity, joined,
                         recent_from, drift_rate, records_chaos, weight_passive, weight_recent,
                         withdrawal_rate):  # pragma: no cover  (compiled)
    """Who leaves the rolls this month, and which way (thinning, one compiled pass).

    As :meth:`model.arrays.ArrayBatch.drift` drew it in numpy, draw for draw: each run's
    members in the party (``idx`` ascending, run ``r``'s at positions ``edges[r]`` to
    ``edges[r + 1]``) are drawn as candidates at the run's ``bound``, each kept with one
    number, with his chance of leaving (:func:`rules.leave_rolls` of
    :func:`rules.disappear_from_rolls`; recent: joined in ``recent_from`` or later) over
    the bound; then each who left draws one more: drifted (a dead soul) or withdrew.
    ``check_every_member``: work out every member's chance only, drawing nothing.

    Returns:
        The rows who left, whether each drifted, and whether a chance exceeded its bound.
    """
    left = np.empty(len(idx), dtype=np.int64)
    drifted = np.zeros(len(idx), dtype=np.bool_)
    drift_of = np.empty(len(idx))
    leave_of = np.empty(len(idx))
    drawn = np.empty(len(idx), dtype=np.int64)
    k = 0
    exceeded = False
    for r in range(len(edges) - 1):
        gen = gens[r]
        n_drawn = kernels.run_positions(gen, edges[r], edges[r + 1], bound[r], drawn,
                                        check_every_member)
        first = k
        for q in range(n_drawn):
            row = idx[drawn[q]]
            drift = rules.disappear_from_rolls(drift_rate[r], passivity[row],
                                               joined[row] >= recent_from, records_chaos[r],
                                               weight_passive[r], weight_recent[r])
            leave = rules.leave_rolls(drift, withdrawal_rate[r])
            if leave > bound[r] * (1.0 + 1e-9):
                exceeded = True
            if not check_every_member and gen.random() * bound[r] < leave:
                left[k], drift_of[k], leave_of[k] = row, drift, leave
                k += 1
        for j in range(first, k):  # which way
            drifted[j] = gen.random() * leave_of[j] < drift_of[j]
    return left[:k], drifted[:k], exceeded


@with_rules
def appeals_and_reinstatements(gens, idx, edges, bound, check_every_member, appeals,
                               expel_reason, origin, worker, severity, appeal_rate,
                               reinstatement, restraint_boost, max_appeals, reinstatement_base
                               ):  # pragma: no cover  (compiled)
    """Who appeals this month, and who is reinstated (thinning, one compiled pass).

    As :meth:`model.arrays.ArrayBatch.appeals` drew it in numpy, draw for draw: each run's
    expelled members (``idx`` ascending, run ``r``'s at positions ``edges[r]`` to
    ``edges[r + 1]``) are drawn as candidates at the run's ``bound``, each kept with one
    number, with his chance of appealing (:func:`rules.appeal_probability`) over the
    bound; then each who appealed draws one more, reinstated with
    :func:`rules.reinstate_on_appeal`. ``check_every_member``: work out every member's
    chance only, drawing nothing.

    Returns:
        The rows who appealed, whether each was reinstated, and whether a chance exceeded
        its bound.
    """
    appealed = np.empty(len(idx), dtype=np.int64)
    back = np.zeros(len(idx), dtype=np.bool_)
    drawn = np.empty(len(idx), dtype=np.int64)
    k = 0
    exceeded = False
    for r in range(len(edges) - 1):
        gen = gens[r]
        n_drawn = kernels.run_positions(gen, edges[r], edges[r + 1], bound[r], drawn,
                                        check_every_member)
        first = k
        for q in range(n_drawn):
            row = idx[drawn[q]]
            chance = rules.appeal_probability(appeal_rate[r], reinstatement[r], appeals[row],
                                              restraint_boost[r], max_appeals[r])
            if chance > bound[r] * (1.0 + 1e-9):
                exceeded = True
            if not check_every_member and gen.random() * bound[r] < chance:
                appealed[k] = row
                k += 1
        for j in range(first, k):  # the appeal examined
            row = appealed[j]
            back[j] = gen.random() < rules.reinstate_on_appeal(
                severity[expel_reason[row]], origin[row] == worker, reinstatement[r],
                reinstatement_base[r])
    return appealed[:k], back[:k], exceeded


@with_rules
def leaders_removed(u, rate, distrust):  # pragma: no cover  (compiled)
    """Whether the center removes each regional first secretary this month (one number each).

    ``u``: each secretary's uniform number (drawn from his run's generator in the order of
    its regions, as the regions' loop drew them); ``rate`` and ``distrust``: his run's
    removal hazard and his region's distrust: :func:`rules.remove_regional_leader`,
    compiled (``math.exp``, as the reference engine's scalar call computes it).
    """
    out = np.empty(len(u), dtype=np.bool_)
    for i in range(len(u)):
        out[i] = u[i] < rules.remove_regional_leader(rate[i], distrust[i])
    return out


# ---------------------------------------------------------------------- negative controls
KERNELS = ("_member_chances", "meeting_denunciations", "screening_review",
           "investigate_denunciations", "_arrest_chance", "police_arrests",
           "drift_and_withdrawal", "appeals_and_reinstatements",
           "leaders_removed")  # (those called by others first)


def with_rules_replaced(**replacements) -> dict:
    """Every kernel of this module compiled again with some rules replaced (not cached).

    For negative controls (tests/test_docking.py: a mechanism mutated in the array engine
    alone must break docking): ``replacements`` maps a rule's name to a function of the
    same arguments (compiled by numba), called instead of the rule wherever a kernel calls
    it, as replacing it in the ``rules`` the engine's numpy code reads does there. Returns
    the kernels by name, to put in place of this module's.
    """
    replaced = types.ModuleType("model.rules (replaced)")
    replaced.__dict__.update(vars(rules))
    for name, func in replacements.items():
        if not callable(getattr(rules, name, None)):
            raise ValueError(f"model.rules has no rule {name!r}")
        setattr(replaced, name, numba.njit(func))
    namespace = {**globals(), "rules": replaced}
    out = {}
    for name in KERNELS:
        original = globals()[name].py_func
        func = types.FunctionType(original.__code__, namespace, original.__name__,
                                  original.__defaults__, original.__closure__)
        out[name] = namespace[name] = numba.njit(func)
    return out
