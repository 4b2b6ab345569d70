"""Sensitivity analysis finds what the model's structure says must matter."""

from __future__ import annotations

import pandas as pd

import experiments.sensitivity as sensitivity
from experiments.cli.main import main


def _run(tmp_path, method, samples):
    out = tmp_path / method
    assert main(["sensitivity", "--method", method, "--factor", "chistka.intensity=0.6:1.6",
                 "--factor", "cascade=1:8", "--samples", str(samples), "--replicates", "1",
                 "--set", "n_members=1500", "--engine", "arrays", "--outputs",
                 "rate_1933,arrested_pct", "--out", str(out), "--quiet", "--serial"]) == 0
    return pd.read_csv(out / "indices.csv").set_index(["output", "factor"]), out


def test_morris_ranks_the_chistka_above_the_nkvd_cascade_for_1933(tmp_path):
    """The cascade acts only through the arrests of 1937-38; the chistka's intensity in 1933.

    With common random numbers (the same seeds at every point) a factor that cannot act
    on an output before it is used has an effect of exactly zero.
    """
    idx, out = _run(tmp_path, "morris", 8)
    assert idx.loc[("rate_1933", "chistka.intensity"), "mu_star"] > 2.0
    assert idx.loc[("rate_1933", "cascade"), "mu_star"] == 0.0
    assert idx.loc[("arrested_pct", "cascade"), "mu_star"] > 0.1
    assert (out / "sensitivity.png").stat().st_size > 10_000


def test_sobol_total_indices_agree(tmp_path):
    idx, _ = _run(tmp_path, "sobol", 16)
    assert idx.loc[("rate_1933", "chistka.intensity"), "ST"] > 0.5
    assert idx.loc[("rate_1933", "cascade"), "ST"] < 0.2
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(idx.columns)


def test_indices_with_intervals_wider_than_themselves_are_flagged():
    """An index whose confidence half-width exceeds it cannot be told from zero."""
    indices = pd.DataFrame({"output": ["rate_1937"] * 3, "factor": ["a", "b", "c"],
                            "ST": [0.5, 0.02, -0.01], "ST_conf": [0.1, 0.05, 0.02]})
    assert list(sensitivity.unreliable(indices)["factor"]) == ["b", "c"]
    morris = pd.DataFrame({"output": ["x"], "factor": ["a"], "mu_star": [1.0],
                           "mu_star_conf": [0.2]})
    assert sensitivity.unreliable(morris).empty
