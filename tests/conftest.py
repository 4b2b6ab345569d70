"""Shared helpers for the tests: small, fast models."""

from __future__ import annotations

import pytest

from model import PurgeModel, load_scenario
from model.scenario import month_index, parse_scenario

SMALL = 800  # members: a full 1933-39 run takes a fraction of a second


def run_until(model: PurgeModel, month: str) -> PurgeModel:
    """Step ``model`` until calendar ``month`` ("YYYY-MM") has been simulated."""
    while model.month < month_index(month) and not model.finished:
        model.step()
    return model


def small_model(seed: int = 1, scenario=None, n_members: int = SMALL, **overrides) -> PurgeModel:
    """A small model of the historical (or given) scenario."""
    return PurgeModel(scenario=scenario, rng=seed, n_members=n_members, **overrides)


def historical_raw() -> dict:
    """The historical scenario as a plain dictionary, to edit in tests."""
    import tomllib

    from model.scenario import default_scenario_path

    return tomllib.loads(default_scenario_path().read_text())


def edited_scenario(edit) -> object:
    """The historical scenario after ``edit(raw_dict)`` (which changes it in place)."""
    raw = historical_raw()
    edit(raw)
    return parse_scenario(raw, label="edited")


def campaign(raw: dict, name: str) -> dict:
    """The campaign table called ``name`` in a raw scenario."""
    return next(c for c in raw["campaigns"] if c["name"] == name)


@pytest.fixture(scope="session")
def historical():
    """The packaged historical scenario."""
    return load_scenario()
