"""The seminar's exercises: one numbering in the app, the notebook and docs/teaching.md.

Each exercise changes only the app controls it names, and what docs/teaching.md tells
students to observe is what the model does (measured here over three seeds).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from experiments import outputs
from seminar.app import MODEL_PARAMS, exercises_markdown
from seminar.exercises import EXERCISES, exercise, exercise_runs

ROOT = Path(__file__).resolve().parents[1]


def test_exercises_are_numbered_once_and_change_only_app_controls():
    assert [ex.number for ex in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    for ex in EXERCISES:
        assert ex.controls and set(ex.controls) <= set(MODEL_PARAMS), ex.title
        assert ex.book.startswith("Getty 1985, ") and "L" not in re.findall(r"\bL\d+", ex.book)
    with pytest.raises(KeyError, match="no exercise 99"):
        exercise(99)


def test_the_app_the_handout_and_the_notebook_number_them_alike():
    in_app = exercises_markdown()
    handout = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    nb = nbformat.read(ROOT / "notebooks" / "classroom_exercises.ipynb", as_version=4)
    headings = [line for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("## Exercise")]
    assert len(headings) == len(EXERCISES)
    for ex, heading in zip(EXERCISES, headings, strict=True):
        assert f"**Exercise {ex.number}. {ex.title}**" in in_app
        assert re.search(rf"^{ex.number}\. \*\*{re.escape(ex.title)}\*\*", handout, re.M), ex.title
        assert heading.startswith(f"## Exercise {ex.number} - {ex.title}"), heading


def test_the_notebook_runs_each_exercise_by_its_number():
    nb = nbformat.read(ROOT / "notebooks" / "classroom_exercises.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for ex in EXERCISES:
        assert f"runs({ex.number})" in code and f"brief({ex.number})" in code


def _mean(name: str, runs) -> float:
    return float(np.nanmean([outputs.value(name, r) for r in runs]))


@pytest.fixture(scope="module")
def baseline():
    return exercise_runs(None, n_members=1500)


def test_exercise_1_unprotected_leaders_are_expelled_more(baseline):
    changed = exercise_runs(1, n_members=1500)
    for year in (1934, 1935):
        base = np.mean([outputs.leaders_share(r, year) for r in baseline])
        assert np.mean([outputs.leaders_share(r, year) for r in changed]) > base


def test_exercise_3_without_deflection_fewer_passives(baseline):
    changed = exercise_runs(3, n_members=1500)
    assert _mean("chistka_passivity_share", changed) < 0.75 * _mean("chistka_passivity_share",
                                                                   baseline)


def test_exercise_5_without_criticism_the_elections_remove_hardly_anyone(baseline):
    changed = exercise_runs(5, n_members=1500, play_to="1939-12")
    assert _mean("election_turnover_pct", changed) < 0.25 * _mean("election_turnover_pct",
                                                                 baseline)


def test_exercise_4_the_obedient_apparatus_misses_the_books_operations(baseline):
    changed = exercise_runs(4, n_members=1500)
    assert _mean("chistka_passivity_share", changed) < 1.0
    assert _mean("chistka_national", changed) > 25  # against the book's 18.5
    assert _mean("rate_1937", changed) < _mean("rate_1937", baseline)
