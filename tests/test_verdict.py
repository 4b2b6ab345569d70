"""The verdict (issue 16): explanations and priors, separating statistics, model choice.

The explanations file is held to its rules (a reason for every range, every key valid,
no prior undoing a variant); the separation measure to its definition; the prior
predictive to determinism; ``purges verdict`` to its outputs and one-line errors; and
the model choice to recovering, from a synthetic record made by one explanation with
known parameters, that explanation.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from experiments import verdict as v
from experiments.explanations import (
    EXPLANATIONS_FILE,
    ExplanationsError,
    load_explanations,
)
from model.variants import VARIANTS


def test_every_explanation_has_its_priors_each_with_a_cited_reason(book_lines):
    explanations = load_explanations()
    assert set(explanations) == set(VARIANTS)  # every explanation the project knows
    for e in explanations.values():
        assert e.priors, e.name
        for p in e.priors:
            assert p.low < p.high
            for n in map(int, re.findall(r"\bL(\d+)\b", p.why)):
                assert 1 <= n <= len(book_lines) and book_lines[n - 1].strip(), (e.name, p.name)
            assert re.search(r"\bL\d+\b|Table \d\.\d|ASSUMPTION", p.why), (e.name, p.name)
    # the rival's best case: its own targets, pace and police intensity are free
    own = set(explanations["totalitarian"].parameter_names)
    assert {"chistka.targets.opposition", "chistka.pace",
            "ezhovshchina_1937.arrest_rate", "ezhovshchina_1938.arrest_rate"} <= own
    # an ablation never frees what it switches off
    for name in ("no-protection", "no-deflection", "no-records-chaos"):
        fixed = set(VARIANTS[name].parameters)
        assert not fixed & set(explanations[name].parameter_names), name


def _write(tmp_path, text: str):
    path = tmp_path / "explanations.toml"
    path.write_text(text)
    return path


GOOD = """
[common.priors]
"chistka.intensity" = { low = 0.2, high = 2.5, why = "hand-set 1.13, Table 3.4" }
[a]
variant = "center-periphery"
[a.priors]
"deflection" = { low = 0.0, high = 3.0, why = "ASSUMPTION: none to twice" }
"""


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('variant = "center-periphery"', 'variant = "centre"'),
     r"\[a\]: 'variant' must be one of"),
    (lambda t: t.replace('low = 0.0, high = 3.0', 'low = 3.0, high = 0.0'),
     "low 3.0 is not below high 0.0"),
    (lambda t: t.replace('why = "ASSUMPTION: none to twice"', 'why = "x"'),
     "needs its reason"),
    (lambda t: t.replace('"deflection"', '"deflektion"'), r"\[a\]: .*deflektion"),
    (lambda t: t.replace('"deflection" = { low = 0.0, high = 3.0',
                         '"chistka.targets.kulaks" = { low = 0.0, high = 3.0'),
     "unknown ground 'kulaks'"),
    (lambda t: t.replace('variant = "center-periphery"', 'variant = "no-deflection"'),
     "prior on 'deflection', which the variant 'no-deflection' fixes"),
    (lambda t: t + "\n[b]\nvariant = \"totalitarian\"\npriors_from = \"nobody\"\n",
     "'priors_from' must name an explanation"),
    (lambda t: t.replace("[a]", "[a]\ncolour = 1"), "unknown key 'colour'"),
    (lambda t: t.replace("= {", "= {{"), "not valid TOML"),
])
def test_a_bad_explanations_file_is_one_line_naming_the_problem(tmp_path, edit, message):
    assert load_explanations(_write(tmp_path, GOOD))  # the unedited file is good
    with pytest.raises(ExplanationsError, match=message) as err:
        load_explanations(_write(tmp_path, edit(GOOD)))
    assert "\n" not in str(err.value)


def test_the_default_file_is_the_packaged_one():
    assert EXPLANATIONS_FILE.is_file()
    with pytest.raises(ExplanationsError, match="no such file"):
        load_explanations(EXPLANATIONS_FILE.with_name("missing.toml"))


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(-100, 100, allow_nan=False), min_size=3, max_size=30,
                       unique=True),
       shift=st.floats(0, 4, allow_nan=False))
def test_a_statistic_separates_two_explanations_when_their_means_differ_by_a_pooled_sd(
        values, shift):
    """The same draws moved by ``shift`` pooled sds: separating iff shift >= 1 sd."""
    x = np.asarray(values)
    sd = x.std(ddof=1)
    assume(sd > 1e-6)  # a statistic that varies (not by a subnormal amount)
    table = pd.DataFrame({"explanation": ["a"] * len(x) + ["b"] * len(x),
                          "s": np.r_[x, x + shift * sd]})
    row = v.separation(table, ["s"]).iloc[0]
    assert row["standardized_difference"] == pytest.approx(shift, abs=1e-6)
    if abs(shift - v.SEPARATING_SD) > 1e-6:
        assert row["separates"] == (shift > v.SEPARATING_SD)
    assert v.separating_statistics(v.separation(table, ["s"])) == (
        ("s",) if row["separates"] else ())


def test_a_constant_statistic_separates_only_where_its_values_differ():
    table = pd.DataFrame({"explanation": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
                          "s": [0.0] * 6 + [1.0] * 3})
    pairs = v.separation(table, ["s"]).set_index(["a", "b"])
    assert not pairs.loc[("a", "b"), "separates"]
    assert pairs.loc[("a", "c"), "separates"] and pairs.loc[("b", "c"), "separates"]


def test_the_prior_predictive_is_the_same_for_a_seed_whatever_the_workers():
    explanations = load_explanations()
    pair = [explanations["center-periphery"], explanations["totalitarian"]]
    names = ("chistka_national", "chistka_passivity_share")
    one = v.prior_predictive(pair, 3, seed=4, names=names, workers=1)
    two = v.prior_predictive(pair, 3, seed=4, names=names, workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert list(one["explanation"]) == ["center-periphery"] * 3 + ["totalitarian"] * 3
    for e in pair:  # every draw inside its priors
        rows = one[one["explanation"] == e.name]
        for p in e.priors:
            assert rows[f"param:{p.name}"].between(p.low, p.high).all()
    other = v.prior_predictive(pair, 3, seed=5, names=names, workers=1)
    assert not one.equals(other)


# ------------------------------------------------------------ learned summaries
def _toy_table(draws: int = 60, seed: int = 3) -> pd.DataFrame:
    """Three explanations: B apart from A on x1; C made exactly as A (not identifiable)."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, shift in (("A", 0.0), ("B", 3.0), ("C", 0.0)):
        for _ in range(draws):
            rows.append({"explanation": name, "x1": rng.normal(shift, 1.0),
                         "x2": rng.normal(0.0, 1.0)})
    return pd.DataFrame(rows)


def test_the_discriminant_weighs_a_record_by_which_explanation_made_it():
    table = _toy_table()
    d = v.discriminant(table, ("x1", "x2"))
    assert d.explanations == ("A", "B", "C")
    assert v.discriminant(table, ("x1", "x2")).fingerprint == d.fingerprint  # deterministic
    at_b = {"x1": 3.0, "x2": 0.0}
    at_a = {"x1": 0.0, "x2": 0.0}
    assert d.probabilities(at_b)["B"] > 0.9
    assert d.probabilities(at_a)["B"] < 0.1
    # A and C made alike: the regression cannot prefer one of them much
    assert abs(d.probabilities(at_a)["A"] - d.probabilities(at_a)["C"]) < 0.3
    assert d.distance(at_a, at_a) == 0.0
    assert d.distance(at_a, at_b) == pytest.approx(d.distance(at_b, at_a))
    assert d.distance(at_a, at_b) > 1.0
    # refitted on other runs, the fit differs, and a choice refuses a fit on other names
    assert v.discriminant(_toy_table(seed=4), ("x1", "x2")).fingerprint != d.fingerprint
    with pytest.raises(ValueError, match="other statistics"):
        v.model_choice([], ("x1",), at_a, "unused.db", population=2, generations=1,
                       summary=d)


@settings(max_examples=40, deadline=None)
@given(x1=st.one_of(st.floats(-50, 50), st.just(float("nan"))), x2=st.floats(-50, 50))
def test_discriminant_probabilities_are_a_distribution_and_a_gap_takes_the_median(x1, x2):
    d = _TOY_FIT
    p = d.probabilities({"x1": x1, "x2": x2})
    assert set(p) == {"A", "B", "C"} and sum(p.values()) == pytest.approx(1.0)
    assert all(0.0 <= q <= 1.0 for q in p.values())
    z = d.log_odds({"x1": x1, "x2": x2})
    assert z.sum() == pytest.approx(0.0, abs=1e-9)
    if np.isnan(x1):  # a run without the statistic counts as the prior predictive's median
        assert np.allclose(z, d.log_odds({"x1": d.fill[0], "x2": x2}))


_TOY_FIT = v.discriminant(_toy_table(), ("x1", "x2"))


def test_a_discriminant_between_two_explanations_is_the_logistic_regression():
    table = _toy_table()
    two = table[table["explanation"].isin(("A", "B"))]
    d = v.discriminant(two, ("x1", "x2"))
    assert d.explanations == ("A", "B") and d.coef.shape == (2, 2)
    assert d.probabilities({"x1": 3.0, "x2": 0.0})["B"] > 0.9
    assert d.probabilities({"x1": 0.0, "x2": 0.0})["A"] > 0.9


def test_identifiability_tells_which_pairs_a_record_can_separate():
    table = _toy_table()
    pairs = v.identifiability(table, ("x1", "x2")).set_index(["a", "b"])["accuracy"]
    assert pairs["A", "B"] > 0.9 and pairs["B", "C"] > 0.9
    assert pairs["A", "C"] < v.IDENTIFIABLE  # made alike: near chance
    table_of = v.identifiability(table, ("x1", "x2"))
    assert v.indistinguishable(table_of, "A") == ("C",)
    assert v.indistinguishable(table_of, "C") == ("A",)
    assert v.indistinguishable(table_of, "B") == ()


@settings(max_examples=30, deadline=None)
@given(x1=st.floats(-20, 20), x2=st.floats(-20, 20))
def test_the_drivers_add_up_to_the_log_odds(x1, x2):
    record = {"x1": x1, "x2": x2}
    shares = v.drivers(_TOY_FIT, record)
    total = shares.groupby("explanation", sort=False)["share_of_log_odds"].sum()
    intercept = _TOY_FIT.intercept - _TOY_FIT.intercept.mean()
    assert np.allclose(total.to_numpy() + intercept, _TOY_FIT.log_odds(record))


def test_the_driver_of_a_verdict_is_the_statistic_that_separates():
    shares = v.drivers(_TOY_FIT, {"x1": 3.0, "x2": 0.0}).set_index(["explanation", "statistic"])
    b = shares.loc["B", "share_of_log_odds"]
    assert b["x1"] > 1.0 and abs(b["x2"]) < b["x1"] / 5  # x1 made B's record; x2 did not


def test_a_record_outside_every_run_is_flagged():
    table = _toy_table()
    inside = v.record_log_odds(_TOY_FIT, table, {"x1": 0.5, "x2": 0.0})
    assert inside["inside"].all()
    assert inside["regression_probability"].sum() == pytest.approx(1.0)
    outside = v.record_log_odds(_TOY_FIT, table, {"x1": 40.0, "x2": 0.0})
    assert not outside.set_index("explanation").loc["B", "inside"]


# ---------------------------------------------------------------------- end to end
SMALL = ["--draws", "6", "--population", "16", "--generations", "2", "--repeats", "2",
         "--set", "n_members=1200", "--workers", "1", "--quiet"]


def test_purges_verdict_writes_its_tables_figures_and_report_and_resumes(tmp_path):
    from experiments.cli.main import main

    out = tmp_path / "verdict"
    args = ["verdict", "--explanations", "center-periphery,totalitarian", *SMALL,
            "--no-out-of-sample", "--out", str(out)]
    assert main(args) == 0
    for name in ("prior_predictive.csv", "separation.csv", "model_probabilities.csv",
                 "bayes_factors.csv", "generations.csv", "model_probabilities.png",
                 "separation.png", "verdict.html", "manifest.json", "verdict.db",
                 "identifiability.csv", "record_log_odds.csv", "drivers.csv",
                 "prior_predictive-1.csv", "repeats_log_odds.csv"):
        assert (out / name).stat().st_size > 0, name
    # each repeat is the whole inference: its own prior predictive and log-odds regression
    first, second = (pd.read_csv(out / f) for f in ("prior_predictive.csv",
                                                    "prior_predictive-1.csv"))
    assert first.shape == second.shape and not first.equals(second)
    learned = pd.read_csv(out / "repeats_log_odds.csv")
    assert sorted(learned["repeat"].unique()) == [0, 1]
    assert len(set(learned.groupby("repeat")["record_log_odds"].apply(tuple))) == 2
    probs = pd.read_csv(out / "model_probabilities.csv")
    assert list(probs.columns) == ["generation", "center-periphery", "totalitarian", "repeat"]
    assert list(probs["generation"]) == [0, 1, 0, 1] and list(probs["repeat"]) == [0, 0, 1, 1]
    assert np.allclose(probs[["center-periphery", "totalitarian"]].sum(axis=1), 1.0)
    # the Monte Carlo error: the repeats' final probabilities, summarized
    posterior = pd.read_csv(out / "bayes_factors.csv").set_index("explanation")
    finals = probs[probs["generation"] == 1].set_index("repeat")
    for name in ("center-periphery", "totalitarian"):
        assert posterior.loc[name, "probability"] == pytest.approx(finals[name].mean())
        assert posterior.loc[name, "probability_sd"] == pytest.approx(finals[name].std(ddof=1))
    assert posterior["probability"].sum() == pytest.approx(1.0)
    assert posterior["bayes_factor_vs_best"].max() == pytest.approx(1.0)
    manifest = pd.read_json(out / "manifest.json", typ="series")
    assert manifest["tool"] == "purges verdict" and manifest["fixed"] == {"n_members": 1200}
    assert manifest["repeats"] == 2 and "pyabc" in manifest["packages"]
    used = set(manifest["statistics"])
    assert used and used <= set(v.statistics())
    assert "withheld" not in " ".join(used)
    page = (out / "verdict.html").read_text()
    best = pd.read_csv(out / "bayes_factors.csv").iloc[0]  # sorted, most probable first
    assert f"<b>{best['explanation']}</b>" in page and "Not measured in this run" in page
    assert "over 2 repeats" in page
    assert "rest on most" in page  # the figures the favoured explanation rests on
    # interrupted or extended: the same folder continues the same model choice
    prior = pd.read_csv(out / "prior_predictive.csv")
    assert main([*args[:args.index("--generations") + 1], "3",
                 *args[args.index("--generations") + 2:]]) == 0
    again = pd.read_csv(out / "model_probabilities.csv")
    assert list(again["generation"]) == [0, 1, 2, 0, 1, 2]
    for r in (0, 1):  # each repeat continued from its own database
        pd.testing.assert_frame_equal(
            again[again["repeat"] == r].iloc[:2].reset_index(drop=True),
            probs[probs["repeat"] == r].reset_index(drop=True))
    pd.testing.assert_frame_equal(pd.read_csv(out / "prior_predictive.csv"), prior)
    pd.testing.assert_frame_equal(pd.read_csv(out / "prior_predictive-1.csv"), second)


@pytest.mark.parametrize("args, message", [
    (["--explanations", "center-periphery,stalinism"], "unknown explanation 'stalinism'"),
    (["--explanations", "center-periphery"], "at least two explanations"),
    (["--population", "1"], "--population must be at least 2"),
    (["--repeats", "0"], "--repeats must be at least 1"),
    (["--set", "n_members=-5"], "n_members"),
])
def test_bad_verdict_input_is_one_line_and_runs_nothing(tmp_path, capsys, args, message):
    from experiments.cli.main import main

    out = tmp_path / "v"
    assert main(["verdict", *args, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("purges: error:") and message in err and "\n" not in err
    assert not (out / "prior_predictive.csv").exists()


@pytest.mark.parametrize("truth, rival", [
    ("center-periphery", "totalitarian"), ("totalitarian", "center-periphery"),
    ("center-periphery", "no-criticism"), ("no-criticism", "center-periphery")])
def test_the_model_choice_finds_the_explanation_that_made_a_synthetic_record(
        tmp_path, truth, rival):
    """A synthetic record is given back to the explanation that made it (issue 16, part 3).

    The record is one run (so it carries a record's noise) of one explanation with known
    parameters, the middle of its priors; the model choice between it and a rival must
    give it a posterior probability of at least 0.8. The pairs are the two schools both
    ways, and Getty's account against its ablation without criticism from below both ways
    (the pair the visible figures could not tell apart until the 1937 elections' visible
    fact, that some leaders below the region were voted out, became a statistic: 0.46
    against 0.29 for the wrong one, December 7, 2026), at a tiny budget and scale (1,200
    members). The other ablations are not held to it
    here: one record of an ablation against Getty's full account is too noisy at this
    budget. The ablation of the records' chaos got 0.70-0.80; a record without protection
    got at least 0.8 in two of three records and 0.54 in the third (December 6, 2026,
    after thinning changed the seeded streams: records 2024, 7 and 99; 0.05, 0.85 and 1.00
    with twice the draws; and at 4,000 members 1.00, 1.00 and 0.27), so its passing
    before had been the luck of one record. The 7-way check of every explanation at the
    default scale and budget is ``purges verdict --recovery`` (README).
    """
    from experiments.recipes import verdict

    explanations = load_explanations()
    made_by = explanations[truth]
    known = {p.name: p.low + 0.5 * (p.high - p.low) for p in made_by.priors}  # mid-prior
    fixed = {"n_members": 1200}
    record = v.synthetic_record(made_by, known, v.statistics(), seed=2024, fixed=fixed)
    found = verdict(tmp_path / truth, explanations=[truth, rival],
                    draws=12, population=30, generations=3, repeats=1, seed=1, workers=2,
                    fixed=fixed, observed=record, out_of_sample=False)
    probability = found.posterior.set_index("explanation")["probability"]
    assert probability[truth] >= 0.8, probability.to_dict()


def test_out_of_sample_calibrates_on_1933_36_and_predicts_1937_38(tmp_path):
    """Issue 16, part 5: 90 % predictive intervals, coverage, fitted against predicted."""
    from experiments.recipes import verdict

    found = verdict(tmp_path / "oos", explanations=["center-periphery", "totalitarian"],
                    draws=6, population=16, generations=2, repeats=1, workers=2,
                    fixed={"n_members": 1200},
                    out_of_sample_budget={"population": 16, "generations": 2, "draws": 12},
                    recovery=True, recovery_budget={"population": 16, "generations": 2})
    # the recovery check's confusion table: one row per explanation that made a record
    confusion = found.recovery.set_index("truth")
    assert list(confusion.index) == ["center-periphery", "totalitarian"]
    assert np.allclose(confusion[["center-periphery", "totalitarian"]].sum(axis=1), 1.0)
    assert (confusion["recovered"] == (confusion["found"] == confusion.index)).all()
    # up to the explanations the statistics cannot tell from the truth
    for truth, row in confusion.iterrows():
        alike = v.indistinguishable(found.identifiability, truth)
        assert row["probability_of_alike"] == pytest.approx(
            row[[truth, *alike]].sum())
        assert row["recovered_up_to_alike"] == (row["found"] in (truth, *alike))
    assert (tmp_path / "oos" / "recovery.csv").stat().st_size > 0
    assert "Does it find the truth" in (tmp_path / "oos" / "verdict.html").read_text()
    checks = found.checks
    later = set(checks.loc[checks["period"] == "predicted", "statistic"])
    assert later == set(v.LATER) and later.isdisjoint(
        checks.loc[checks["period"] == "fitted", "statistic"])
    assert set(checks["statistic"]) == set(v.statistics())
    assert (checks["runs"] <= 12).all() and set(checks["explanation"]) == {
        "center-periphery", "totalitarian"}
    ok = checks.dropna(subset=["low"])
    assert (ok["low"] <= ok["median"]).all() and (ok["median"] <= ok["high"]).all()
    assert (ok["inside"] == ((ok["low"] <= ok["book"]) & (ok["book"] <= ok["high"]))).all()
    summary = found.out_of_sample.set_index(["explanation", "period"])
    for (name, period), row in summary.iterrows():
        mine = checks[(checks["explanation"] == name) & (checks["period"] == period)]
        assert row["coverage"] == pytest.approx(mine["inside"].mean())
    for name in ("predictive_checks.csv", "out_of_sample.csv", "predictive_runs.csv",
                 "predictive_intervals.png", "oos-totalitarian.db"):
        assert (tmp_path / "oos" / name).stat().st_size > 0, name
    # the calibration read only 1933-1936: the 1937-38 statistics are not in its database
    import pyabc
    history = pyabc.History(f"sqlite:///{tmp_path / 'oos' / 'oos-center-periphery.db'}")
    assert set(history.observed_sum_stat()).isdisjoint(v.LATER)


@settings(max_examples=30, deadline=None)
@given(factor=st.floats(0.1, 5.0, allow_nan=False),
       name=st.sampled_from(["center-periphery", "totalitarian", "no-protection"]))
def test_scaled_priors_keep_their_middle_and_stay_valid(factor, name):
    explanation = load_explanations()[name]
    scaled = v.scaled_priors(explanation, factor)
    assert [p.name for p in scaled.priors] == [p.name for p in explanation.priors]
    for old, new in zip(explanation.priors, scaled.priors, strict=True):
        lo, hi = v._valid_range(old.name)
        assert lo <= new.low < new.high <= hi
        if lo < (old.low + old.high) / 2 - factor * (old.high - old.low) / 2 and (
                (old.low + old.high) / 2 + factor * (old.high - old.low) / 2) < hi:
            assert new.high - new.low == pytest.approx(factor * (old.high - old.low))
            assert (new.low + new.high) / 2 == pytest.approx((old.low + old.high) / 2)


def test_the_robustness_table_covers_priors_patterns_scale_and_units(tmp_path):
    """Issue 16, part 4, end to end at a tiny budget: every variation re-run and tabled."""
    from experiments.recipes import verdict

    found = verdict(tmp_path / "rob", explanations=["center-periphery", "totalitarian"],
                    draws=6, population=16, generations=2, repeats=1, workers=2,
                    fixed={"n_members": 1000}, out_of_sample=False, robustness=True,
                    robustness_budget={"population": 12, "generations": 1})
    table = found.robustness
    kinds = {c["name"]: c["what"] for c in v.robustness_variations(
        found.statistics, found.prior_predictive, 1000)}
    assert "4,000 members" in kinds
    assert ({"priors", "patterns", "scale", "distance"} <= set(kinds.values())
            <= {"priors", "patterns", "scale", "distance", "reading"})
    assert list(table["variation"]) == ["the verdict (mean of repeats)", *kinds]
    probs = table[["center-periphery", "totalitarian"]]
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert (table["agrees"] == (table["best"] == table["best"].iloc[0])).all()
    assert (tmp_path / "rob" / "robustness.png").stat().st_size > 0
    assert "How robust" in (tmp_path / "rob" / "verdict.html").read_text()
    # a pattern left out is left out of the distance
    left_out = [c for c in v.robustness_variations(found.statistics, found.prior_predictive)
                if c["what"] == "patterns"]
    assert all(set(c["statistics"]) < set(found.statistics) for c in left_out)


def test_another_reading_of_a_figure_is_a_robustness_variation():
    """L1057's leaders: 485 of the 1,068 described (45 %) or of all 1,510 expelled (32 %)."""
    used = ("proverka_leading_work_share", "chistka_national")
    table = pd.DataFrame({"explanation": ["a", "a", "b", "b"],
                          "proverka_leading_work_share": [10.0, 20.0, 30.0, 40.0],
                          "chistka_national": [1.0, 2.0, 3.0, 4.0]})
    readings = [c for c in v.robustness_variations(used, table) if c["what"] == "reading"]
    assert len(readings) == 1 and "statistics" not in readings[0]
    assert readings[0]["record"]["proverka_leading_work_share"] == pytest.approx(
        100 * 485 / (1068 + 442))
    assert from_book_value("proverka_leading_work_share") == pytest.approx(100 * 485 / 1068)
    # a reading of a statistic the choice does not use is not a variation
    assert not [c for c in v.robustness_variations(("chistka_national",), table)
                if c["what"] == "reading"]


def test_the_city_of_smolensks_chistka_figure_left_out_is_a_robustness_variation():
    """Table 3.4's Smolensk chistka figure is the city's (L672): a variation leaves it out."""
    used = ("western_chistka", "western_proverka", "chistka_national")
    table = pd.DataFrame({"explanation": ["a", "a", "b", "b"],
                          **{s: [1.0, 2.0, 3.0, 4.0] for s in used}})
    left_out = [c for c in v.robustness_variations(used, table)
                if c["what"] == "reading" and "statistics" in c]
    assert len(left_out) == 1  # (L944's ratio is not among the statistics used here)
    assert left_out[0]["statistics"] == ("western_proverka", "chistka_national")
    assert "L672" in left_out[0]["name"]
    assert not [c for c in v.robustness_variations(("chistka_national",), table)
                if c["what"] == "reading"]


def from_book_value(name: str) -> float:
    from experiments import scorecard

    return scorecard.book_values()[name]


def test_a_database_made_on_another_record_is_not_resumed(tmp_path):
    explanations = load_explanations()
    pair = [explanations["center-periphery"], explanations["totalitarian"]]
    names = ("chistka_national", "proverka_national")
    book = {"chistka_national": 18.5, "proverka_national": 9.0}
    db = tmp_path / "choice.db"
    kwargs = dict(population=10, generations=1, workers=1, fixed={"n_members": 800},
                  resume=True)
    first = v.model_choice(pair, names, book, db, **kwargs)
    assert first.history.observed_sum_stat()["chistka_national"] == 18.5
    other = v.model_choice(pair, names, {**book, "chistka_national": 30.0}, db, **kwargs)
    assert other.history.observed_sum_stat()["chistka_national"] == 30.0
    assert list(other.probabilities["generation"]) == [0]  # started anew, not continued
    # nor one made with other units of distance, or with the learned log-odds
    units = v.model_choice(pair, names, {**book, "chistka_national": 30.0}, db,
                           scales={"chistka_national": 2.0, "proverka_national": 1.0},
                           **kwargs)
    assert v.SUMMARY_KEY in units.history.observed_sum_stat()
    assert list(units.probabilities["generation"]) == [0]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 40))
def test_the_ridged_kernel_proposes_what_it_would_on_pyabcs_own(seed, n):
    """The verdict's kernel (ridged, drawn without pandas) proposes what pyabc's would."""
    import pyabc
    import scipy.stats as sps

    widths = {"a": 1.0, "b": 0.4}

    class Reference(pyabc.MultivariateNormalTransition):  # the ridge on pyabc's own kernel
        def fit(self, X, w):
            super().fit(X, w)
            floor = np.array([(v.KERNEL_FLOOR * widths[c]) ** 2 for c in X.columns])
            self.cov = self.cov + np.diag(floor)
            self.normal = sps.multivariate_normal(cov=self.cov)

    rng = np.random.default_rng(seed)
    population = pd.DataFrame(rng.uniform(0, 1, (n, 2)), columns=["a", "b"])
    weights = rng.uniform(0.1, 1, n)
    weights /= weights.sum()
    proposals = []
    for kernel in (Reference(), v._ridged_transition(widths)):
        kernel.fit(population, weights)
        np.random.seed(seed)
        proposals.append([kernel.rvs() for _ in range(10)])
    assert all(a == b for a, b in zip(*proposals, strict=True))
