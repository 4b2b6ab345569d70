"""Faithful to the book: mechanisms that the book describes one way and not another.

Each test names the book's lines and fails when the model departs from them.
"""

from __future__ import annotations

from collections import Counter

import pytest

from model import ArrayPurgeModel, PurgeModel, load_scenario
from model.census import LEVELS, PARTY_POSTS
from model.reporters import expulsions_table, monthly_table
from tests.conftest import campaign, edited_scenario, run_until

SEEDS = range(1, 31)


@pytest.fixture(scope="module")
def orders_1933_36() -> list[list[tuple[str, str, str, str]]]:
    """The center's orders (month, region, campaign, kind) in each of 30 seeds, 1933-36."""
    out = []
    for seed in SEEDS:
        model = run_until(ArrayPurgeModel(rng=seed, n_members=2000), "1936-12")
        out.append([(month, r.name, name, kind) for r in model.regions
                    for month, name, kind in r.orders])
    return out


def test_repeats_are_a_proverka_event(orders_1933_36):
    """Repeats are a proverka event (L790, L802, L940, L954).

    Never in the chistka or the obmen, where the book reports none.
    """
    kinds = Counter((name, kind) for run in orders_1933_36 for _, _, name, kind in run)
    assert kinds[("proverka", "repeat")] > 0
    assert kinds[("chistka", "repeat")] == 0 and kinds[("obmen", "repeat")] == 0


def test_the_western_region_is_ordered_to_repeat_in_june_1935(orders_1933_36):
    """The Western Obkom ordered to begin again on June 27, 1935 (L790): the normal outcome.

    The order followed the regions' first reports (June 11-21, L788).
    """
    june = sum(("1935-06", "Western Region", "proverka", "repeat") in run
               for run in orders_1933_36)
    assert june >= 0.55 * len(SEEDS)


def test_the_proverka_brings_no_rebuke_for_slowness(orders_1933_36):
    """No rebuke for slowness in the proverka.

    'There was no mention that any party organizations had expelled too few members or
    had proceeded too slowly' (L792).
    """
    assert not any(name == "proverka" and kind == "rebuke"
                   for run in orders_1933_36 for _, _, name, kind in run)


def test_no_report_is_read_before_the_first_month_is_over(orders_1933_36):
    """The regions reported a month into the proverka (L788)."""
    assert not any(month == "1935-05" for run in orders_1933_36 for month, *_ in run)


def test_campaign_flags_switch_the_center_s_orders():
    """The same monitoring with repeats allowed in the chistka orders chistka repeats."""
    scenario = edited_scenario(lambda raw: campaign(raw, "chistka").update(repeats=True))
    found = 0
    for seed in range(1, 6):
        model = run_until(ArrayPurgeModel(scenario=scenario, rng=seed, n_members=2000),
                          "1934-06")
        found += sum(kind == "repeat" for r in model.regions for _, name, kind in r.orders
                     if name == "chistka")
    assert found > 0


@pytest.mark.parametrize("cls", [PurgeModel, ArrayPurgeModel])
def test_the_channels_fuse_in_july_1937(cls):
    """The channels fuse in July 1937, not June.

    'The two radical currents of the 1930s had converged in July 1937' (L2004-2006): no
    criticism becomes an arrest before July; in June leaders removed from above were
    arrested all the same (Rumiantsev, L2000).
    """
    spec = next(c for c in load_scenario().campaigns if c.name == "ezhovshchina_1937")
    assert spec.fused and spec.fused_from == "1937-07"
    model = run_until(cls(rng=1, n_members=3000), "1937-06")
    assert not model.fused and model.removal_is_arrest
    model.step()
    assert model.month_label == "1937-07" and model.fused
    e = expulsions_table(run_until(model, "1937-12"))
    fused = e[e["campaign"] == "fused_criticism"]
    assert len(fused) and (fused["month"] >= "1937-07").all()


def test_fused_from_outside_the_campaign_is_refused():
    from model.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="fused_from 1936-01 is outside"):
        edited_scenario(lambda raw: campaign(raw, "ezhovshchina_1937").update(
            fused_from="1936-01"))


@pytest.mark.parametrize("cls", [PurgeModel, ArrayPurgeModel])
def test_the_1937_elections_ballot_party_posts_only(cls):
    """The 1937 secret ballots renewed party posts only.

    Party elections renewed party committees (L1645-1647): directors and kolkhoz chairmen
    (other officials) held state posts that no party ballot took away (L1819).
    """
    monthly = monthly_table(run_until(cls(rng=1, n_members=3000), "1937-06"))
    balloted = {lvl for lvl in LEVELS[1:] if monthly[f"election_holders_{lvl}"].sum() > 0}
    assert balloted == {LEVELS[post] for post in PARTY_POSTS}
    assert monthly["voted_out_other_official"].sum() == 0


@pytest.mark.parametrize("cls", [PurgeModel, ArrayPurgeModel])
def test_a_declared_alien_origin_is_not_grounds_for_expulsion(cls):
    """Only *hiding* an alien origin led to expulsion (L531, L874-876).

    Statements about an origin declared on joining were upheld but disregarded as
    matters of record; every expulsion for an alien past is of a member who hid it.
    """
    model = run_until(cls(rng=3, n_members=4000), "1935-12")
    members = model.membership_table().set_index("row")
    expelled = expulsions_table(model)
    alien = expelled[expelled["reason"] == "alien_past"]["member_id"]
    assert len(alien) > 0
    assert members.loc[alien, "alien_past"].all()
    assert not members.loc[alien, "alien_declared"].any()
    assert monthly_table(model)["denunciations_disregarded"].sum() > 0


def test_investigation_discriminates():
    """The 1935 investigations were 'less arbitrary than one might have thought' (L874).

    About one-fifth of the statements were found groundless and ignored (L855, L876):
    a baseless accusation must be upheld far less often than a grounded one.
    """
    from model import Parameters, rules
    d = Parameters()
    baseless = rules.investigate(0.0, 1.0, d.true_support, d.false_support)
    grounded = rules.investigate(1.0, 1.0, d.true_support, d.false_support)
    assert baseless <= 0.25 and grounded >= 3 * baseless


def test_the_scorecard_reads_table_3_2_either_way():
    """Both readings of Table 3.2's 71 statements are scored, with the same figures.

    The table leaves 71 checked statements without a result (L861); the text puts 71
    among the supported, disregarded (L874).
    """
    from experiments import scorecard
    book = scorecard.book_values()
    no_result = dict((p.name, p.targets) for p in scorecard.patterns("no_result"))
    disregarded = dict((p.name, p.targets) for p in scorecard.patterns("disregarded"))
    chain = scorecard.CHAIN_PATTERN
    assert "chain_no_result_share" in no_result[chain]
    assert "chain_disregarded_share" in disregarded[chain]
    assert book["chain_no_result_share"] == pytest.approx(71 / 492)
    assert book["chain_disregarded_share"] == pytest.approx(71 / 323)
    assert book["chain_upheld_share"] == pytest.approx(323 / 492)
    with pytest.raises(ValueError, match="unknown reading"):
        scorecard.patterns("neither")
