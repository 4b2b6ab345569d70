"""Docking: the array engine reproduces the reference engine in distribution.

Both engines run the historical scenario over the same 30 seeds at a small scale; each
docking output (yearly rates, leaders' share of the expelled, the denunciation chain,
records loss, reinstatements, election turnover) is compared with a two-sample
Kolmogorov-Smirnov test, Bonferroni-corrected (experiments/docking.py). A deliberately
changed rule in the array engine must make the same test fail.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import model.arrays as arrays_module
from experiments import docking
from model import ArrayPurgeModel, rules

SEEDS = range(1, 31)
SCALE = 1500


@pytest.fixture(scope="module")
def reference():
    return docking.sample("agents", SEEDS, n_members=SCALE)


@pytest.fixture(scope="module")
def vectorized():
    return docking.sample("arrays", SEEDS, n_members=SCALE)


def test_engines_dock(reference, vectorized):
    table = docking.compare(reference, vectorized)
    assert docking.docks(table), table.to_string()


def _array_engine_with(**changed_rules):
    """The array engine with some rule functions replaced (the reference one untouched)."""
    return SimpleNamespace(**{**vars(rules), **changed_rules})


def test_a_changed_rule_breaks_docking(reference, monkeypatch):
    """Screenings 25 % harsher in the array engine only: the docking test must notice."""
    def harsher(*args):
        return rules.screening_probability(*args) * 1.25

    monkeypatch.setattr(arrays_module, "rules", _array_engine_with(screening_probability=harsher))
    broken = docking.sample(ArrayPurgeModel, SEEDS, n_members=SCALE)
    table = docking.compare(reference, broken)
    assert not docking.docks(table)
    assert not table.set_index("metric").loc["rate_1933", "agree"]


def test_a_changed_protection_rule_breaks_docking(reference, monkeypatch):
    """No protection of clients in the array engine only: the clients' share moves."""
    def no_protection(is_client, patron_in_office, strength, *rest):
        return rules.protect_clients(is_client, patron_in_office, 0.0 * strength, *rest)

    monkeypatch.setattr(arrays_module, "rules", _array_engine_with(protect_clients=no_protection))
    broken = docking.sample(ArrayPurgeModel, SEEDS, n_members=SCALE)
    table = docking.compare(reference, broken)
    assert not docking.docks(table), table.to_string()


def test_compare_flags_a_shifted_sample():
    rng = np.random.default_rng(0)
    a = {m: rng.normal(0, 1, 30) for m in docking.METRICS}
    b = {m: rng.normal(0, 1, 30) for m in docking.METRICS}
    import pandas as pd

    same = docking.compare(pd.DataFrame(a), pd.DataFrame(b))
    b["rate_1935"] = b["rate_1935"] + 2.0
    shifted = docking.compare(pd.DataFrame(a), pd.DataFrame(b))
    assert docking.docks(same)
    assert not docking.docks(shifted)
    assert shifted.set_index("metric").loc["rate_1935", "p_value"] < 1e-4
