"""Every parameter matters on the historical calendar, or says why it does not.

A parameter that changes no output is either dead code or a mechanism that the calendar
never reaches; either way users sweeping it would learn nothing. Each parameter is moved
half-way towards the far end of its range (shares to a uniform split; of a tuple, the
first element) and the historical
scenario run with two seeds; unchanged monthly and expulsion tables in both mean the parameter is inert. The
inert ones must be exactly those documented in
:data:`model.params.INERT_ON_THE_HISTORICAL_CALENDAR`, each with its reason.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from model import ArrayPurgeModel
from model.params import INERT_ON_THE_HISTORICAL_CALENDAR, Parameters
from model.reporters import expulsions_table, monthly_table

SCALE = 4000
SEEDS = (1, 2)


def _moved(f: dataclasses.Field):
    """The parameter's default moved half-way towards the far end of its range."""
    lo, hi = f.metadata["range"]
    default = f.default
    if f.name == "cohort_shares":  # shares are normalised: halving them changes nothing
        return tuple(1.0 / len(default) for _ in default)
    if f.name == "recruit_origin_shares":  # seen only in expelled recruits: all employees
        return (0.0, 0.0, 1.0)
    if f.name == "too_fast":  # a threshold mostly pre-empted by formalism (seed 6 of 1-8
        return 1.3            # moved at 5.8): probed towards its near end instead
    if f.name == "client_loyalty":  # seen only in the 1937 raikom and obkom ballots, a
        return 0.0                   # few dozen draws a run: probed at its far end
    if isinstance(default, tuple):  # the first element (moving all may cancel out:
        first = default[0]           # outcome weights are normalised)
        return (0.5 * first if first else 0.5, *default[1:])
    far = hi if (hi - default) >= (default - lo) else lo
    moved = default + 0.5 * (far - default)
    return round(moved) if isinstance(default, int) else moved


def _monthly(seed: int = 1, **overrides):
    """The monthly table and the expulsions table of one run, side by side."""
    model = ArrayPurgeModel(rng=seed, n_members=SCALE, **overrides)
    while not model.finished:
        model.step()
    return pd.concat([monthly_table(model), expulsions_table(model)], axis=1)


@pytest.fixture(scope="module")
def inert() -> set[str]:
    base = {seed: _monthly(seed) for seed in SEEDS}
    found = set()
    for f in dataclasses.fields(Parameters):
        if f.name == "n_members":  # the scale: changes everything by construction
            continue
        # inert only if no seed shows a change (a rare event may miss one run)
        if all(_monthly(seed, **{f.name: _moved(f)}).equals(base[seed]) for seed in SEEDS):
            found.add(f.name)
    return found


def test_inert_parameters_are_exactly_the_documented_ones(inert):
    assert inert == set(INERT_ON_THE_HISTORICAL_CALENDAR)


def test_each_inert_parameter_says_why_and_purges_parameters_shows_it(capsys):
    from experiments.cli.main import main

    for name, reason in INERT_ON_THE_HISTORICAL_CALENDAR.items():
        assert len(reason) > 80 and "L" in reason, name
    assert main(["parameters"]) == 0
    out = capsys.readouterr().out
    for name in INERT_ON_THE_HISTORICAL_CALENDAR:
        block = out[out.index(f"\n{name} = "):]
        assert "NO EFFECT on the historical calendar" in block.split("\n", 4)[3]


def test_the_probe_sees_a_parameter_that_matters():
    """The probe itself can tell: the chistka's protection changes the run."""
    field = next(f for f in dataclasses.fields(Parameters) if f.name == "protection_strength")
    assert not _monthly(protection_strength=_moved(field)).equals(_monthly())
