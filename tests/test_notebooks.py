"""The notebooks run top to bottom in a real Jupyter kernel (nbclient).

They are stored with their outputs, and with read-only HTML copies in docs/notebooks/
(``scripts/notebooks.py`` writes both), so that a teacher can read them without running
them; each sets a small scale in its first cells. Where a notebook sets simulated rates
beside the book's, it compares operation with operation. Where students are asked
something, an answer cell follows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_run_with_its_html_copy(path):
    """Every code cell has been run and kept its outputs; the HTML copy is of this version."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), (
        f"{path.name} is stored without some outputs: run python scripts/notebooks.py")
    assert all(o.get("output_type") != "error" for c in code for o in c.get("outputs", []))
    page = ROOT / "docs" / "notebooks" / f"{path.stem}.html"
    assert page.exists(), f"no HTML copy: run python scripts/notebooks.py {path.stem}"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
    for cell in code:
        first = cell.source.strip().splitlines()[0]
        assert first in text, f"{page.name} is stale ({first!r}): rerun scripts/notebooks.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_question_has_an_answer_cell(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"\*\*Question|^#+ Questions", cell.source,
                                                      re.M):
            following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
            assert following is not None and "Your answer" in following.source, (
                path.name, cell.source[:60])


def test_the_four_notebooks_are_there():
    assert {p.stem for p in NOTEBOOKS} >= {"quickstart", "getty_hypothesis",
                                           "sweeps_and_sensitivity", "classroom_exercises"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    if path.stem in LIKE_WITH_LIKE:
        _compares_operations(nb, LIKE_WITH_LIKE[path.stem])


# The cells that set simulated rates beside the book's: per operation, as the book gives them
# (the chistka's 18.5 % is for 1933-35, not calendar 1933), found by the heading above them.
LIKE_WITH_LIKE = {"quickstart": "operation with operation", "classroom_exercises": "Exercise 4"}


def _compares_operations(nb, heading: str) -> None:
    """The first code cell under ``heading`` shows each operation's rate beside the book's."""
    from experiments import targets

    start = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and heading in c.source)
    cell = next(c for c in nb.cells[start:] if c.cell_type == "code")
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
    assert "book" in shown, heading
    for op in targets.OPERATIONS:
        assert op.label in shown, (heading, op.label)
    assert not re.search(r"rate_(\{|19)", cell.source), "calendar years beside operations"


def test_no_notebook_sets_the_books_operations_at_calendar_years():
    """No notebook draws ``national_expulsion_rates``, which files operations under years.

    Beside a yearly series it would compare the chistka (1933-35) with calendar 1933.
    """
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "national_expulsion_rates" not in code, path.name
