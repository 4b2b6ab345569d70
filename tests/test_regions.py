"""The party's regional map (issue 14, part 1): regions as data, cited or drawn, by scale."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.runner import run_seeds
from model import ArrayPurgeModel, load_scenario
from model.regions import TRAITS, RegionMapError, read_region_map
from model.scenario import ScenarioError, default_scenario_path
from model.variants import variant

REGION_FILE = default_scenario_path().parent / "regions_1935.csv"
PROVERKA_FOUR = ["Western Region", "Leningrad Region", "Kursk Region", "Azov-Black Sea Territory"]


@pytest.fixture(scope="module")
def historical_map():
    return load_scenario().region_map


def test_the_default_scale_keeps_the_four_regions_of_the_proverka_account(historical):
    assert [r.name for r in historical.regions] == PROVERKA_FOUR
    western = historical.regions[0]
    assert (western.obstruction, western.formalism, western.machine) == (0.6, 0.6, 1.2)


def test_the_whole_party_has_every_region_at_its_size(historical):
    full = historical.with_parameters(n_members=3_500_000)
    assert len(full.regions) == len(historical.region_map.rows) == 46
    assert {r.name for r in full.regions} >= {"Moscow Region", "Armenia", "Mari Region",
                                              "Saratov Territory", "Vinnitsa Region"}
    assert [r.weight for r in full.regions] == [row.weight for row in historical.region_map.rows]


@given(st.integers(1, 200_000))
def test_a_run_keeps_one_region_per_thousand_members_at_least_four(n):
    region_map = load_scenario().region_map
    kept = region_map.kept(n)
    assert len(kept) == min(46, max(4, n // 1000))
    assert kept == region_map.rows[:len(kept)]  # the book's regions first, in the file's order


def test_the_book_characterized_traits_are_kept_and_the_rest_drawn(historical_map):
    with REGION_FILE.open() as handle:
        cited = {row["name"]: row for row in csv.DictReader(handle)}
    for row in historical_map.rows:
        for trait in TRAITS:
            text = cited[row.name][trait]
            if text:
                assert row.traits[trait] == float(text) and trait not in row.drawn
            else:
                assert trait in row.drawn and 0 <= row.traits[trait] <= TRAITS[trait]
                assert cited[row.name]["traits_source"] == "" or trait not in \
                    cited[row.name]["traits_source"].split(":")[0]


def test_drawn_traits_spread_as_the_cited_ones(historical_map):
    for trait in TRAITS:
        drawn = [r.traits[trait] for r in historical_map.rows if trait in r.drawn]
        mean, sd = historical_map.spread[trait]
        assert len(drawn) >= 25
        assert abs(np.mean(drawn) - mean) < 2.5 * sd / np.sqrt(len(drawn))
        assert 0.5 * sd < np.std(drawn, ddof=1) < 1.6 * sd


def test_the_draw_is_fixed_by_the_scenarios_seed():
    def draw(seed):
        return read_region_map(REGION_FILE, 1000, 4, seed).rows
    assert draw(7) == draw(7)
    assert [r.traits for r in draw(7)] != [r.traits for r in draw(8)]
    assert [r.traits for r in draw(7)][:5] == [r.traits for r in draw(8)][:5]  # all cited


def test_the_june_1937_conference_verdicts_are_the_books(historical_map):
    """L3503 (ch. 6 n. 74): five correct, four unsatisfactory, nine serious mistakes.

    The text says eight (L1944); the note names nine, one of them the Ukraine (the CP(b)U,
    whose oblasts are regions of their own here and have no verdict).
    """
    verdicts = [r.conference_1937 for r in historical_map.rows]
    assert verdicts.count("correct") == 5 and verdicts.count("unsatisfactory") == 4
    assert verdicts.count("serious_mistakes") == 8


def test_a_variants_edit_of_the_traits_holds_at_every_scale(historical):
    edit = variant("obedient-secretaries").regions
    assert edit
    obedient = historical.with_variant("obedient-secretaries")
    for n in (4000, 20_000, 3_500_000):
        regions = obedient.with_parameters(n_members=n).regions
        assert len(regions) == min(46, max(4, n // 1000))
        for trait, value in edit.items():
            assert {getattr(r, trait) for r in regions} == {value}


def test_a_copied_scenario_still_finds_the_packaged_region_file(tmp_path):
    copy = tmp_path / "mine.toml"
    copy.write_text(default_scenario_path().read_text())
    assert load_scenario(copy).with_parameters(n_members=50_000).regions == \
        load_scenario().with_parameters(n_members=50_000).regions


def test_a_region_file_beside_the_scenario_is_used(tmp_path):
    (tmp_path / "regions_1935.csv").write_text(REGION_FILE.read_text().replace(
        "Western Region,oblast,1,", "Western Region,oblast,3,"))
    (tmp_path / "mine.toml").write_text(default_scenario_path().read_text())
    assert load_scenario(tmp_path / "mine.toml").regions[0].weight == 3.0


def test_a_run_at_a_larger_scale_simulates_its_regions_at_their_sizes():
    scenario = load_scenario().with_parameters(n_members=12_000)
    model = ArrayPurgeModel(scenario=scenario, rng=3)
    members = model.membership_table()
    per_region = np.bincount(members["region"], minlength=12)
    assert len(model.live_regions()) == 12 and per_region.min() > 0.6 * 1000
    result = run_seeds(scenario, [3], "arrays")[0]
    assert result.regions["region"].nunique() == 12  # the screenings came before 1937


def _bad(tmp_path: Path, text: str) -> str:
    path = tmp_path / "regions.csv"
    path.write_text(text)
    with pytest.raises(RegionMapError) as info:
        read_region_map(path, 1000, 4, 1)
    message = str(info.value)
    assert "\n" not in message and message.startswith("regions.csv")
    return message


HEADER = "name,kind,weight,obstruction,formalism,machine,traits_source,conference_1937,named_at,note\n"
GOOD = "A,oblast,1,0.2,0.3,1.0,,,,\nB,oblast,1,0.4,0.5,1.2,,,,\n"


@pytest.mark.parametrize(("text", "words"), [
    (HEADER + GOOD + "C,oblast,1,1.5,,,,,,\n", ["line 4", "'C'", "obstruction", "out of range"]),
    (HEADER + GOOD + "C,oblast,big,,,,,,,\n", ["line 4", "weight", "number"]),
    (HEADER + GOOD + "A,oblast,1,,,,,,,\n", ["line 4", "'A' appears twice"]),
    (HEADER + GOOD + "C,oblast,1,,,,,good,,\n", ["conference_1937", "'good'"]),
    (HEADER + GOOD + ",oblast,1,,,,,,,\n", ["line 4", "empty 'name'"]),
    (HEADER + GOOD + "C,oblast,1,,,,,,,,extra\n", ["line 4", "more fields"]),
    (HEADER.replace("machine,", ""), ["missing column", "machine"]),
    (HEADER.replace("note", "notes") + GOOD, ["unknown column", "notes"]),
    (HEADER, ["no regions"]),
    (HEADER + "A,oblast,1,0.2,,1.0,,,,\nB,oblast,1,0.4,0.5,1.2,,,,\n",
     ["'formalism' is blank in 1 rows but cited in fewer than two"]),
])
def test_a_bad_region_file_gets_one_line_naming_the_problem(tmp_path, text, words):
    message = _bad(tmp_path, text)
    for word in words:
        assert word in message, message


def test_a_bad_region_file_in_a_scenario_is_a_scenario_error(tmp_path):
    (tmp_path / "regions_1935.csv").write_text(HEADER + "A,oblast,-1,,,,,,,\n")
    (tmp_path / "mine.toml").write_text(default_scenario_path().read_text())
    with pytest.raises(ScenarioError, match="mine.toml: region file regions_1935.csv: line 2"):
        load_scenario(tmp_path / "mine.toml")


def test_the_books_regional_figures_name_regions_of_the_map(historical_map):
    """Every regional figure the dot plot sets beside the runs names a region of the map."""
    from experiments.history import regional_figures

    figures = regional_figures()
    names = {row.name for row in historical_map.rows}
    assert set(figures["region"]) <= names
    assert {"Table 3.3", "L944", "Table 3.4"} <= {m.split("(")[-1].rstrip(")") for m in
                                                 figures["measure"]}
    western = figures[(figures["region"] == "Western Region")
                      & (figures["operation"] == "proverka")]
    assert sorted(western["value"]) == [7.4, 10.8, 11.0]
