"""The notebooks run top to bottom in a real Jupyter kernel (nbclient), as stored.

They are stored without outputs; each sets a small scale in its first cells. Where a
notebook sets simulated rates beside the book's, it compares operation with operation.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_four_notebooks_are_there():
    assert {p.stem for p in NOTEBOOKS} >= {"quickstart", "getty_hypothesis",
                                           "sweeps_and_sensitivity", "classroom_exercises"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "notebooks are stored without outputs")
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
