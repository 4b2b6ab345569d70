"""Calibration by approximate Bayesian computation (ABC-SMC, pyabc) on the visible record.

Priors are uniform over each factor's range. Each simulation runs the historical
scenario with the proposed parameters and a seed derived from them (so the same proposal
always gives the same run), and reads off the visible targets of
:mod:`experiments.targets` listed in :data:`CALIBRATION_TARGETS`. Figures the book
withholds for validation are never among them.

Distance (tolerances per target in :data:`experiments.scorecard.TOLERANCES`): the root mean square of
each target's deviation from the book divided by its tolerance,

    d = sqrt( mean_i ((simulated_i - book_i) / tolerance_i)^2 ),

so a distance of 1 means "on average one tolerance away". Tolerances are the precision
with which the book states each figure, or the model's seed-to-seed noise where that is
larger (ASSUMPTION, in the table below). A run without a value for a target (e.g. no
denunciations) counts as 10 tolerances away on it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import experiments.scorecard as scorecard
from experiments import runner
from experiments.abc_sampler import (
    BatchSampler,
    FastNormalTransition,
    UniformModelPrior,
    UniformPrior,
    model_call,
)
from experiments.runner import build_scenario
from experiments.scorecard import TOLERANCES
from experiments.sweep import Factor
from model import Scenario


@dataclass(frozen=True)
class CalibrationTarget:
    """A visible target used by the calibration, with its tolerance and why."""

    name: str
    tolerance: float
    why: str


# The visible targets the calibration fits; tolerances are the scorecard's (one source).
CALIBRATION_TARGETS: tuple[CalibrationTarget, ...] = tuple(
    CalibrationTarget(name, *TOLERANCES[name]) for name in (
        "chistka_national", "proverka_national", "expelled_1937", "expelled_1938",
        "western_chistka", "western_proverka", "chain_checked_share", "chain_supported_share",
        "chain_expelled_share", "readmitted_share_1938"))


NAMES = tuple(t.name for t in CALIBRATION_TARGETS)


def observed() -> dict[str, float]:
    """The book's values of the calibration targets."""
    book = scorecard.book_values()
    return {name: book[name] for name in NAMES}


def distance(simulated: dict[str, float], book: dict[str, float]) -> float:
    """Root mean square of the deviations in tolerances (module docstring)."""
    return scorecard.distance(simulated, book, NAMES)


def seed_for(parameters: dict[str, float]) -> int:
    """A seed derived from the proposal: the same proposal always gives the same run."""
    text = json.dumps({k: round(float(v), 12) for k, v in sorted(parameters.items())})
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


class Simulator:
    """The ABC model: proposal -> visible targets (picklable for worker processes)."""

    def __init__(self, scenario_path: str | None, fixed: dict[str, Any], engine: str,
                 variant: str | None = None, names: tuple[str, ...] = NAMES):
        """Remember the scenario, variant, fixed overrides, engine and statistics.

        ``names``: the targets of :mod:`experiments.targets` read off each run.
        """
        self.names = tuple(names)
        self.variant = variant
        self.scenario_path = scenario_path
        self.fixed = fixed
        self.engine = engine
        self._base: Scenario | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the cached scenario (a worker process reads its own)."""
        return {**self.__dict__, "_base": None}

    def scenario(self, proposal: dict[str, float]) -> Scenario:
        """The proposal's scenario: the file under the variant, read once, then overridden.

        The same as :func:`experiments.runner.build_scenario` with the fixed overrides and
        the proposal, without re-reading the file for every proposal.
        """
        if self._base is None:
            self._base = build_scenario(self.scenario_path, self.variant)
        return self._base.with_overrides({**self.fixed, **proposal})

    def __call__(self, parameters) -> dict[str, float]:
        """Run the model once and read off the calibration targets.

        Within a :class:`experiments.abc_sampler.BatchSampler`'s round, the run is made
        together with the round's other proposals (the same result as alone).
        """
        proposal = {k: float(v) for k, v in dict(parameters).items()}
        return model_call(lambda p: self.batch([p])[0], proposal)

    def batch(self, proposals: list[dict[str, float]], seeds: list[int] | None = None
              ) -> list[dict[str, float]]:
        """The calibration targets of each proposal, the runs made together.

        Each proposal's run is the one :func:`seed_for` makes it (or ``seeds``: fresh
        runs of the same proposals, a posterior predictive), as alone
        (:func:`experiments.runner.simulate_runs`); if the batch fails, each runs alone,
        so an error is one proposal's own.
        """
        scenarios = [self.scenario(p) for p in proposals]
        seeds = [seed_for(p) for p in proposals] if seeds is None else list(seeds)
        try:
            models = runner.simulate_runs(scenarios, seeds, self.engine)
        except Exception:  # noqa: BLE001 - find the proposal that fails
            if len(proposals) == 1:
                raise
            models = [runner.simulate_runs([sc], [seed], self.engine)[0]
                      for sc, seed in zip(scenarios, seeds, strict=True)]
        return [scorecard.simulated_values(runner.result_of(model, seed, lazy=True), self.names)
                for model, seed in zip(models, seeds, strict=True)]


# Particles a worker process simulates together in a round of a calibration (the array
# engine's batch: experiments.runner.BATCH_RUNS).
ROUND_PER_WORKER = runner.BATCH_RUNS


def quiet_pyabc(level: int = logging.WARNING) -> None:
    """Keep pyabc's INFO lines (one per generation and sampler step) off the console.

    The progress of a calibration is reported by the command itself; pyabc's warnings and
    errors still show. Its loggers are "ABC" and its children ("ABC.Sampler", ...).
    """
    for name in ("ABC", "pyabc"):
        logging.getLogger(name).setLevel(level)


def uniform_prior(factors: list[Factor]):
    """The prior of pyabc: each factor uniform over [low, high], independently.

    pyabc's ``Distribution`` of ``RV("uniform", low, width)``, its density read without
    scipy (:class:`experiments.abc_sampler.UniformPrior`: the same numbers).
    """
    return UniformPrior({f.name: (f.low, f.high - f.low) for f in factors})


def run_abc(factors: list[Factor], out: Path, *, population: int, generations: int,
            workers: int, scenario_path: str | None, fixed: dict[str, Any], engine: str,
            seed: int = 0, variant: str | None = None, round_size: int | None = None
            ) -> tuple[pd.DataFrame, Any]:
    """Run ABC-SMC; returns the final population (parameters and weights) and the history.

    ``round_size``: particles simulated together in a round (default
    :data:`ROUND_PER_WORKER` per worker); the posterior does not depend on it.
    """
    import pyabc

    quiet_pyabc()
    np.random.seed(seed)  # pyabc draws from numpy's global generator
    prior = uniform_prior(factors)
    simulator = Simulator(scenario_path, fixed, engine, variant)
    # particles in rounds simulated together (a batch per worker process), proposed in
    # the same order every time: a seeded calibration is reproducible on any core count
    sampler = BatchSampler(simulator, workers=max(1, workers),
                           batch=round_size or ROUND_PER_WORKER * max(1, workers),
                           seed=seed)
    # pyabc's default kernel and model prior, read faster (the same draws and numbers)
    abc = pyabc.ABCSMC(simulator, prior, distance, population_size=population,
                       sampler=sampler, transitions=FastNormalTransition(),
                       model_prior=UniformModelPrior(1))
    db = out / "abc.db"
    if db.exists():
        db.unlink()
    abc.new(f"sqlite:///{db.resolve()}", observed())
    try:
        history = abc.run(max_nr_populations=generations)
    finally:
        sampler.stop()
    frame, weights = history.get_distribution()
    posterior = frame.reset_index(drop=True)
    posterior["weight"] = np.asarray(weights)
    return posterior, history


def calibrate_and_save(factors: list[Factor], out: Path, tool: str, *, population: int,
                       generations: int, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame, Any]:
    """Run :func:`run_abc` and write its results into ``out``.

    Writes ``posterior.csv``, ``posterior_summary.csv`` and ``calibrated.toml`` (the note
    in it names ``tool``); returns (posterior, summary, pyabc history).
    """
    posterior, history = run_abc(factors, out, population=population,
                                 generations=generations, **kwargs)
    posterior.to_csv(out / "posterior.csv", index=False)
    stats = summary(posterior)
    stats.to_csv(out / "posterior_summary.csv", index=False)
    epsilon = history.get_all_populations()["epsilon"].iloc[-1]
    write_parameters(stats, out / "calibrated.toml",
                     f"{tool}: {generations} generations of {population}, "
                     f"final epsilon {epsilon:.3f}")
    return posterior, stats, history


def posterior_means(stats: pd.DataFrame) -> dict[str, float]:
    """The calibrated parameter set: posterior mean of each parameter."""
    return {r.parameter: float(r.mean) for r in stats.itertuples()}


def summary(posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean, sd and 5-95 % interval of each calibrated parameter."""
    rows = []
    w = posterior["weight"].to_numpy()
    for name in posterior.columns.drop("weight"):
        x = posterior[name].to_numpy(float)
        order = np.argsort(x)
        cum = np.cumsum(w[order]) / w.sum()
        mean = float(np.average(x, weights=w))
        rows.append({"parameter": name, "mean": mean,
                     "sd": float(np.sqrt(np.average((x - mean) ** 2, weights=w))),
                     "p05": float(x[order][np.searchsorted(cum, 0.05)]),
                     "p95": float(x[order][min(len(x) - 1, np.searchsorted(cum, 0.95))])})
    return pd.DataFrame(rows)


def write_parameters(stats: pd.DataFrame, path: Path, note: str) -> Path:
    """The calibrated parameter set (posterior means) as a file ``purges run --params`` reads."""
    lines = [f"# {note}", "# Posterior means; use with: purges run --params " + path.name,
             "[overrides]"]
    lines += [f'"{r.parameter}" = {r.mean:.6g}' for r in stats.itertuples()]
    path.write_text("\n".join(lines) + "\n")
    return path

