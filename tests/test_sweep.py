"""Sweeps: designs, run identities, failures, and resuming after Ctrl-C or kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import runner
from experiments.cli.main import main
from experiments.metrics import summarize
from experiments.runner import build_scenario
from experiments.sweep import (
    Factor,
    SweepError,
    check_factor,
    load_results,
    make_design,
    parse_factor,
    run_id,
)

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "n_members=1000", "--engine", "arrays", "--quiet"]
VOLATILE = ["wall_s", "worker_pid"]


def _factors(*names):
    return [check_factor(Factor(n, lo, hi)) for n, lo, hi in names]


def test_designs_have_the_sizes_salib_documents():
    factors = _factors(("protection_strength", 0, 1), ("chistka.intensity", 0.8, 1.4),
                       ("deflection", 0, 3))
    assert len(make_design(factors, "grid", 1, levels=3)) == 27
    assert len(make_design(factors, "lhs", 10)) == 10
    assert len(make_design(factors, "sobol", 8)) == 8 * (3 + 2)
    assert len(make_design(factors, "morris", 5)) == 5 * (3 + 1)
    lhs = make_design(factors, "lhs", 50)
    assert lhs["deflection"].between(0, 3).all()
    # Latin hypercube: one point in each of the 50 strata of every factor
    assert (lhs["protection_strength"] * 50).astype(int).nunique() == 50
    with pytest.raises(SweepError, match="power of 2"):
        make_design(factors, "sobol", 10)


def test_factor_parsing_and_validation():
    assert parse_factor("cascade=2,4,8").values == (2.0, 4.0, 8.0)
    assert parse_factor("n_members=500:900").integer
    # one ground's weight among a screening's targets, as --set and the verdict's priors
    assert parse_factor("chistka.targets.opposition=0:5").high == 5.0
    for bad, words in [("protection_strenth=0:1", "did you mean"),
                       ("protection_strength=0:7", "outside"),
                       ("chistka.colour=0:1", "not a numeric campaign field"),
                       ("chistka.targets.kulaks=0:1", "unknown ground 'kulaks'"),
                       ("chistka.targets.opposition=0:500", "outside"),
                       ("protection_strength=1:0", "above"), ("deflection", "NAME=")]:
        with pytest.raises(SweepError, match=words):
            parse_factor(bad)


def test_run_ids_are_stable_and_distinguish_what_matters():
    base = run_id({"a": 0.5, "b": 1}, 3, "sha", "code", "arrays")
    assert base == run_id({"b": 1, "a": 0.5}, 3, "sha", "code", "arrays")
    others = {run_id({"a": 0.5, "b": 1}, 4, "sha", "code", "arrays"),
              run_id({"a": 0.6, "b": 1}, 3, "sha", "code", "arrays"),
              run_id({"a": 0.5, "b": 1}, 3, "sha2", "code", "arrays"),
              run_id({"a": 0.5, "b": 1}, 3, "sha", "code2", "arrays"),
              run_id({"a": 0.5, "b": 1}, 3, "sha", "code", "agents")}
    assert base not in others and len(others) == 5


def _sweep_args(out: Path, samples: int = 6, replicates: int = 2,
                n_members: int = 1000) -> list[str]:
    return ["sweep", "--factor", "protection_strength=0:1", "--factor",
            "chistka.intensity=0.8:1.4", "--samples", str(samples), "--replicates",
            str(replicates), "--out", str(out), "--set", f"n_members={n_members}",
            *SMALL[2:]]


def _runs(out: Path) -> pd.DataFrame:
    runs, _ = load_results(out, with_yearly=False)
    return runs.drop(columns=VOLATILE).sort_values("run_id").reset_index(drop=True)


def _written(out: Path) -> pd.DataFrame:
    """Every run row in the folder's parts and journal, duplicates kept (a re-run shows)."""
    frames = [pd.read_parquet(p) for p in sorted((out / "runs").glob("part-*.parquet"))]
    journal = out / "journal.jsonl"
    lines = journal.read_text().splitlines() if journal.exists() else []
    rows = []
    for line in lines:
        try:
            rows.append(json.loads(line)["run"])
        except json.JSONDecodeError:
            pass  # a line cut by kill -9
    frames.append(pd.DataFrame(rows, columns=["run_id", "worker_pid", "wall_s"]))
    return pd.concat([f[["run_id", "worker_pid", "wall_s"]] for f in frames if len(f)],
                     ignore_index=True)


def _counting_runs(monkeypatch) -> list[int]:
    """Count the simulations a serial sweep runs (seeds, in order)."""
    real, calls = runner.simulate_runs, []

    def counted(scenarios, seeds, engine="auto"):
        calls.extend(seeds)
        return real(scenarios, seeds, engine)

    monkeypatch.setattr(runner, "simulate_runs", counted)
    return calls


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    """A run that raises is an error record; the other runs of its batch are kept."""
    real = runner.simulate_runs

    def sometimes_fails(scenarios, seeds, engine="auto"):
        if 2 in seeds:
            raise FloatingPointError("simulated failure")
        return real(scenarios, seeds, engine)

    monkeypatch.setattr(runner, "simulate_runs", sometimes_fails)
    assert main([*_sweep_args(tmp_path / "s"), "--serial"]) == 0
    runs = _runs(tmp_path / "s")
    assert len(runs) == 12
    failed = runs[runs["status"] == "error"]
    assert set(failed["seed"]) == {2} and len(failed) == 6
    assert failed["error"].str.contains("FloatingPointError: simulated failure").all()
    assert (runs.loc[runs["status"] == "ok", "rate_1933"] > 0).all()
    # restarting skips everything, failures included, unless asked to retry them
    monkeypatch.setattr(runner, "simulate_runs", real)
    assert main([*_sweep_args(tmp_path / "s"), "--serial"]) == 0
    assert (_runs(tmp_path / "s")["status"] == "error").sum() == 6
    assert main([*_sweep_args(tmp_path / "s"), "--serial", "--retry-failed"]) == 0
    assert (_runs(tmp_path / "s")["status"] == "ok").all()


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "experiments.cli", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_runs(out: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs, _ = load_results(out, with_yearly=False) if (out / "runs").exists() else ([], 0)
        if len(runs) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the sweep did not get going")


# a serial sweep journals a batch of up to BATCH_RUNS runs at a time: this many points of two
# replicates make two batches, so a kill after the first is a kill mid-sweep
KILLED_SAMPLES = runner.BATCH_RUNS


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "s"
    assert main([*_sweep_args(out, samples=KILLED_SAMPLES), "--serial"]) == 0
    return _runs(out)


def test_kill_9_loses_only_runs_in_flight_and_resumes(tmp_path, uninterrupted):
    out = tmp_path / "s"
    proc = _start([*_sweep_args(out, samples=KILLED_SAMPLES), "--serial"])
    _wait_for_runs(out, 8, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    saved = load_results(out, with_yearly=False)[0]
    assert 8 <= len(saved) < 2 * KILLED_SAMPLES
    assert main([*_sweep_args(out, samples=KILLED_SAMPLES), "--serial"]) == 0
    resumed = _runs(out)
    pd.testing.assert_frame_equal(resumed, uninterrupted)
    # finished runs were not run again: each written once, by the killed process
    written = _written(out)
    assert written["run_id"].is_unique
    before = saved.set_index("run_id")[["worker_pid", "wall_s"]]
    after = written.set_index("run_id").loc[before.index, ["worker_pid", "wall_s"]]
    pd.testing.assert_frame_equal(after, before)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["resumed"] == 1 and manifest["n_runs"] == 2 * KILLED_SAMPLES
    runs, yearly = load_results(out)
    assert len(yearly) == 2 * KILLED_SAMPLES * 7 and set(yearly["run_id"]) == set(runs["run_id"])


def test_ctrl_c_on_dask_saves_finished_runs_and_resumes(tmp_path):
    """Larger runs than elsewhere, so that the sweep is still going when Ctrl-C comes.

    Ctrl-C comes as soon as one run is saved: on a busy machine (this test shares two cores
    with the docking samples) waiting for three let the whole sweep finish first.
    """
    args = _sweep_args(tmp_path / "whole", samples=40, n_members=4000)
    assert main([*args, "--serial"]) == 0
    uninterrupted = _runs(tmp_path / "whole")
    out = tmp_path / "s"
    proc = _start([*_sweep_args(out, samples=40, n_members=4000), "--workers", "2"])
    _wait_for_runs(out, 1, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Run the same command again to resume" in err
    assert "Traceback" not in err
    saved = load_results(out, with_yearly=False)[0]
    assert 1 <= len(saved) < 80
    assert main([*_sweep_args(out, samples=40, n_members=4000), "--workers", "2"]) == 0
    pd.testing.assert_frame_equal(_runs(out), uninterrupted)
    written = _written(out)
    assert written["run_id"].is_unique  # nothing finished before Ctrl-C was run again
    assert set(saved["worker_pid"]).isdisjoint(written.loc[
        ~written["run_id"].isin(saved["run_id"]), "worker_pid"])


def test_resume_runs_only_what_is_missing_even_when_it_is_not_a_suffix(tmp_path, monkeypatch):
    """Finished runs scattered through the task list (as Dask leaves them) are skipped."""
    whole = tmp_path / "whole"
    assert main([*_sweep_args(whole, samples=5), "--serial"]) == 0
    runs, yearly = load_results(whole)
    tasks = pd.read_parquet(whole / "tasks.parquet")
    keep = tasks["run_id"].iloc[[0, 3, 4, 7, 9]]  # not a prefix of the task list
    out = tmp_path / "scattered"
    (out / "runs").mkdir(parents=True)
    (out / "yearly").mkdir()
    for name in ("manifest.json", "design.parquet", "tasks.parquet"):
        (out / name).write_bytes((whole / name).read_bytes())
    runs[runs["run_id"].isin(keep)].to_parquet(out / "runs" / "part-0.parquet", index=False)
    yearly[yearly["run_id"].isin(keep)].to_parquet(out / "yearly" / "part-0.parquet",
                                                  index=False)
    calls = _counting_runs(monkeypatch)
    assert main([*_sweep_args(out, samples=5), "--serial"]) == 0
    missing = tasks[~tasks["run_id"].isin(keep)]
    assert sorted(calls) == sorted(missing["seed"]) and len(calls) == 5
    assert _written(out)["run_id"].is_unique
    pd.testing.assert_frame_equal(_runs(out), _runs(whole))
    # and a finished sweep run again runs nothing
    calls.clear()
    assert main([*_sweep_args(out, samples=5), "--serial"]) == 0
    assert calls == []


def test_a_folder_holds_one_sweep(tmp_path):
    assert main([*_sweep_args(tmp_path / "s", samples=2, replicates=1), "--serial"]) == 0
    assert main([*_sweep_args(tmp_path / "s", samples=3, replicates=1), "--serial"]) == 2


def test_results_read_with_pandas_as_a_parquet_dataset(tmp_path):
    assert main([*_sweep_args(tmp_path / "s", samples=2, replicates=1), "--serial"]) == 0
    runs = pd.read_parquet(tmp_path / "s" / "runs")
    yearly = pd.read_parquet(tmp_path / "s" / "yearly")
    design = pd.read_parquet(tmp_path / "s" / "design.parquet")
    assert len(runs) == 2 and len(design) == 2 and len(yearly) == 14
    assert {"run_id", "seed", "x_protection_strength", "rate_1933", "leaders_share_1937",
            "target_chistka_national", "records_loss_pct"} <= set(runs.columns)
    assert not os.listdir(tmp_path / "s" / "runs")[0].startswith(".")


def test_a_run_in_a_sweeps_batch_gives_what_it_gives_alone(tmp_path):
    """Same seed, same results: a sweep's batched runs against each run made alone."""
    out = tmp_path / "s"
    assert main([*_sweep_args(out, samples=2, replicates=4), "--serial"]) == 0
    runs = _runs(out)
    assert len(runs) == 8
    for row in runs.to_dict(orient="records"):
        overrides = {"protection_strength": row["x_protection_strength"],
                     "chistka.intensity": row["x_chistka.intensity"], "n_members": 1000}
        alone = summarize(runner.run_once(build_scenario(None, None, overrides), row["seed"],
                                          "arrays"))
        for name, value in alone.items():
            assert value == row[name] or (np.isnan(value) and np.isnan(row[name])), name
