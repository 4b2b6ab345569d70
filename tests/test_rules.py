"""Properties of the rule functions: ranges, monotonicity, and the scalar/array contract."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model import rules

unit = st.floats(0, 1)
nonneg = st.floats(0, 20)
flag = st.sampled_from([0, 1])
W = (0.25, 0.5, 0.15, 0.1, 0.25, 0.2, 0.3)  # the default outcome_weights


@given(unit, unit, unit, flag, unit)
def test_protection_lowers_a_clients_hazard(strength, skill, independence, skilled, skill_p):
    """All else equal, a client with a patron in office faces no more hazard than a non-client."""
    client = rules.protect_clients(1, 1, strength, skilled, skill_p, independence)
    other = rules.protect_clients(0, 0, strength, skilled, skill_p, independence)
    assert 0.0 <= client <= other <= 1.0


@given(unit, unit)
def test_a_fallen_patron_protects_nobody(strength, independence):
    """A client whose patron has fallen is as exposed as anyone (L1994)."""
    assert rules.protect_clients(1, 0, strength, 0, 0.0, independence) == 1.0


@given(st.floats(0.01, 1), nonneg, st.floats(0, 0.99))
def test_an_independent_commission_protects_less(strength, pressure, low):
    """Protection and deflection weaken as the screener gets independent (L664)."""
    high = min(1.0, low + 0.01)
    assert rules.protect_clients(1, 1, strength, 0, 0, high) >= rules.protect_clients(
        1, 1, strength, 0, 0, low)
    assert rules.deflect_onto_passives(1, 0, 0, 1.0, pressure, high) <= \
        rules.deflect_onto_passives(1, 0, 0, 1.0, pressure, low)


@given(nonneg, nonneg, unit)
def test_deflection_hits_only_defenceless_passives(deflection, pressure, independence):
    """Clients, officials and active members are not the ballast (L693)."""
    assert rules.deflect_onto_passives(1, 0, 0, deflection, pressure, independence) >= 1.0
    for passive, client, official in [(0, 0, 0), (1, 1, 0), (1, 0, 1)]:
        assert rules.deflect_onto_passives(passive, client, official, deflection, pressure,
                                           independence) == 1.0


@given(st.floats(0, 1), flag, unit)
def test_outcomes_are_a_distribution(severity, official, leniency):
    probs = rules.choose_outcome(severity, official, leniency, W)
    assert len(probs) == len(rules.OUTCOMES)
    assert all(0 <= p <= 1 for p in probs)
    assert abs(sum(probs) - 1) < 1e-9
    removal = rules.OUTCOMES.index("remove_from_post")
    assert rules.choose_outcome(severity, 1, leniency, W)[removal] >= \
        rules.choose_outcome(severity, 0, leniency, W)[removal]


@given(st.floats(0, 0.99), flag, unit)
def test_graver_grounds_mean_more_expulsion_and_fewer_reinstatements(severity, worker, restraint):
    graver = min(1.0, severity + 0.01)
    assert rules.choose_outcome(graver, 0, 0, W)[0] >= rules.choose_outcome(severity, 0, 0, W)[0]
    assert rules.reinstate_on_appeal(graver, worker, restraint, 0.25) <= \
        rules.reinstate_on_appeal(severity, worker, restraint, 0.25) + 1e-12


@given(unit, flag, st.floats(0, 0.99))
def test_restraint_raises_reinstatement(severity, worker, restraint):
    """The June 1936 letter and the January 1938 plenum (L1315, L2203)."""
    more = min(1.0, restraint + 0.01)
    p_low = rules.reinstate_on_appeal(severity, worker, restraint, 0.25)
    assert 0 <= p_low <= rules.reinstate_on_appeal(severity, worker, more, 0.25) <= 1


@given(unit, unit)
def test_rank_protects_and_an_obkom_secretary_cannot_be_reached_from_below(level, independence):
    assert 0.0 <= rules.rank_shield(level, independence) <= 1.0
    assert rules.rank_shield(0.0, independence) == 1.0
    assert rules.rank_shield(1.0, independence) == 0.0  # L2002


@given(unit, unit, unit, unit, st.floats(0, 0.5), nonneg, st.floats(0, 1))
def test_an_apparatus_electorate_shields_its_patron(rank_and_file, apparatus, share, loyalty,
                                                    remote, criticism, base):
    """Regional officials 'better placed to defend their positions' (L1918): not an input.

    The electorate's grievance stays in [0, 1]; a larger share of loyal appointees never
    raises it above what the rank and file below feel; with no grievance, no turnover.
    """
    g = rules.electorate_grievance(rank_and_file, apparatus, share, loyalty, remote)
    assert 0.0 <= g <= 1.0
    below = min(1.0, rank_and_file + remote)
    if apparatus * (1 - loyalty) <= below:
        assert g <= below + 1e-12
    assert 0 <= rules.secret_ballot_turnover(g, criticism, base) < 1
    assert rules.secret_ballot_turnover(0.0, criticism, base) == 0.0


@given(nonneg, unit, unit, st.floats(0, 2), st.floats(0, 2))
def test_a_machine_holds_back_criticism_and_never_adds_to_it(criticism, control, more,
                                                              machine, stronger):
    """*Zazhim kritiki* (L1787, L1791, L1918): what reaches an electorate, by hold and machine.

    Never more than was released nor less than none; all of it with no hold or with no
    machine; a firmer hold or a stronger machine lets through no more.
    """
    through = rules.suppress_criticism(criticism, control, machine)
    assert 0.0 <= through <= criticism
    assert rules.suppress_criticism(criticism, 0.0, machine) == criticism
    assert rules.suppress_criticism(criticism, control, 0.0) == criticism
    firmer = min(1.0, control + more)
    assert rules.suppress_criticism(criticism, firmer, machine) <= through + 1e-12
    assert rules.suppress_criticism(criticism, control, machine + stronger) <= through + 1e-12


def test_suppression_works_on_arrays_as_on_scalars():
    control = np.array([0.0, 0.5, 0.9])
    machine = np.array([1.0, 1.2, 0.8])
    got = rules.suppress_criticism(2.0, control, machine)
    want = [rules.suppress_criticism(2.0, c, m) for c, m in zip(control, machine, strict=True)]
    np.testing.assert_allclose(got, want)
    assert got[2] > rules.suppress_criticism(2.0, 0.9, 1.2)  # a weaker machine lets more through


@given(st.floats(0, 0.1), st.floats(1, 20), st.floats(1, 20), unit)
def test_leaders_and_clients_of_fallen_patrons_are_more_exposed(base, exposure, cascade, shield):
    rank_and_file = rules.arrest_hazard(base, 1.0, 0, 0, 0, cascade, 0, 2.0, 0.0, shield, 4.0, 1.0)
    leader = rules.arrest_hazard(base, exposure, 0, 0, 0, cascade, 0, 2.0, 0.0, shield, 4.0, 1.0)
    exposed = rules.arrest_hazard(base, 1.0, 0, 0, 1, cascade, 0, 2.0, 0.0, shield, 4.0, 1.0)
    assert rank_and_file <= leader and rank_and_file <= exposed


@given(st.integers(0, 60), st.floats(0.1, 24), unit)
def test_zeal_decays_to_its_floor(months, decay, floor):
    z = rules.campaign_zeal(months, decay, floor)
    assert floor - 1e-12 <= z <= 1.0 + 1e-12
    assert rules.campaign_zeal(months + 1, decay, floor) <= z + 1e-12


@given(unit, unit, unit, nonneg)
def test_pace_is_a_probability_and_obstruction_slows_it(pace, obstruction, formalism, pressure):
    p = rules.screening_pace(pace, obstruction, formalism, pressure)
    assert 0 <= p <= 1
    assert rules.screening_pace(pace, 1.0, formalism, pressure) == 0.0


@settings(max_examples=50)
@given(st.lists(st.tuples(unit, unit, unit, flag, flag, flag, flag, unit), min_size=1,
                max_size=30))
def test_rules_give_the_same_answer_on_arrays_as_on_scalars(rows):
    """The contract the vectorized engine relies on: one rule, two engines."""
    a = np.array(rows, dtype=float).T
    grievance, severity, restraint, official, passive, client, critic, vis = a
    vector = rules.denounce(0.3, 1.0, vis, 0.2, 0.4, 1.0, grievance, official, 0.05, 0.5, passive,
                            client, critic, 1.0)
    for i, row in enumerate(rows):
        scalar = rules.denounce(0.3, 1.0, row[7], 0.2, 0.4, 1.0, row[0], row[3], 0.05, 0.5, row[4],
                                row[5], row[6], 1.0)
        for v, s in zip(vector, scalar, strict=True):
            assert np.isclose(v[i], s)
    out = rules.choose_outcome(severity, official, restraint, W)
    for i, row in enumerate(rows):
        for v, s in zip(out, rules.choose_outcome(row[1], row[3], row[2], W), strict=True):
            assert np.isclose(v[i], s)
    assert np.allclose(rules.reinstate_on_appeal(severity, passive, restraint, 0.25),
                       [rules.reinstate_on_appeal(r[1], r[4], r[2], 0.25) for r in rows])


def test_monitor_flags_cursory_and_slow_regions():
    """Kursk at 67 % against a national 33 % is cursory (L802); far behind plan is slow."""
    slow, repeat = rules.monitor_region(0.67, 0.33, 0.33, 0.1, 1.6, 0.4, 0.5)
    assert (slow, repeat) == (0, 1)
    slow, repeat = rules.monitor_region(0.05, 0.33, 0.66, 0.1, 1.6, 0.4, 0.5)
    assert (slow, repeat) == (1, 0)
    assert rules.monitor_region(0.33, 0.33, 0.33, 0.1, 1.6, 0.4, 0.5) == (0, 0)
    assert rules.monitor_region(0.33, 0.33, 0.33, 0.8, 1.6, 0.4, 0.5) == (0, 1)  # formalism


@given(st.floats(0, 1), st.floats(0, 1))
def test_leaving_either_way_is_at_least_as_likely_as_each_way(drift, withdrawal):
    leave = rules.leave_rolls(drift, withdrawal)
    assert max(drift, withdrawal) - 1e-12 <= leave <= 1.0 + 1e-12
