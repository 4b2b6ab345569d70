"""Docking the two engines: do they produce the same model, in distribution?

Docking (Axtell, Axelrod, Epstein and Cohen 1996) runs two implementations of one model
on the same scenario over many seeds and compares the distributions of their outputs.
Here the reference engine (one Mesa agent per member) and the array engine are run over
the same seeds at a small scale; for each output in :data:`METRICS` a two-sample
Kolmogorov-Smirnov test compares the two samples. The engines dock when no test rejects
at a family-wise level ``alpha`` (Bonferroni: each test at ``alpha / len(METRICS)``).
The seeds are fixed, so the verdict is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from scipy import stats
from tqdm import tqdm

from experiments.metrics import summarize
from experiments.runner import result_of
from model import ENGINES

YEARS = (1933, 1934, 1935, 1936, 1937, 1938)


def run_metrics(model_class: type, seed: int, **overrides) -> dict[str, float]:
    """Run one seed of the historical scenario and read off the docking outputs."""
    model = model_class(rng=seed, **overrides)
    while not model.finished:
        model.step()
    result = result_of(model, seed)
    summary = summarize(result)  # the metrics a sweep keeps, defined once
    out = {name: summary[name] for name in (
        *(f"rate_{y}" for y in YEARS), "leaders_share", "leaders_share_1933", "clients_share",
        "records_loss_pct", "reinstated_pct")}
    total = result.yearly.set_index("year").sum()
    start = float(result.yearly["members_start"].iloc[0])
    out["checked_per_made"] = total["denunciations_checked"] / total["denunciations_made"]
    out["supported_per_checked"] = (total["denunciations_supported"]
                                    / total["denunciations_checked"])
    out["expelled_per_supported"] = total["outcome_expel"] / total["denunciations_supported"]
    out["voted_out_pct"] = 100.0 * sum(total.get(f"voted_out_{lvl}", 0) for lvl in (
        "ppo_secretary", "other_official", "district_secretary")) / start
    return out


METRICS = (*(f"rate_{y}" for y in YEARS), "leaders_share", "leaders_share_1933",
           "clients_share", "checked_per_made", "supported_per_checked",
           "expelled_per_supported", "records_loss_pct", "reinstated_pct", "voted_out_pct")


def sample(engine: str | type, seeds: Iterable[int], progress: bool = False,
           **overrides) -> pd.DataFrame:
    """One row of docking outputs per seed for one engine (a name or a model class)."""
    model_class = ENGINES[engine] if isinstance(engine, str) else engine
    seeds = list(seeds)
    rows = [run_metrics(model_class, s, **overrides)
            for s in tqdm(seeds, desc=str(engine), disable=not progress)]
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))


def compare(a: pd.DataFrame, b: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per metric: means, standard deviations, KS statistic, p-value and verdict."""
    level = alpha / len(METRICS)
    rows = []
    for name in METRICS:
        x, y = a[name].to_numpy(float), b[name].to_numpy(float)
        test = stats.ks_2samp(x, y)
        rows.append({"metric": name, "mean_a": x.mean(), "sd_a": x.std(ddof=1),
                     "mean_b": y.mean(), "sd_b": y.std(ddof=1),
                     "ks_statistic": float(test.statistic), "p_value": float(test.pvalue),
                     "agree": bool(test.pvalue > level)})
    return pd.DataFrame(rows)


def docks(table: pd.DataFrame) -> bool:
    """True when every metric agrees."""
    return bool(table["agree"].all())


def dock(seeds: Iterable[int] = range(1, 31), n_members: int = 1500,
         engine_b: str | type = "arrays", alpha: float = 0.05,
         progress: bool = False) -> pd.DataFrame:
    """Run both engines over ``seeds`` and compare them (see :func:`compare`)."""
    seeds = list(seeds)
    a = sample("agents", seeds, progress, n_members=n_members)
    b = sample(engine_b, seeds, progress, n_members=n_members)
    return compare(a, b, alpha)
