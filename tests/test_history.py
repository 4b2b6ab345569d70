"""The historical dataset: every figure is where it says it is, and the tables add up."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import history
from experiments.history import COLUMNS, HistoryDataError, load_figures


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return load_figures()


def test_every_row_names_its_table_line_and_source(figures):
    assert figures["figure_id"].is_unique
    assert (figures["source_table"].str.len() > 0).all()
    assert (figures["cited_source"].str.len() > 0).all()
    assert (figures["book_line"] > 0).all()
    for table in ("Table 2.1", "Table 2.2", "Table 2.3", "Table 3.1", "Table 3.2", "Table 3.3",
                  "Table 3.4", "Table 3.5", "Table 3.6", "Table 7.1"):
        assert (figures["source_table"] == table).any(), table


def _number_forms(value: float) -> set[str]:
    """Ways a number can be printed in the book: 1149000 -> 1,149,000; 33.3 -> one-third."""
    forms = set()
    if float(value).is_integer():
        v = int(value)
        forms |= {str(v), f"{v:,}", f"{v}.0"}  # Table 3.3 prints 18.0
        if v >= 1000 and v % 1000 == 0:
            forms |= {f"{v // 1000:,}", "thousand"}
        if v >= 1_000_000 or v == 500000:
            forms |= {"million", "half a million"}
    else:
        forms |= {f"{value:g}", f"{value:.1f}", f"{value:,.2f}".rstrip("0")}
    words = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
             "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
    if float(value).is_integer() and 0 <= value <= 20:
        forms.add(words[int(value)])
    elif float(value).is_integer() and 20 < value < 100:
        v = int(value)
        forms.add(tens[v // 10] + (f"-{words[v % 10]}" if v % 10 else ""))
    if abs(value - 33.3) < 0.01 or value == 33:
        forms |= {"one-third", "third"}
    if value == 66.7:
        forms.add("two-thirds")
    if value == 50:
        forms.add("one-half")
    if value == 3:
        forms.add("tripled")
    if value == 0.4:
        forms.add("four-tenths")
    return forms


def test_each_figure_stands_on_its_line(figures, book_lines):
    """The line references are checked against the book, so they can be trusted."""
    missing = []
    for _, row in figures.iterrows():
        if row["status"] in ("withheld", "not_given"):
            if row["status"] == "withheld":
                assert "[withheld]" in book_lines[row["book_line"] - 1] or row[
                    "source_table"].startswith("Table 6"), row["figure_id"]
            continue
        if row["status"] == "derived":
            continue
        text = book_lines[row["book_line"] - 1]
        if row["source_table"].startswith("Table") and row["book_line"] > 2700:
            continue  # cited in the notes section
        forms = _number_forms(row["value"])
        if not pd.isna(row["value_low"]):
            forms |= _number_forms(row["value_low"])
        if not any(_stands_on(form, text) for form in forms):
            missing.append((row["figure_id"], row["value"], text[:80]))
    assert not missing, missing


def _stands_on(form: str, text: str) -> bool:
    """``form`` occurs in ``text`` as a whole number or word, not inside another one.

    "5" does not stand on "1935", "3.2" not on "13.2", "9" not on "9,000"; "third" does
    not stand on "thirteen".
    """
    if form[0].isdigit():
        pattern = rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)"
    else:
        pattern = rf"\b{re.escape(form)}\b"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


@pytest.mark.parametrize(("form", "text", "stands"), [
    ("5", "in 1935 the party", False), ("5", "only 5 percent", True),
    ("3.2", "was 13.2 percent", False), ("3.2", "(Table 3.2)", True),
    ("9", "some 9,000 members", False), ("9,000", "some 9,000 members", True),
    ("18.5", "18.5%", True), ("third", "thirteen", False), ("third", "one-third", True),
    ("1935", "in 1935.", True),
])
def test_numbers_match_as_whole_numbers(form, text, stands):
    assert _stands_on(form, text) is stands


def test_table_3_1_sums_to_616(figures):
    t = history.table("Table 3.1")
    assert t.loc[t["category"] != "total", "value"].sum() == 616 == history.figure("t3_1_total_n")


def test_table_3_2_chain_adds_up_and_its_gaps_are_flagged():
    chain = history.proverka_denunciation_chain().set_index("stage")["n"]
    assert chain["checked"] <= chain["statements"]
    assert chain["supported"] + chain["unsupported"] <= chain["checked"]
    assert chain["expelled"] + chain["reprimanded"] + chain["removed"] + chain["warned"] == \
        chain["supported"]
    assert chain["expelled"] + chain["reprimanded"] + chain["removed"] == 223  # L872
    # the book's own gaps: 54 statements and 71 checked cases unaccounted for
    notes = history.table("Table 3.2").set_index("category")["note"]
    assert "54" in notes["sent_to_other_regions"] and "71" in notes["unsupported"]


def test_table_3_5_sums_to_455():
    t = history.table("Table 3.5")
    counts = t[(t["quantity"] == "expelled_n") & (t["category"] != "total")]
    shares = t[t["quantity"] == "reason_share_pct"]
    assert counts["value"].sum() == 455 == history.figure("t3_5_total_n")
    assert abs(shares["value"].sum() - 100) <= 1


def test_reason_tables_sum_to_100_or_the_gap_is_flagged():
    assert abs(history.table("Table 2.2")["value"].sum() - 100) < 0.05
    t23 = history.table("Table 2.3")
    assert abs(t23["value"].sum() - 96.0) < 0.05  # the book's shares sum to 96 %
    assert t23["note"].str.contains("sum to 96").all()


def test_table_3_6_discrepancy_is_recorded_not_hidden(figures):
    t = history.table("Table 3.6")
    rows = t[(t["year"] == 1934) & (t["quantity"] == "members_n") & (t["category"] != "total")]
    total = t[(t["year"] == 1934) & (t["category"] == "total")].iloc[0]
    assert rows["value"].sum() == 5494 and total["value"] == 5499
    assert "Discrepancy in original" in total["note"]
    t35 = t[(t["year"] == 1935) & (t["quantity"] == "members_n")]
    assert t35.loc[t35["category"] != "total", "value"].sum() == 4853


def test_table_3_3_percentages_that_do_not_compute_are_flagged():
    t = history.table("Table 3.3").set_index("figure_id")
    for key in ("western_region", "smolensk_city", "belyi", "factory_35"):
        pct = 100 * t.loc[f"t3_3_{key}_expelled", "value"] / t.loc[f"t3_3_{key}_checked", "value"]
        printed = t.loc[f"t3_3_{key}_pct", "value"]
        if abs(pct - printed) > 0.15:
            assert "discrepancy" in t.loc[f"t3_3_{key}_pct", "note"], key


def test_1929_reinstatements_are_22_percent():
    share = 100 * history.figure("text_1929_reinstated_n") / history.figure("text_1929_expelled_n")
    assert round(share) == history.figure("text_1929_reinstated_pct") == 22


def test_withheld_figures_have_no_value(figures):
    withheld = figures[figures["status"] == "withheld"]
    assert len(withheld) >= 5 and withheld["value"].isna().all()


def test_convenience_tables():
    rates = history.national_expulsion_rates().set_index("year")["rate_pct"]
    assert rates[1933] == 18.5 and rates[1935] == 9 and rates[1937] == 5 and rates[1938] == 2
    sm = history.smolensk_vs_national().set_index("operation")
    assert sm.loc["chistka_1933", "smolensk_pct"] == 2


def _write(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("corrupt", "words"), [
    (lambda d: d.drop(columns=["book_line"]), "missing column"),
    (lambda d: pd.concat([d, d.iloc[:1]]), "duplicate figure_id"),
    (lambda d: d.assign(status=["guessed"] + list(d["status"].iloc[1:])), "unknown status"),
    (lambda d: d.assign(value=["many"] + list(d["value"].iloc[1:])), "non-numeric value"),
])
def test_malformed_data_gets_one_clear_line(tmp_path, figures, corrupt, words):
    path = _write(corrupt(figures.copy()), tmp_path / "bad.csv")
    with pytest.raises(HistoryDataError) as info:
        load_figures(path)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_a_withheld_figure_with_a_value_is_refused(tmp_path, figures):
    d = figures.copy()
    d.loc[d["status"] == "withheld", "value"] = 1.0
    with pytest.raises(HistoryDataError, match="withheld figure"):
        load_figures(_write(d, tmp_path / "leak.csv"))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 185), min_size=1, max_size=30, unique=True))
def test_any_subset_round_trips(tmp_path_factory, rows):
    """Writing and reading any subset of rows keeps every value."""
    figures = load_figures()
    rows = [r for r in rows if r < len(figures)]
    subset = figures.iloc[rows][list(COLUMNS)]
    path = _write(subset, tmp_path_factory.mktemp("rt") / "subset.csv")
    back = load_figures(path)
    pd.testing.assert_series_equal(back["value"].reset_index(drop=True),
                                   subset["value"].reset_index(drop=True), check_dtype=False)
    assert list(back["figure_id"]) == list(subset["figure_id"])


def test_ids_are_snake_case(figures):
    assert figures["figure_id"].map(lambda s: bool(re.fullmatch(r"[a-z0-9_]+", s))).all()
