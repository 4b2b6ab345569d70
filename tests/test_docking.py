"""Docking and the golden metrics: what the two engines do, pinned.

Both engines run the historical scenario at the default scale (80 reference seeds, 240
array seeds; experiments/docking.py). Each docking output is compared between the
engines with a Kolmogorov-Smirnov test and Welch's t-test, Bonferroni-corrected; a 10 %
shift of any yearly rate must be caught, and a deliberately changed rule in either engine
must make docking fail. The same samples are held against the golden table
(tests/golden/): a change of behaviour moves a mean by more than half a seed-to-seed
standard deviation and fails until the table is regenerated in its own commit, with the
reason (tests/golden/README.md).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import model.arrays as arrays_module
import model.model as reference_module
from experiments import docking, scorecard
from model import ArrayPurgeModel, PurgeModel, compiled, rules
from tests.golden import GOLDEN, golden_table, moved


@pytest.fixture(scope="module")
def reference():
    return docking.sample("agents", docking.REFERENCE_SEEDS, n_members=docking.SCALE)


@pytest.fixture(scope="module")
def vectorized():
    return docking.sample("arrays", docking.ARRAY_SEEDS, n_members=docking.SCALE)


def test_engines_dock(reference, vectorized):
    table = docking.compare(reference, vectorized)
    assert docking.docks(table), table.to_string()


@pytest.mark.parametrize("factor", [1.1, 0.9])
@pytest.mark.parametrize("year", docking.YEARS)
def test_a_ten_percent_shift_in_any_yearly_rate_is_caught(reference, vectorized, year, factor):
    """The docking test's power, measured on the real samples.

    The array sample is scaled so that its mean is exactly 10 % off the reference's: the
    shift tested is 10 %, not 10 % plus or minus the samples' own difference of means.
    """
    rate = f"rate_{year}"
    scale = factor * reference[rate].mean() / vectorized[rate].mean()
    shifted = vectorized.assign(**{rate: vectorized[rate] * scale})
    table = docking.compare(reference, shifted).set_index("metric")
    assert not table.loc[rate, "agree"]


def test_the_golden_metrics_have_not_moved(reference, vectorized):
    """Each engine's mean of each output within half a seed-to-seed SD of the golden table."""
    now = golden_table({"agents": reference, "arrays": vectorized})
    stored = pd.read_csv(GOLDEN)
    assert set(zip(stored["engine"], stored["metric"], strict=True)) == set(
        zip(now["engine"], now["metric"], strict=True)), "the golden table lists other outputs"
    shifts = moved(now, stored)
    assert shifts.empty, (
        "behaviour changed (shift in golden SDs):\n" + shifts.to_string(index=False)
        + "\nIf the change is deliberate: .venv/bin/python -m tests.golden.regenerate "
          "--reason '...' and commit the new table on its own (tests/golden/README.md).")


def test_the_historical_scenario_stays_within_tolerance_on_national_rates(vectorized):
    """The hand-set defaults reproduce the book's national rates (Tables 3.4, 7.1; L1109)."""
    book = scorecard.book_values()
    for target, metric in (("chistka_national", "chistka_national"),
                           ("proverka_national", "proverka_national"),
                           ("obmen_rate", "obmen_rate"), ("expelled_1937", "rate_1937"),
                           ("expelled_1938", "rate_1938")):
        tolerance = scorecard.TOLERANCES[target][0]
        assert abs(vectorized[metric].mean() - book[target]) <= tolerance, target


def _with_rules(**changed):
    """The rule module with some functions replaced (for one engine only)."""
    return SimpleNamespace(**{**vars(rules), **changed})


def _mutate_array_engine(monkeypatch, **changed):
    """Replace some rules in the array engine alone: its numpy code and compiled stages."""
    monkeypatch.setattr(arrays_module, "rules", _with_rules(**changed))
    for name, kernel in compiled.with_rules_replaced(**changed).items():
        monkeypatch.setattr(compiled, name, kernel)


def test_screenings_ten_percent_harsher_in_the_array_engine_break_docking(reference,
                                                                          monkeypatch):
    def harsher(u, *args):  # a case whenever u < 1.1 * screening_probability
        return rules.screening_verdict(u / 1.1, *args)

    _mutate_array_engine(monkeypatch, screening_verdict=harsher)
    broken = docking.sample(ArrayPurgeModel, range(1, 41), n_members=docking.SCALE)
    table = docking.compare(reference, broken).set_index("metric")
    assert not table.loc["chistka_national", "agree"]


def test_no_protection_in_the_array_engine_breaks_docking(reference, monkeypatch):
    def no_protection(is_client, patron_in_office, machine, *rest):
        return rules.case_protection(is_client, patron_in_office, 0.0 * machine, *rest)

    _mutate_array_engine(monkeypatch, case_protection=no_protection)
    broken = docking.sample(ArrayPurgeModel, range(1, 41), n_members=docking.SCALE)
    table = docking.compare(reference, broken)
    assert not docking.docks(table), table.to_string()


def test_no_leaders_exposure_in_the_reference_engine_breaks_docking(vectorized, monkeypatch):
    """A negative control on the reference engine, whose police alone loses the exposure.

    The leaders' exposure to arrest (L2037) is dropped from the reference engine only.
    """
    def flat_exposure(base, level_exposure, *rest):
        return rules.arrest_hazard(base, 1.0, *rest)

    monkeypatch.setattr(reference_module, "rules", _with_rules(arrest_hazard=flat_exposure))
    broken = docking.sample(PurgeModel, range(1, 31), n_members=docking.SCALE)
    table = docking.compare(broken, vectorized).set_index("metric")
    assert not table.loc["arrested_pct", "agree"]


def test_compare_flags_a_shifted_sample():
    rng = np.random.default_rng(0)
    a = pd.DataFrame({m: rng.normal(10, 1, 80) for m in docking.METRICS})
    b = pd.DataFrame({m: rng.normal(10, 1, 240) for m in docking.METRICS})
    assert docking.docks(docking.compare(a, b))
    # 0.6 SD: the mean moves, the shape barely
    shifted = docking.compare(a, b.assign(rate_1935=b["rate_1935"] + 0.6)).set_index("metric")
    assert not docking.docks(shifted.reset_index())
    assert shifted.loc["rate_1935", "t_p"] < 0.05 / (2 * len(docking.METRICS))
    assert shifted.loc["rate_1935", "t_p"] < shifted.loc["rate_1935", "ks_p"]
    constant = docking.compare(a.assign(rate_1933=1.0), b.assign(rate_1933=1.0))
    assert docking.docks(constant)
    assert not docking.docks(docking.compare(a.assign(rate_1933=1.0), b.assign(rate_1933=2.0)))
