"""Run the model: one seed, or many seeds in parallel, into tidy tables.

This is the experiments side: the model knows nothing of seeds lists, processes or
files. A run returns plain pandas DataFrames that the comparison and the CLI use.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from model import ArrayPurgeModel, engine_class
from model.arrays import batch_key, simulate_batch
from model.base import BasePurgeModel
from model.reporters import (
    CONFERENCE_COLUMNS,
    SECRETARY_COLUMNS,
    conferences_rows,
    districts_columns,
    expulsion_columns,
    expulsions_frame,
    frame_of,
    monthly_columns,
    operations_rows,
    regional_secretaries_rows,
    regions_rows,
    yearly_columns,
)
from model.scenario import Scenario, load_scenario

LEADER_LEVELS = ("ppo_secretary", "other_official", "district_secretary", "regional_secretary")


@dataclass
class RunResult:
    """The tables of one run: numpy columns kept, pandas frames made when first asked for.

    ``columns`` holds the run's ``monthly``, ``yearly``, ``expulsions`` and ``districts``
    columns and its ``operations``, ``regions``, ``regional_secretaries`` and
    ``conferences`` rows (:mod:`model.reporters`); the attributes of
    the same names are the frames (``monthly``, ``yearly`` and ``expulsions`` with a
    ``seed`` column first). A sweep's or a calibration's summary reads the columns only
    (:mod:`experiments.outputs`), so most runs never build a frame.
    """

    seed: int
    columns: dict[str, object] = field(repr=False)
    # frames made so far, and quantities derived from the columns, kept once computed
    # (experiments.outputs reads its forty outputs through them)
    _frames: dict = field(default_factory=dict, repr=False, compare=False)
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: str, compute: Callable[[RunResult], object]) -> object:
        """``compute(self)``, computed once per result and kept under ``key``."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        return self._derived[key]

    def _frame(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            values = self.columns[table]
            if table in ("regional_secretaries", "conferences"):
                frame = pd.DataFrame(values, columns=list(
                    SECRETARY_COLUMNS if table == "regional_secretaries" else CONFERENCE_COLUMNS))
                frame.insert(0, "seed", self.seed)
            elif table in ("operations", "regions"):
                frame = pd.DataFrame(values)
            else:
                frame = (expulsions_frame(values) if table == "expulsions"
                         else frame_of(values))
                frame.insert(0, "seed", self.seed)
            self._frames[table] = frame
        return self._frames[table]

    monthly = property(lambda self: self._frame("monthly"), doc="One row per month.")
    yearly = property(lambda self: self._frame("yearly"), doc="One row per calendar year.")
    expulsions = property(lambda self: self._frame("expulsions"), doc="One row per expulsion.")
    operations = property(lambda self: self._frame("operations"),
                          doc="One row per screening operation.")
    regions = property(lambda self: self._frame("regions"),
                       doc="One row per region and screening operation.")
    districts = property(lambda self: self._frame("districts"),
                         doc="One row per district (raikom) and calendar year.")
    regional_secretaries = property(lambda self: self._frame("regional_secretaries"),
                                    doc="One row per regional first secretary's tenure.")
    conferences = property(lambda self: self._frame("conferences"),
                           doc="One row per regional conference of June 1937.")


def simulate(scenario: Scenario, seed: int, engine: str = "auto") -> BasePurgeModel:
    """Build and run the model over the whole calendar with engine ``engine``."""
    model = engine_class(engine, scenario.parameters.n_members)(scenario=scenario, rng=seed)
    while not model.finished:
        model.step()
    return model


def run_once(scenario: Scenario, seed: int, engine: str = "auto") -> RunResult:
    """Run one seed and summarise it."""
    return result_of(simulate(scenario, seed, engine), seed)


# The array engine simulates the seeds of one scenario together, up to this many runs and
# this many members in all (a batch's memory stays well under 4 GB: at 1:1 scale, one run).
# 64 runs of 4,000 members: a batch's own Python (some thousand numpy calls a month,
# whatever its size) is shared by twice the runs of 32, and two workers side by side run
# ~10 % faster a run than in batches of 32 (docs/fast-path.md, December 7, late evening).
BATCH_RUNS, BATCH_MEMBERS = 64, 256_000


def batch_size(n_members: int) -> int:
    """How many runs of ``n_members`` members the array engine simulates together."""
    return max(1, min(BATCH_RUNS, BATCH_MEMBERS // max(1, n_members)))


def simulate_seeds(scenario: Scenario, seeds: list[int], engine: str | type = "auto"
                   ) -> list[BasePurgeModel]:
    """Run ``seeds`` of ``scenario`` over the whole calendar; one finished model per seed.

    With the array engine the seeds run together in batches (:func:`simulate_runs`);
    ``engine`` is a name or a model class.
    """
    return simulate_runs([scenario] * len(seeds), seeds, engine)


def simulate_runs(scenarios: list[Scenario], seeds: list[int], engine: str | type = "auto"
                  ) -> list[BasePurgeModel]:
    """Run scenario ``scenarios[i]`` with seed ``seeds[i]``, for every ``i``; models in order.

    With the array engine, runs whose scenarios share a :func:`model.arrays.batch_key`
    (the same scenario but for the sizes of its numbers: a sweep's design points, a
    calibration's particles) run together in batches of up to :func:`batch_size` runs,
    each giving what it gives alone (:class:`model.arrays.ArrayBatch`).
    """
    if len(scenarios) != len(seeds):
        raise ValueError(f"{len(scenarios)} scenarios for {len(seeds)} seeds")
    if not scenarios:
        return []
    n = max(sc.parameters.n_members for sc in scenarios)
    model_class = engine if isinstance(engine, type) else engine_class(engine, n)
    if not issubclass(model_class, ArrayPurgeModel):
        models = []
        for scenario, seed in zip(scenarios, seeds, strict=True):
            model = model_class(scenario=scenario, rng=seed)
            while not model.finished:
                model.step()
            models.append(model)
        return models
    groups: dict[tuple, list[int]] = {}
    for i, scenario in enumerate(scenarios):  # (batch_key keeps each scenario's key)
        groups.setdefault(batch_key(scenario), []).append(i)
    models: list[BasePurgeModel | None] = [None] * len(seeds)
    for runs in groups.values():
        size = batch_size(max(scenarios[i].parameters.n_members for i in runs))
        for first in range(0, len(runs), size):
            chunk = runs[first:first + size]
            done = simulate_batch([scenarios[i] for i in chunk], [seeds[i] for i in chunk])
            for i, model in zip(chunk, done, strict=True):
                models[i] = model
    return models


def run_seeds(scenario: Scenario, seeds: list[int], engine: str | type = "auto"
              ) -> list[RunResult]:
    """Run ``seeds`` of ``scenario`` (batched, :func:`simulate_seeds`) into their tables."""
    return [result_of(model, seed)
            for model, seed in zip(simulate_seeds(scenario, seeds, engine), seeds, strict=True)]


def result_of(model: BasePurgeModel, seed: int, lazy: bool = False) -> RunResult:
    """The tables of a model that has been run (as columns; frames when asked for).

    ``lazy``: each table made when first read, the model kept until then (a
    calibration reads a few outputs of each run and drops it: :class:`_Tables`).
    """
    tables = _Tables(model)
    if not lazy:  # all made now, as a plain dict (the model is let go)
        tables = {name: tables[name] for name in TABLE_NAMES}
    return RunResult(seed=seed, columns=tables)


TABLE_NAMES = ("monthly", "yearly", "expulsions", "operations", "regions", "districts",
               "regional_secretaries", "conferences")


class _Tables(dict):
    """A run's tables (:data:`TABLE_NAMES`), each made from the model when first read."""

    def __init__(self, model: BasePurgeModel):
        super().__init__()
        self.model = model

    def __missing__(self, name: str):
        if name not in TABLE_NAMES:
            raise KeyError(name)
        model = self.model
        if name == "monthly":
            value = monthly_columns(model)
        elif name == "yearly":
            value = yearly_columns(model)
        elif name == "expulsions":
            value = expulsion_columns(model)
        elif name == "operations":
            value = operations_rows(model, self["monthly"], self["expulsions"])
        elif name == "regions":
            value = regions_rows(model)
        elif name == "districts":
            value = districts_columns(model, self["expulsions"])
        elif name == "regional_secretaries":
            value = regional_secretaries_rows(model)
        else:
            value = conferences_rows(model)
        self[name] = value
        return value


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


def _run_seeds(args: tuple[str | None, dict, list[int], str, str | None]) -> list[RunResult]:
    path, overrides, seeds, engine, variant = args
    return run_seeds(build_scenario(path, variant, overrides), seeds, engine)


def run_many(scenario_path: str | Path | None, seeds: list[int], overrides: dict | None = None,
             processes: int | None = None, progress: bool = True,
             engine: str = "auto", variant: str | None = None,
             desc: str = "runs") -> list[RunResult]:
    """Run several seeds (in parallel processes when more than one core is available).

    Each process runs a batch of seeds at a time (:func:`run_seeds`); results come back in
    the order of ``seeds`` whatever the order of completion.
    """
    overrides = overrides or {}
    path = str(scenario_path) if scenario_path is not None else None
    seeds = list(seeds)
    processes = processes or min(len(seeds), os.cpu_count() or 1)
    n_members = build_scenario(path, variant, overrides).parameters.n_members
    size = max(1, min(batch_size(n_members), -(-len(seeds) // max(1, processes))))
    jobs = [(path, overrides, seeds[i:i + size], engine, variant)
            for i in range(0, len(seeds), size)]
    bar = tqdm(total=len(seeds), desc=desc, unit="run", disable=not progress)
    results: list[RunResult] = []
    if processes <= 1:
        for job in jobs:
            results.extend(_run_seeds(job))
            bar.update(len(job[2]))
    else:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            for batch in pool.map(_run_seeds, jobs):
                results.extend(batch)
                bar.update(len(batch))
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
