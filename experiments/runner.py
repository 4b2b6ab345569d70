"""Run the model: one seed, or many seeds in parallel, into tidy tables.

This is the experiments side: the model knows nothing of seeds lists, processes or
files. A run returns plain pandas DataFrames that the comparison and the CLI use.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model import engine_class
from model.base import BasePurgeModel
from model.reporters import expulsions_table, monthly_table, yearly_table
from model.scenario import Scenario, load_scenario, month_index, month_label

LEADER_LEVELS = ("ppo_secretary", "other_official", "district_secretary", "regional_secretary")


@dataclass
class RunResult:
    """The tables of one run."""

    seed: int
    monthly: pd.DataFrame
    yearly: pd.DataFrame
    expulsions: pd.DataFrame
    operations: pd.DataFrame
    regions: pd.DataFrame


def simulate(scenario: Scenario, seed: int, engine: str = "auto") -> BasePurgeModel:
    """Build and run the model over the whole calendar with engine ``engine``."""
    model = engine_class(engine, scenario.parameters.n_members)(scenario=scenario, rng=seed)
    while not model.finished:
        model.step()
    return model


def run_once(scenario: Scenario, seed: int, engine: str = "auto") -> RunResult:
    """Run one seed and summarise it."""
    return result_of(simulate(scenario, seed, engine), seed)


def result_of(model: BasePurgeModel, seed: int) -> RunResult:
    """The tables of a model that has been run."""
    monthly = monthly_table(model)
    expulsions = expulsions_table(model)
    tables = [monthly, model_yearly := yearly_table(model), expulsions]
    for t in tables:
        t.insert(0, "seed", seed)
    return RunResult(seed=seed, monthly=monthly, yearly=model_yearly, expulsions=expulsions,
                     operations=operation_rates(model, monthly, expulsions),
                     regions=region_rates(model, expulsions))


def operation_rates(model: BasePurgeModel, monthly: pd.DataFrame,
                    expulsions: pd.DataFrame) -> pd.DataFrame:
    """Expulsion rate of each screening operation and of each calendar year.

    The book's rates are "the percentage expelled of those undergoing the operation"
    (Table 2.1, note a, L584) and, in Table 7.1, "percent of party" (L2061). The model
    reports both denominators: ``rate_pct_of_rolls`` (expelled by the operation over the
    rolls in its first month) and ``rate_pct_of_screened``.
    """
    rows = []
    rolls = monthly.set_index("month")["on_rolls"]
    first_rolls = int(model.datacollector.get_model_vars_dataframe()["on_rolls"].iloc[0])
    for c in model.calendar.campaigns:
        if c.pace <= 0:
            continue
        start = month_index(c.start) - 1
        base = first_rolls if start < model.calendar.first_month else int(
            rolls.get(month_label(start), first_rolls))
        stats = [v for (name, _), v in model.operation_stats.items() if name == c.name]
        screened = sum(s["screened"] for s in stats)
        expelled = int((expulsions["campaign"] == c.name).sum()) if len(expulsions) else 0
        rows.append({"operation": c.name, "expelled": expelled, "base": base,
                     "screened": screened, "rate_pct_of_rolls": 100.0 * expelled / max(1, base),
                     "rate_pct_of_screened": 100.0 * expelled / max(1, screened)})
    return pd.DataFrame(rows)


def region_rates(model: BasePurgeModel, expulsions: pd.DataFrame) -> pd.DataFrame:
    """Per region and screening operation: expelled over members screened."""
    rows = []
    regions = {r.name: r for r in model.regions}
    for (name, region), stats in sorted(model.operation_stats.items()):
        expelled = stats["expelled"]
        rows.append({"operation": name, "region": region, "base": stats["base"],
                     "ordered_to_repeat": name in regions[region].repeats,
                     "screened": stats["screened"], "expelled": expelled,
                     "rate_pct_of_rolls": 100.0 * expelled / max(1, stats["base"]),
                     "rate_pct_of_screened": 100.0 * expelled / max(1, stats["screened"])})
    return pd.DataFrame(rows)


BREAKDOWNS = {"level": "level", "reason": "reason", "channel": "channel", "origin": "origin",
              "region": "region", "year_joined": "cohort", "status": "status"}


def expulsion_breakdown(expulsions: pd.DataFrame) -> pd.DataFrame:
    """Expulsions per seed, year and category of each dimension (tidy, long format).

    Dimensions: level, reason, channel, social origin, region, year-joined cohort
    (<=1920, 1921-27, 1928, 1929-30, 1931-32, 1933+) and candidate or member.
    """
    if not len(expulsions):
        return pd.DataFrame(columns=["seed", "year", "dimension", "category", "expelled"])
    e = expulsions.assign(
        cohort=pd.cut(expulsions["joined"], [0, 1920, 1927, 1928, 1930, 1932, 9999],
                      labels=["<=1920", "1921-27", "1928", "1929-30", "1931-32", "1933+"]).astype(str),
        status=expulsions["was_candidate"].map({True: "candidate", False: "member"}))
    frames = []
    for dimension, column in BREAKDOWNS.items():
        counts = e.groupby(["seed", "year", column]).size().rename("expelled").reset_index()
        frames.append(counts.rename(columns={column: "category"}).assign(dimension=dimension))
    out = pd.concat(frames, ignore_index=True)
    return out[["seed", "year", "dimension", "category", "expelled"]]


def build_scenario(path: str | Path | None, variant: str | None = None,
                   overrides: dict | None = None) -> Scenario:
    """A scenario file (None: the historical one), under a variant, with overrides.

    The one place where the experiments assemble what a run simulates; every step
    validates and raises a one-line :class:`model.ScenarioError`.
    """
    scenario = load_scenario(path)
    if variant:
        scenario = scenario.with_variant(variant)
    return scenario.with_overrides(overrides) if overrides else scenario


def _run_seed(args: tuple[str | None, dict, int, str, str | None]) -> RunResult:
    path, overrides, seed, engine, variant = args
    return run_once(build_scenario(path, variant, overrides), seed, engine)


def run_many(scenario_path: str | Path | None, seeds: list[int], overrides: dict | None = None,
             processes: int | None = None, progress: bool = True,
             engine: str = "auto", variant: str | None = None,
             desc: str = "runs") -> list[RunResult]:
    """Run several seeds (in parallel processes when more than one core is available).

    Results come back in the order of ``seeds`` whatever the order of completion.
    """
    overrides = overrides or {}
    path = str(scenario_path) if scenario_path is not None else None
    jobs = [(path, overrides, s, engine, variant) for s in seeds]
    processes = processes or min(len(seeds), os.cpu_count() or 1)
    bar = tqdm(total=len(seeds), desc=desc, unit="run", disable=not progress)
    results: list[RunResult] = []
    if processes <= 1:
        for job in jobs:
            results.append(_run_seed(job))
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            for result in pool.map(_run_seed, jobs):
                results.append(result)
                bar.update()
    bar.close()
    return results


def combine(results: list[RunResult], table: str) -> pd.DataFrame:
    """Stack one table of every run, with a ``seed`` column."""
    frames = []
    for r in results:
        df = getattr(r, table).copy()
        if "seed" not in df:
            df.insert(0, "seed", r.seed)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)
