"""Like with like: the book's rates per operation beside simulated rates per operation.

The book gives national expulsion rates per operation (Table 3.4; Table 7.1's "percent of
party"): the chistka's 18.5 % is for the operation of 1933-35, not for calendar 1933. Only
Table 7.1's 1937 and 1938 rows are calendar years. A figure that shows a calendar-year
series may set beside it only those; the report carries its caveats and captions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

import experiments
import experiments.figures as figures
from experiments import history, targets
from experiments.report import CAPTIONS, CAVEAT, FEW_SEEDS, render_report, write_report

ROOT = Path(__file__).resolve().parents[1]
CALENDAR_YEARS = {1937, 1938}


@pytest.fixture(scope="module")
def small_run():
    return experiments.run_historical(seeds=2, overrides={"n_members": 500}, processes=1)


@pytest.fixture
def drawn(monkeypatch):
    """The figures the drawing functions make, caught instead of saved."""
    caught = []
    monkeypatch.setattr(figures, "save",
                        lambda fig, path, dpi=120, **footer: caught.append(fig) or path)
    return caught


def book_x(ax) -> list[float]:
    """The x of every artist an axis labels as the book's (Getty's) figures."""
    xs = []
    for artist in [*ax.lines, *ax.collections]:
        label = str(artist.get_label())
        if not re.match(r"(?i)(getty|book)", label):
            continue
        if isinstance(artist, Line2D):
            xs += [float(x) for x in artist.get_xdata()]
        elif isinstance(artist, PathCollection):
            xs += [float(x) for x in artist.get_offsets()[:, 0]]
    return xs


def test_only_table_7_1s_1937_and_1938_are_calendar_years():
    rates = history.calendar_year_rates()
    assert set(rates["year"]) == CALENDAR_YEARS
    assert set(rates["rate_pct"]) == {5.0, 2.0}
    # the chistka and the proverka are operations, though the table files them by year
    assert {1933, 1935} <= set(history.national_expulsion_rates()["year"])


def test_by_operation_sets_each_operation_beside_the_books_figure(small_run):
    table = targets.by_operation({"sim": small_run.results})
    assert list(table.index) == [op.label for op in targets.OPERATIONS]
    assert table["book"].round(1).tolist() == [18.5, 9.0, 2.1, 5.0, 2.0]
    run = small_run.results[0]
    chistka = targets.by_operation({"sim": [run]}).loc["chistka 1933-35", "sim"]
    assert chistka == pytest.approx(float(run.operations.set_index("operation").loc[
        "chistka", "rate_pct_of_rolls"]))
    assert chistka != pytest.approx(float(run.yearly.set_index("year").loc[
        1933, "expulsion_rate_pct"]))  # the operation, not calendar 1933


def test_national_rates_compares_operation_with_operation(small_run, drawn, tmp_path):
    figures.national_rates(small_run.tables["yearly"], small_run.comparison, tmp_path / "n.png")
    calendar, by_operation = drawn[0].axes
    assert "calendar year" in calendar.get_ylabel() and "1 January" in calendar.get_ylabel()
    assert book_x(calendar), "the book's calendar-year figures are shown"
    assert set(book_x(calendar)) <= CALENDAR_YEARS, "a book point at a year it is not for"
    labels = [t.get_text().replace("\n", " ") for t in by_operation.get_xticklabels()]
    assert labels == [op.label for op in targets.OPERATIONS]
    getty, simulated = (c for c in by_operation.containers if hasattr(c, "patches"))
    comparison = small_run.comparison.set_index("target")
    ops = [op.target for op in targets.OPERATIONS]
    assert [p.get_height() for p in getty] == pytest.approx(
        comparison.loc[ops, "historical"].tolist())
    assert [p.get_height() for p in simulated] == pytest.approx(
        comparison.loc[ops, "simulated_mean"].tolist())


def test_calendar_year_curves_show_only_calendar_year_book_points(small_run, drawn, tmp_path):
    yearly = small_run.tables["yearly"].assign(variant="center-periphery")
    figures.variant_curves(yearly, tmp_path / "c.png")
    figures.predictive(yearly, tmp_path / "p.png")
    for fig in drawn:
        (ax,) = fig.axes
        assert "calendar year" in ax.get_xlabel()
        assert book_x(ax) and set(book_x(ax)) <= CALENDAR_YEARS


# --- the report ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    experiments.compare(["center-periphery", "totalitarian"], out, seeds=2,
                        fixed={"n_members": 500}, processes=1)
    return out


def test_report_carries_the_caveat_few_seeds_warning_and_captions(compare_dir):
    page = write_report(compare_dir).read_text()
    assert CAVEAT in page and "not a test of it" in page
    assert "Few seeds" in page and "only 2 seeds" in page
    figures_ = re.findall(r"<figure>(.*?)</figure>", page, flags=re.S)
    assert len(figures_) == page.count("<img") == len(CAPTIONS)
    for fig in figures_:
        caption = re.search(r"<figcaption>(.+)</figcaption>", fig, flags=re.S)
        assert caption and len(caption.group(1)) > 80


def test_report_without_the_few_seeds_warning_from_ten_seeds(compare_dir):
    import pandas as pd

    import experiments.manifest as manifest_file

    manifest = manifest_file.read(compare_dir)
    card = pd.read_csv(compare_dir / "scorecard.csv")
    many = render_report(card, {**manifest, "seeds": list(range(1, FEW_SEEDS + 1))}, compare_dir)
    assert "Few seeds" not in many and CAVEAT in many
    calibrated = render_report(card, {**manifest, "calibrated": {
        "center-periphery": {}, "totalitarian": {}}}, compare_dir)
    assert CAVEAT in calibrated and "every variant was calibrated" in calibrated


# --- the teaching guide -------------------------------------------------------------------

def _exercise(text: str, number: int) -> str:
    return re.search(rf"^{number}\. (.*?)(?=^\d+\. |^## )", text, flags=re.S | re.M).group(1)


def test_teaching_guide_compares_operations_in_exercises_4_and_6():
    text = (ROOT / "docs" / "teaching.md").read_text()
    for number in (4, 6):
        assert "operation" in _exercise(text, number), number
    assert "1933 rate is 18.5" not in text and "18.5 % expelled in 1933" not in text
