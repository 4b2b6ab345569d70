"""Docking the two engines: do they produce the same model, in distribution?

Docking (Axtell, Axelrod, Epstein and Cohen 1996) runs two implementations of one model
on the same scenario over many seeds and compares the distributions of their outputs.
Here the reference engine (one Mesa agent per member) and the array engine run the
historical scenario at the default scale; for each output in :data:`METRICS` two tests
compare the two samples: a two-sample Kolmogorov-Smirnov test (the whole distribution)
and Welch's t-test (the mean, which sees a small shift the KS test misses). The engines
dock when no test rejects at a family-wise level ``alpha`` (Bonferroni over all
``2 * len(METRICS)`` tests). The seeds are fixed, so the verdict is reproducible.

The design (:data:`SCALE`, :data:`REFERENCE_SEEDS`, :data:`ARRAY_SEEDS`) is chosen so that
a 10 % shift of any yearly expulsion rate in one engine is caught: at 4,000 members the
seed-to-seed coefficient of variation of a yearly rate is at most about 0.15, so with 80
reference and 240 array runs a 10 % shift is about five standard errors
(tests/test_docking.py checks this on the real samples). The array engine is cheap, so it
gets three times the seeds.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

import experiments.outputs as outputs
from experiments.runner import batch_size, result_of, simulate_seeds
from experiments.scorecard import simulated_values
from model import ENGINES, load_scenario

YEARS = (1933, 1934, 1935, 1936, 1937, 1938)
SCALE = 4000  # the default scale: docking at the scale users run
REFERENCE_SEEDS = range(1, 81)
ARRAY_SEEDS = range(1, 241)

# Outputs compared between engines (and pinned by the golden table, tests/golden/); each is
# defined in experiments.outputs.OUTPUTS.
OPERATIONS = ("chistka_national", "proverka_national", "obmen_rate")
METRICS = (*OPERATIONS, *(f"rate_{y}" for y in YEARS), "leaders_share", "leaders_share_1933",
           "leaders_share_1937", "clients_share", "records_loss_pct", "reinstated_pct",
           "arrested_pct", "checked_per_made", "supported_per_checked",
           "expelled_per_supported", "voted_out_pct", "regional_secretaries_original_1939",
           "first_secretaries_1937_38")


def metrics_of(model, seed: int) -> dict[str, float]:
    """The docking outputs of a finished run."""
    result = result_of(model, seed)
    # the operations' rates as the visible targets read them (NaN if a run cannot give one)
    out = simulated_values(result, OPERATIONS)
    out.update({name: outputs.value(name, result) for name in METRICS if name not in out})
    return {name: float(out[name]) for name in METRICS}


def sample(engine: str | type, seeds: Iterable[int], progress: bool = False,
           **overrides) -> pd.DataFrame:
    """One row of docking outputs per seed for one engine (a name or a model class).

    The seeds run as users run them: the array engine's in batches
    (:func:`experiments.runner.simulate_seeds`), the fast path of sweeps and comparisons.
    """
    model_class = ENGINES[engine] if isinstance(engine, str) else engine
    seeds = list(seeds)
    name = engine if isinstance(engine, str) else engine.__name__
    scenario = load_scenario().with_parameters(**overrides) if overrides else load_scenario()
    size = batch_size(scenario.parameters.n_members)
    rows = []
    with tqdm(total=len(seeds), desc=name, disable=not progress) as bar:
        for first in range(0, len(seeds), size):
            chunk = seeds[first:first + size]
            for seed, model in zip(chunk, simulate_seeds(scenario, chunk, model_class),
                                   strict=True):
                rows.append(metrics_of(model, seed))
            bar.update(len(chunk))
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))


def compare(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per metric: means, standard deviations, KS and Welch tests, and the verdict.

    Each of the ``2 * len(METRICS)`` tests is run at ``alpha / (2 * len(METRICS))``
    (Bonferroni); a metric agrees when neither of its tests rejects. A metric that does
    not vary in either sample agrees when the two constants are equal.
    """
    level = alpha / (2 * len(METRICS))
    rows = []
    for name in METRICS:
        x, y = a[name].to_numpy(float), b[name].to_numpy(float)
        ks = stats.ks_2samp(x, y)
        if x.std() == 0 and y.std() == 0:
            t_p = 1.0 if x.mean() == y.mean() else 0.0
        else:
            t_p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        rows.append({"metric": name, "mean_a": x.mean(), "sd_a": x.std(ddof=1),
                     "mean_b": y.mean(), "sd_b": y.std(ddof=1),
                     "shift_pct": 100.0 * (y.mean() / x.mean() - 1.0) if x.mean() else np.nan,
                     "ks_statistic": float(ks.statistic), "ks_p": float(ks.pvalue),
                     "t_p": t_p, "agree": bool(ks.pvalue > level and t_p > level)})
    return pd.DataFrame(rows)


def docks(table: pd.DataFrame) -> bool:
    """True when every metric agrees."""
    return bool(table["agree"].all())


def dock(reference_seeds: Iterable[int] = REFERENCE_SEEDS,
         array_seeds: Iterable[int] = ARRAY_SEEDS, n_members: int = SCALE,
         engine_b: str | type = "arrays", alpha: float = 0.05,
         progress: bool = False) -> pd.DataFrame:
    """Run both engines over their seeds and compare them (see :func:`compare`)."""
    a = sample("agents", reference_seeds, progress, n_members=n_members)
    b = sample(engine_b, array_seeds, progress, n_members=n_members)
    return compare(a, b, alpha)


def main() -> None:
    """``python -m experiments.docking``: dock the engines and print the table."""
    table = dock(progress=True)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(4).to_string(index=False))
    print("the engines dock" if docks(table) else "the engines do NOT dock")


if __name__ == "__main__":
    main()
