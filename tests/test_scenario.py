"""The calendar file: the historical one is valid, and every kind of bad input is named."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model import PurgeModel
from model.params import ParameterError, Parameters
from model.scenario import ScenarioError, load_scenario, month_index, month_label, parse_scenario
from tests.conftest import campaign, historical_raw


def test_the_historical_calendar_is_valid_and_in_order(historical):
    assert historical.start == "1933-01" and historical.end == "1939-12"
    assert historical.n_months == 84
    names = [c.name for c in historical.campaigns]
    for needed in ("chistka", "proverka", "obmen", "enemies_campaign", "february_march_plenum",
                   "party_elections", "ezhovshchina_1937", "january_1938_plenum"):
        assert needed in names
    by = {c.name: c for c in historical.campaigns}
    assert by["chistka"].conducted_by == "commission"  # L650
    assert by["proverka"].conducted_by == "secretaries"  # L1075
    assert month_index(by["chistka"].start) < month_index(by["proverka"].start) < \
        month_index(by["obmen"].start) < month_index(by["party_elections"].start)
    assert all(c.source for c in historical.campaigns), "every campaign cites the book"


@given(st.integers(0, 200))
def test_month_labels_round_trip(i):
    assert month_index(month_label(i)) == i


def _error(edit) -> str:
    raw = historical_raw()
    edit(raw)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw, label="bad.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("bad.toml")
    return message


@pytest.mark.parametrize(("edit", "words"), [
    (lambda r: campaign(r, "proverka").update(intensty=0.2),
     ["proverka", "intensty", "did you mean 'intensity'"]),
    (lambda r: r.update(extra={}), ["unknown key", "extra"]),
    (lambda r: campaign(r, "proverka").update(pace="fast"), ["proverka", "pace", "float"]),
    (lambda r: campaign(r, "proverka").update(end="1935-01"), ["proverka", "before start"]),
    (lambda r: campaign(r, "proverka").update(planned_end="1935-03"),
     ["proverka", "planned_end 1935-03 is before start 1935-05"]),
    (lambda r: campaign(r, "chistka")["targets"].update(passivity=-1.0),
     ["chistka", "target 'passivity'", "[0, 100]", "-1.0"]),
    (lambda r: campaign(r, "chistka")["targets"].update(passivity=float("nan")),
     ["chistka", "target 'passivity'", "nan"]),
    (lambda r: campaign(r, "chistka").update(intensity=float("nan")),
     ["chistka", "intensity", "out of range"]),
    (lambda r: campaign(r, "chistka").update(intensity=-0.1),
     ["chistka", "intensity", "out of range"]),
    (lambda r: campaign(r, "proverka").update(start="1935-13"), ["proverka", "YYYY-MM"]),
    (lambda r: campaign(r, "chistka").update(pace=1.5), ["chistka", "pace", "out of range"]),
    (lambda r: campaign(r, "chistka").update(conducted_by="army"), ["chistka", "conducted_by"]),
    (lambda r: campaign(r, "chistka")["targets"].update(heresy=1), ["chistka", "heresy"]),
    (lambda r: campaign(r, "obmen").update(end="1941-01"), ["obmen", "outside"]),
    (lambda r: (r.pop("region_map"), r.update(regions=[{"name": "Western Region",
                                                         "obstruction": 2}])),
     ["Western Region", "obstruction"]),
    (lambda r: (r.pop("region_map"), r.update(regions=[{"name": "A"}, {"name": "A"}])),
     ["unique"]),
    (lambda r: r.update(regions=[{"name": "A"}]), ["[[regions]] or as a [region_map], not both"]),
    (lambda r: r["region_map"].update(file="nowhere.csv"), ["nowhere.csv", "no such region file"]),
    (lambda r: r["region_map"].update(minimum=0), ["[region_map]", "minimum", "at least 1"]),
    (lambda r: r["region_map"].update(fil="x"), ["[region_map]", "did you mean 'file'"]),
    (lambda r: r["region_map"].update(traits_seed=1.5), ["traits_seed", "int"]),
    (lambda r: r["parameters"].update(n_memberz=10), ["n_memberz", "unknown parameter"]),
    (lambda r: r["parameters"].update(n_members=-5), ["n_members", "out of range"]),
    (lambda r: r["parameters"].update(n_members=10.5), ["n_members", "whole number"]),
    (lambda r: r["parameters"].update(cohort_shares=[0.5]), ["cohort_shares", "list of 5"]),
    (lambda r: r["scenario"].pop("name"), ["name", "missing"]),
    (lambda r: r.pop("region_map"), ["at least one [[regions]] entry (or a [region_map])"]),
    (lambda r: r.update(campaigns=[]), ["at least one [[campaigns]]"]),
    (lambda r: campaign(r, "obmen").update(name="proverka"),
     ["two campaigns are called 'proverka'"]),
    (lambda r: campaign(r, "ezhovshchina_1937").update(fused_from="1938-01"),
     ["ezhovshchina_1937", "fused_from 1938-01 is outside"]),
])
def test_bad_scenarios_get_one_line_naming_the_problem(edit, words):
    message = _error(edit)
    for w in words:
        assert w in message, message


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "broken.toml"
    bad.write_text("[scenario\nname = 'x'")
    with pytest.raises(ScenarioError, match="broken.toml: not valid TOML"):
        load_scenario(bad)


def test_an_edited_copy_changes_the_run(tmp_path):
    """Users copy the calendar, edit it, and the model follows the edit."""
    import re

    from model.scenario import default_scenario_path

    text = default_scenario_path().read_text()
    start = text.index('name = "chistka"')
    end = text.index("[[campaigns]]", start)
    block = re.sub(r"\nintensity = [0-9.]+", "\nintensity = 0.0", text[start:end])
    block = re.sub(r"\npace = [0-9.]+", "\npace = 0.0", block)
    edited = tmp_path / "no_chistka.toml"
    edited.write_text(text[:start] + block + text[end:])
    scenario = load_scenario(edited)
    assert next(c for c in scenario.campaigns if c.name == "chistka").intensity == 0.0
    model = PurgeModel(scenario=scenario, rng=1, n_members=400)
    model.run_for(12)
    assert model.datacollector.get_table_dataframe("expulsions").query(
        "campaign == 'chistka'").empty


def test_parameter_overrides_are_validated():
    with pytest.raises(ParameterError, match="unknown parameter 'foo'"):
        Parameters().with_overrides({"foo": 1})
    with pytest.raises(ScenarioError, match="protection_strength"):
        PurgeModel(rng=1, protection_strength=3.0)
    assert Parameters().with_overrides({"n_members": 1000.0}).n_members == 1000


def test_a_screenings_target_weight_can_be_overridden():
    """``campaign.targets.ground``: set (or add) one ground's weight, all else kept."""
    base = load_scenario()
    chistka = next(c for c in base.campaigns if c.name == "chistka")
    edited = base.with_overrides({"chistka.targets.opposition": 4.0,
                                  "chistka.targets.old_bolshevik": 1.5})
    new = next(c for c in edited.campaigns if c.name == "chistka")
    assert new.targets == {**chistka.targets, "opposition": 4.0, "old_bolshevik": 1.5}
    assert [c for c in edited.campaigns if c.name != "chistka"] == [
        c for c in base.campaigns if c.name != "chistka"]
    # after a variant: the variant's targets, then the override
    from experiments.runner import build_scenario
    tot = build_scenario(None, "totalitarian", {"proverka.targets.passivity": 2.0})
    proverka = next(c for c in tot.campaigns if c.name == "proverka")
    assert proverka.targets["passivity"] == 2.0 and proverka.targets["opposition"] == 3.0


@pytest.mark.parametrize("key, value, message", [
    ("chistka.targets.kulaks", 1.0, "unknown ground 'kulaks'"),
    ("chistka.targets.oposition", 1.0, "did you mean 'opposition'"),
    ("chistka.targets.opposition", 101.0, r"must be a number in \[0, 100\]"),
    ("chistka.targets.opposition", True, r"must be a number in \[0, 100\]"),
    ("party_elections.targets.opposition", 1.0, "not a screening"),
])
def test_bad_target_overrides_name_the_problem(key, value, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenario().with_overrides({key: value})


def test_every_parameter_names_its_source(book_lines):
    """Each source cites a book line that exists, a table we hold, or an ASSUMPTION's reason."""
    import re

    from experiments.history import load_figures

    tables = set(load_figures()["source_table"])
    for row in Parameters.describe():
        src, name = row["source"], row["name"]
        lines = [int(n) for n in re.findall(r"\bL(\d+)\b", src)]
        cited_tables = re.findall(r"Table \d\.\d", src)
        assumption = "ASSUMPTION" in src
        assert lines or cited_tables or assumption, name
        assert all(1 <= n <= len(book_lines) and book_lines[n - 1].strip() for n in lines), name
        assert set(cited_tables) <= tables, name
        reason = re.sub(r"ASSUMPTION|[^A-Za-z]", "", src)
        assert len(reason) >= 15, f"{name}: an ASSUMPTION needs its reason"


def test_parsing_does_not_change_its_input():
    raw = historical_raw()
    before = copy.deepcopy(raw)
    parse_scenario(raw)
    assert raw == before
