"""The vocabulary of outputs: docs/outputs.md is generated from it, and it matches the tables.

Every output and every column is defined once in experiments/outputs.py; the data
dictionary is generated from it (``python -m experiments.datadict > docs/outputs.md``),
and the columns the commands really write are the ones it documents.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import experiments
from experiments import datadict, docking, metrics, outputs
from experiments.targets import TARGETS

ROOT = Path(__file__).resolve().parents[1]


def test_docs_outputs_md_is_the_generated_dictionary():
    committed = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert committed == datadict.markdown(), (
        "docs/outputs.md is stale: run python -m experiments.datadict > docs/outputs.md")


def test_every_consumer_picks_its_outputs_from_the_one_vocabulary():
    assert set(docking.METRICS) <= set(outputs.OUTPUTS)
    assert set(metrics.SUMMARY) <= set(outputs.OUTPUTS)
    assert {t.output for t in TARGETS} <= set(outputs.OUTPUTS)
    assert all(o.description and o.unit for o in outputs.OUTPUTS.values())


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    return experiments.run_historical(out, seeds=[1, 2], overrides={"n_members": 400},
                                      engine="agents", with_figures=False)


@pytest.mark.parametrize("file", ["monthly.csv", "yearly.csv", "expulsions.csv",
                                  "operations.csv", "regions.csv", "districts.csv",
                                  "regional_secretaries.csv", "conferences.csv",
                                  "breakdown.csv",
                                  "comparison.csv"])
def test_the_columns_written_by_purges_run_are_the_documented_ones(small_run, file):
    written = list(pd.read_csv(small_run.out / file, nrows=1).columns)
    assert written == [c.name for c in outputs.table(file).columns]


def test_every_output_has_a_value_on_a_real_run(small_run):
    values = {name: outputs.value(name, r) for r in small_run.results
              for name in outputs.OUTPUTS}
    assert all(isinstance(v, float) for v in values.values())
    assert np.isfinite(values["rate_1933"]) and values["rate_1933"] > 0
    summary = metrics.summarize(small_run.results[0])
    assert summary["rate_1933"] == outputs.value("rate_1933", small_run.results[0])
    assert summary["target_expelled_1937"] == outputs.value("rate_1937", small_run.results[0])


@pytest.mark.parametrize("engine", ["arrays", "agents"])
def test_a_runs_frames_are_its_tables_and_its_summary_builds_none(engine):
    """A RunResult keeps columns; its frames are the model's tables; a summary reads columns."""
    from experiments.runner import build_scenario, result_of, simulate
    from model.reporters import expulsions_table, monthly_table, operations_table, regions_table, yearly_table

    model = simulate(build_scenario(None, None, {"n_members": 300}), 5, engine)
    result = result_of(model, 5)
    summary = metrics.summarize(result)
    series = metrics.yearly_series(result)
    assert not result._frames, "a sweep's record of a run should not build pandas frames"
    for table, made in (("monthly", monthly_table(model)), ("yearly", yearly_table(model)),
                        ("expulsions", expulsions_table(model))):
        made.insert(0, "seed", 5)
        pd.testing.assert_frame_equal(getattr(result, table), made)
    pd.testing.assert_frame_equal(result.operations, operations_table(model))
    pd.testing.assert_frame_equal(result.regions, regions_table(model))
    # what the summary read off the columns is what the frames say
    pd.testing.assert_frame_equal(series, result.yearly[list(metrics.YEARLY_COLUMNS)],
                                  check_dtype=False)
    # a sweep's journal keeps the same series as lists
    pd.testing.assert_frame_equal(pd.DataFrame(metrics.yearly_record(result)), series)
    yearly = result.yearly
    assert summary["records_loss_pct"] == pytest.approx(
        100 * yearly["lost_from_rolls"].sum() / yearly["members_start"].iloc[0])
    assert summary["rate_1933"] == yearly.set_index("year").loc[1933, "expulsion_rate_pct"]
    office = result.expulsions["level"] != "rank_and_file"
    assert summary["leaders_share"] == pytest.approx(office.mean())


def test_a_lazy_result_makes_only_the_tables_read_and_each_as_the_full_result_has_it():
    """result_of(lazy=True), as a calibration reads its runs: the same tables, when read."""
    from experiments.runner import TABLE_NAMES, build_scenario, result_of, simulate

    model = simulate(build_scenario(None, None, {"n_members": 300}), 5, "arrays")
    full, lazy = result_of(model, 5), result_of(model, 5, lazy=True)
    assert outputs.value("chistka_national", lazy) == outputs.value("chistka_national", full)
    assert "districts" not in lazy.columns  # (not read by that output)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(lazy, name), getattr(full, name))
    with pytest.raises(KeyError):
        lazy.columns["no_such_table"]  # noqa: B018


def test_the_monthly_collector_collects_as_mesas_and_refuses_what_it_would_not_read():
    """MonthlyCollector: Mesa's DataCollector without copies, for model reporters only."""
    import mesa

    from model import PurgeModel
    from model.reporters import MonthlyCollector, model_reporters

    model = PurgeModel(n_members=150, rng=2)
    ours, mesas = MonthlyCollector(model_reporters()), mesa.DataCollector(model_reporters())
    for _ in range(3):
        model.step()
        ours.collect(model)
        mesas.collect(model)
    assert ours.model_vars["month"] == mesas.model_vars["month"]
    assert np.array_equal(np.vstack(ours.model_vars["counts"]), np.vstack(mesas.model_vars["counts"]))
    with pytest.raises(ValueError, match="model reporters only"):
        MonthlyCollector(model_reporters(), agent_reporters={"grievance": "grievance"})
    with pytest.raises(ValueError, match="model reporter 'size'"):
        MonthlyCollector({"size": [len, [[1, 2]]]})
