"""Shared helpers for the tests: small, fast models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model import PurgeModel, load_scenario
from model.scenario import month_index, parse_scenario

SMALL = 800  # members: a full 1933-39 run takes a fraction of a second
BOOK = Path(__file__).resolve().parents[2] / "shared/seed/getty-origins-of-the-great-purges.txt"


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


def listed_regions(raw: dict) -> list[dict]:
    """The raw scenario's regions as ``[[regions]]`` entries, to edit.

    The historical scenario reads its regions from a region file (``[region_map]``); this
    lists in its place the regions its default scale keeps, with their traits.
    """
    if "region_map" in raw:
        raw.pop("region_map")
        raw["regions"] = [{"name": r.name, "weight": r.weight, "obstruction": r.obstruction,
                           "formalism": r.formalism, "machine": r.machine}
                          for r in parse_scenario(historical_raw(), label="historical").regions]
    return raw["regions"]


def campaign(raw: dict, name: str) -> dict:
    """The campaign table called ``name`` in a raw scenario."""
    return next(c for c in raw["campaigns"] if c["name"] == name)


@pytest.fixture(scope="session")
def historical():
    """The packaged historical scenario."""
    return load_scenario()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On CI (``PURGES_NO_SKIPS=1``, set by .ci/run) a skipped test is a failed test.

    A test skips when something it needs is missing (the book beside the project, the
    browser, the dask command, ruff); on CI that is a broken set-up, not a reason to pass.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and os.environ.get("PURGES_NO_SKIPS"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, which must run every test: {reason}"


@pytest.fixture(scope="session")
def book_lines() -> list[str]:
    """The book's lines; CI (PURGES_REQUIRE_BOOK=1) fails rather than skips without it."""
    if not BOOK.exists():
        message = f"the book's text is not beside the project ({BOOK})"
        if os.environ.get("PURGES_REQUIRE_BOOK"):
            pytest.fail(message)
        pytest.skip(message)
    return BOOK.read_text(encoding="utf-8").splitlines()
