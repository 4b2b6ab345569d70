"""The verdict: which explanation the visible record supports, and how surely (issue 16).

Three steps, each a pure function of its inputs and a seed:

1. **Prior predictive** (:func:`prior_predictive`): each explanation of
   :mod:`experiments.explanations` run at parameter sets drawn from its priors, every
   visible statistic of the scorecard read off each run.
2. **Statistics that can discriminate** (:func:`separation`): ABC model choice is valid
   only on statistics whose expected values differ between the models (Robert, Cornuet,
   Marin and Pillai 2011, "Lack of confidence in approximate Bayesian computation model
   choice", PNAS 108; Marin, Pillai, Robert and Rousseau 2014, JRSS B 76). For each
   statistic and each pair of explanations, the difference of the prior-predictive means
   in pooled standard deviations and the Kolmogorov-Smirnov distance; a statistic
   *separates* a pair when the means lie at least :data:`SEPARATING_SD` pooled standard
   deviations apart (ASSUMPTION: one standard deviation, a difference a few dozen runs
   detect reliably). The model choice uses the statistics that separate at least one
   pair.
3. **Summaries that weigh what discriminates** (:func:`discriminant`,
   :func:`identifiability`): a logistic regression of the explanation on those statistics,
   fitted on the prior predictive, gives a record one log-odds per explanation
   (semi-automatic ABC model choice: Prangle, Fearnhead, Cox, Biggs and French 2014);
   the same regression, cross-validated pair by pair, tells which explanations the
   statistics can tell apart at all, and :func:`record_log_odds` where the record lies
   among the runs.
4. **Model choice** (:func:`model_choice`): ABC-SMC over all explanations at once
   (pyabc, several models in one ``ABCSMC``, uniform prior over the explanations), on
   the Euclidean distance between log-odds (or, as a robustness check, the calibration's
   root mean square of the deviations from the book in tolerances); posterior model
   probabilities by generation and Bayes factors against the best explanation.

Only visible figures enter (the scorecard's targets); the figures the book withholds for
validation are not among them (experiments/data/historical_figures.csv marks them).
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import scorecard
from experiments.abc_sampler import BatchSampler, FastNormalTransition, UniformModelPrior, model_call
from experiments.calibration import ROUND_PER_WORKER, Simulator, quiet_pyabc, uniform_prior
from experiments.explanations import Explanation
from experiments.targets import historical_values

SEPARATING_SD = 1.0
SUMMARY_KEY = "__discriminant__"  # beside a record in pyabc's database: the fit used
TAG = "__explanation__"  # the proposal's explanation, inside a round of the sampler


def statistics(reading: str = scorecard.DEFAULT_READING) -> tuple[str, ...]:
    """Every visible statistic of the scorecard, pattern by pattern."""
    return tuple(dict.fromkeys(t for p in scorecard.patterns(reading) for t in p.targets))


class Panel:
    """The explanations' simulators behind one ``batch``: a sampler's round, any mix.

    A proposal carries its explanation under :data:`TAG`; the proposals of one
    explanation are simulated together (:meth:`experiments.calibration.Simulator.batch`),
    and the results come back in the proposals' order. Picklable for worker processes.
    """

    def __init__(self, explanations: Sequence[Explanation], names: Sequence[str],
                 engine: str = "auto", scenario_path: str | None = None,
                 fixed: dict[str, Any] | None = None):
        """One simulator per explanation, each reading ``names`` off its runs."""
        self.names = tuple(names)
        self.simulators = {e.name: Simulator(scenario_path, dict(fixed or {}), engine,
                                             e.variant, self.names) for e in explanations}

    def batch(self, proposals: list[dict], seeds: list[int] | None = None
              ) -> list[dict[str, float]]:
        """The statistics of each tagged proposal (``seeds``: its run's seed, if given)."""
        out: list[dict[str, float] | None] = [None] * len(proposals)
        groups: dict[str, list[int]] = {}
        for i, proposal in enumerate(proposals):
            groups.setdefault(proposal[TAG], []).append(i)
        for name, rows in groups.items():
            plain = [{k: float(v) for k, v in proposals[i].items() if k != TAG} for i in rows]
            chosen = None if seeds is None else [seeds[i] for i in rows]
            for i, values in zip(rows, self.simulators[name].batch(plain, chosen), strict=True):
                out[i] = values
        return out

    def one(self, proposal: dict) -> dict[str, float]:
        """The statistics of one tagged proposal."""
        return self.batch([proposal])[0]


class ExplanationModel:
    """One explanation as a pyabc model: its proposal, tagged, through the panel."""

    def __init__(self, panel: Panel, name: str):
        """Explanation ``name`` of ``panel``."""
        self.panel = panel
        self.name = name
        self.__name__ = name  # pyabc names a model by it

    def __call__(self, parameters) -> dict[str, float]:
        """The statistics of one proposal (with its round's others, in a BatchSampler)."""
        proposal = {k: float(v) for k, v in dict(parameters).items()}
        return model_call(self.panel.one, {TAG: self.name, **proposal})


# ------------------------------------------------------------------ 1. prior predictive
def draw_priors(explanation: Explanation, n: int, rng: np.random.Generator) -> list[dict]:
    """``n`` parameter sets from the explanation's uniform priors."""
    return [{p.name: float(rng.uniform(p.low, p.high)) for p in explanation.priors}
            for _ in range(n)]


def _simulate(panel: Panel, proposals: list[dict], seeds: list[int] | None) -> list[dict]:
    return panel.batch(proposals, seeds)


def _simulate_in_rounds(panel: Panel, proposals: list[dict], seeds: list[int] | None,
                        workers: int, bar=None) -> list[dict]:
    """The panel's statistics of ``proposals``, a sampler round's worth at a time.

    On ``workers`` spawned processes when more than one; in the proposals' order either
    way (so the same on any number of workers). ``bar``: a progress bar to advance.
    """
    chunk = ROUND_PER_WORKER
    starts = range(0, len(proposals), chunk)
    parts = [proposals[i:i + chunk] for i in starts]
    part_seeds = [None if seeds is None else seeds[i:i + chunk] for i in starts]
    results: list[dict] = []
    if workers <= 1:
        done_parts = map(_simulate, itertools.repeat(panel), parts, part_seeds)
        for part, done in zip(parts, done_parts, strict=True):
            results += done
            if bar is not None:
                bar.update(len(part))
        return results
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for part, done in zip(parts, pool.map(_simulate, itertools.repeat(panel), parts,
                                              part_seeds), strict=True):
            results += done
            if bar is not None:
                bar.update(len(part))
    return results


def prior_predictive(explanations: Sequence[Explanation], draws: int, *, seed: int = 0,
                     names: Sequence[str] | None = None, engine: str = "auto",
                     workers: int = 1, fixed: dict[str, Any] | None = None,
                     progress: bool = False) -> pd.DataFrame:
    """Each explanation run at ``draws`` parameter sets from its priors: the statistics.

    One row per run: ``explanation``, ``draw``, the parameters (``param:NAME``) and the
    statistics; ``fixed``: overrides for every run (``n_members``, ...). The parameter
    sets are drawn from ``seed`` (one stream per explanation,
    in order), each run with the seed its proposal gives it
    (:func:`experiments.calibration.seed_for`): the table is the same on any number of
    ``workers``.
    """
    from tqdm import tqdm

    names = tuple(names or statistics())
    panel = Panel(explanations, names, engine, fixed=fixed)
    streams = np.random.SeedSequence(seed).spawn(len(explanations))
    proposals = [{TAG: e.name, **p} for e, s in zip(explanations, streams, strict=True)
                 for p in draw_priors(e, draws, np.random.default_rng(s))]
    with tqdm(total=len(proposals), desc="prior predictive", disable=not progress) as bar:
        results = _simulate_in_rounds(panel, proposals, None, workers, bar)
    rows = []
    counter: dict[str, int] = {}
    for proposal, values in zip(proposals, results, strict=True):
        name = proposal[TAG]
        counter[name] = counter.get(name, -1) + 1
        rows.append({"explanation": name, "draw": counter[name],
                     **{f"param:{k}": v for k, v in proposal.items() if k != TAG},
                     **values})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ 2. separation
def separation(table: pd.DataFrame, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Per statistic and pair of explanations: how far apart their prior predictives lie.

    Columns: ``statistic``, ``a``, ``b``, ``mean_a``, ``mean_b``, ``sd_pooled``,
    ``standardized_difference`` (|mean_a - mean_b| / pooled sd; NaN where neither
    varies), ``ks`` (Kolmogorov-Smirnov distance) and ``separates``
    (standardized difference >= :data:`SEPARATING_SD`). Runs without a value of the
    statistic (NaN) are left out of it.
    """
    from scipy.stats import ks_2samp

    names = [n for n in (names or statistics()) if n in table.columns]
    groups = {k: g for k, g in table.groupby("explanation", sort=False)}
    rows = []
    for stat in names:
        for a, b in itertools.combinations(groups, 2):
            x = groups[a][stat].dropna().to_numpy(float)
            y = groups[b][stat].dropna().to_numpy(float)
            if len(x) < 2 or len(y) < 2:
                rows.append({"statistic": stat, "a": a, "b": b, "mean_a": np.nan,
                             "mean_b": np.nan, "sd_pooled": np.nan,
                             "standardized_difference": np.nan, "ks": np.nan,
                             "separates": False})
                continue
            pooled = float(np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2))
            diff = abs(x.mean() - y.mean())
            standardized = diff / pooled if pooled > 0 else (np.inf if diff > 0 else np.nan)
            rows.append({"statistic": stat, "a": a, "b": b, "mean_a": float(x.mean()),
                         "mean_b": float(y.mean()), "sd_pooled": pooled,
                         "standardized_difference": float(standardized),
                         "ks": float(ks_2samp(x, y, method="asymp").statistic),
                         "separates": bool(standardized >= SEPARATING_SD)})  # NaN: no
    return pd.DataFrame(rows)


def separating_statistics(pairs: pd.DataFrame) -> tuple[str, ...]:
    """The statistics that separate at least one pair of explanations, in table order."""
    chosen = pairs.loc[pairs["separates"], "statistic"]
    return tuple(dict.fromkeys(chosen))


# ------------------------------------------------------------------ 2b. discriminants
# ASSUMPTION: the folds of the cross-validation that sets the discriminant's
# regularization and measures how well pairs of explanations can be told apart.
FOLDS = 5
# ASSUMPTION: a pair of explanations is identifiable on the statistics when a classifier
# tells their prior-predictive runs apart in at least this share of held-out runs. At
# 0.8 a single record still leaves the wrong explanation about one chance in five; below
# it the record can hardly decide between them, whatever the budget of the model choice.
IDENTIFIABLE = 0.8
# ASSUMPTION: the ridge of the pairwise classifiers (and of the discriminant where the
# prior predictive is too small to cross-validate): sklearn's default, a moderate one for
# a few dozen statistics and some dozens of runs.
RIDGE_C = 1.0
RIDGES = np.logspace(-3, 2, 11)  # the ridges the discriminant's cross-validation tries


@dataclass(frozen=True)
class Discriminant:
    """Summary statistics for model choice learned from the prior predictive.

    Semi-automatic ABC model choice (Prangle, Fearnhead, Cox, Biggs and French 2014,
    "Semi-automatic selection of summary statistics for ABC model choice", Stat. Appl.
    Genet. Mol. Biol. 13): a multinomial logistic regression of the explanation on the
    statistics ``names``, fitted on the prior predictive (each explanation run at draws
    from its priors), estimates each explanation's log-odds given a record; those
    log-odds are the summaries the model choice compares, one per explanation. A
    distance in them weighs each statistic by what it says about *which explanation*
    made a record, where the distance in the book's tolerances weighs it by how precisely
    the book states it, so statistics that no single one of which separates two
    explanations can still separate them together. A missing value (a run without the
    statistic) takes the prior predictive's median.
    """

    names: tuple[str, ...]
    explanations: tuple[str, ...]
    fill: np.ndarray  # per statistic: the value a missing one takes
    center: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # explanations x statistics
    intercept: np.ndarray
    C: float  # the regularization chosen by cross-validation

    @property
    def fingerprint(self) -> float:
        """A number that differs between two fits (kept with a model choice's record)."""
        return _fingerprint(np.concatenate([self.coef.ravel(), self.intercept]))

    def values(self, record: dict[str, float]) -> np.ndarray:
        """A record's statistics in the fit's order, a missing one as its median."""
        x = np.array([record.get(n, np.nan) for n in self.names], dtype=float)
        return np.where(np.isfinite(x), x, self.fill)

    def standardized(self, record: dict[str, float]) -> np.ndarray:
        """A record's statistics in prior-predictive standard deviations from their mean."""
        return (self.values(record) - self.center) / self.scale

    def log_odds(self, values: dict[str, float]) -> np.ndarray:
        """Each explanation's log-odds (centred) for one record's ``values``."""
        z = self.coef @ self.standardized(values) + self.intercept
        return z - z.mean()

    def distance(self, simulated: dict[str, float], record: dict[str, float]) -> float:
        """Euclidean distance between two records' log-odds."""
        return float(np.linalg.norm(self.log_odds(simulated) - self.log_odds(record)))

    def probabilities(self, values: dict[str, float]) -> dict[str, float]:
        """The regression's own estimate of each explanation's probability for a record."""
        z = self.log_odds(values)
        p = np.exp(z - z.max())
        return dict(zip(self.explanations, p / p.sum(), strict=True))


def _fingerprint(numbers: np.ndarray) -> float:
    """A number that differs between two arrays (kept beside a record in pyabc's database)."""
    import hashlib

    return float(int.from_bytes(hashlib.sha256(numbers.tobytes()).digest()[:6], "big"))


def _design(table: pd.DataFrame, names: Sequence[str]):
    """The prior predictive as a matrix (NaN filled with medians) and its labels."""
    x = table[list(names)].to_numpy(float)
    fill = np.nanmedian(np.where(np.isfinite(x), x, np.nan), axis=0)
    fill = np.where(np.isfinite(fill), fill, 0.0)
    x = np.where(np.isfinite(x), x, fill)
    return x, table["explanation"].to_numpy(), fill


def _folds(labels) -> int:
    """:data:`FOLDS`, or fewer where an explanation has fewer runs (a small prior predictive)."""
    return min(FOLDS, int(pd.Series(labels).value_counts().min()))


def discriminant(table: pd.DataFrame, names: Sequence[str]) -> Discriminant:
    """Fit the :class:`Discriminant` on a prior-predictive ``table`` (deterministic).

    The ridge is chosen among :data:`RIDGES` by :data:`FOLDS`-fold cross-validation of
    the held-out log-likelihood (stratified, folds in table order, so the same table
    gives the same fit).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    names = tuple(names)
    x, y, fill = _design(table, names)
    center, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    x = (x - center) / scale
    folds = _folds(y)
    chosen_c = RIDGE_C
    if folds >= 2:  # the ridge with the best held-out log-likelihood
        scores = [cross_val_score(LogisticRegression(C=c, max_iter=5000), x, y,
                                  cv=StratifiedKFold(folds), scoring="neg_log_loss").mean()
                  for c in RIDGES]
        chosen_c = float(RIDGES[int(np.argmax(scores))])
    fit = LogisticRegression(C=chosen_c, max_iter=5000).fit(x, y)
    coef, intercept = fit.coef_, fit.intercept_
    if len(fit.classes_) == 2:  # sklearn keeps one row, the second's log-odds: split it
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.r_[-intercept / 2,
                                                                         intercept / 2]
    order = [list(fit.classes_).index(e) for e in dict.fromkeys(table["explanation"])]
    return Discriminant(names, tuple(fit.classes_[order]), fill, center, scale,
                        coef[order], intercept[order], chosen_c)


def record_log_odds(summary: Discriminant, table: pd.DataFrame,
                    record: dict[str, float]) -> pd.DataFrame:
    """Where a record lies among the prior predictive, in the discriminant's log-odds.

    One row per explanation: the record's log-odds for it, the regression's probability
    of it, and the 5th and 95th percentile, minimum and maximum of the same log-odds over
    the prior-predictive runs. ``inside``: the record lies within the runs' range. A
    record outside the range of every run is one no explanation produced under its
    priors (the models are misspecified for it), and the model choice then weighs which
    explanation comes *least far*: read its probabilities with that in mind.
    """
    runs = np.array([summary.log_odds(r) for r in
                     table[list(summary.names)].to_dict("records")])
    z = summary.log_odds(record)
    p = summary.probabilities(record)
    rows = []
    for i, name in enumerate(summary.explanations):
        lo, hi = np.percentile(runs[:, i], [5.0, 95.0])
        rows.append({"explanation": name, "record_log_odds": float(z[i]),
                     "regression_probability": float(p[name]), "runs_p5": float(lo),
                     "runs_p95": float(hi), "runs_min": float(runs[:, i].min()),
                     "runs_max": float(runs[:, i].max()),
                     "inside": bool(runs[:, i].min() <= z[i] <= runs[:, i].max())})
    return pd.DataFrame(rows)


def drivers(summary: Discriminant, record: dict[str, float]) -> pd.DataFrame:
    """What each statistic adds to a record's log-odds of each explanation.

    The log-odds are linear in the standardized statistics, so each statistic's share is
    exact: its standardized value (``z``: the record's value against the prior
    predictive's mean, in its standard deviations) times the explanation's coefficient
    less the mean coefficient (the log-odds are centred). One row per statistic and
    explanation; the shares of an explanation sum to its log-odds less the intercept's.
    The largest shares of the favoured explanation are the figures a verdict rests on:
    read differently, they would overturn it.
    """
    x, z = summary.values(record), summary.standardized(record)
    centred = summary.coef - summary.coef.mean(axis=0)
    rows = [{"explanation": e, "statistic": n, "record": float(x[j]),
             "prior_predictive_mean": float(summary.center[j]), "z": float(z[j]),
             "share_of_log_odds": float(centred[i, j] * z[j])}
            for i, e in enumerate(summary.explanations) for j, n in enumerate(summary.names)]
    return pd.DataFrame(rows)


def identifiability(table: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """How well the statistics ``names`` tell each pair of explanations apart.

    For each pair: the cross-validated accuracy of a logistic regression (ridge
    :data:`RIDGE_C`, statistics standardized) that tells
    their prior-predictive runs apart (:data:`FOLDS` folds; 0.5 is chance, 1.0 is
    certainty). Where it is near 0.5 no model choice on these statistics can recover
    either explanation from a record made by the other: the pair is not identifiable on
    them, whatever the budget. Columns ``a``, ``b``, ``accuracy``, ``runs``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = []
    groups = list(dict.fromkeys(table["explanation"]))
    for a, b in itertools.combinations(groups, 2):
        pair = table[table["explanation"].isin((a, b))]
        x, y, _ = _design(pair, names)
        folds = _folds(y)
        model = make_pipeline(StandardScaler(), LogisticRegression(C=RIDGE_C, max_iter=5000))
        accuracy = (cross_val_score(model, x, y, cv=StratifiedKFold(folds)).mean()
                    if folds >= 2 else np.nan)
        rows.append({"a": a, "b": b, "accuracy": float(accuracy), "runs": len(pair)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ 3. model choice
# ASSUMPTION: the perturbation kernel of each explanation's parameters is at least this
# share of each prior's width (standard deviation). pyabc fits a multivariate normal to
# the model's particles; an explanation left with fewer particles than parameters gets
# a singular kernel, whose density is on a subspace and not comparable with the other
# explanations' (their importance weights, so the posterior probabilities, go wrong by
# orders of magnitude: found by the recovery test). A floor of 5 % of the prior's width
# is below the bandwidth a few hundred particles give (about 9 % of it), so it only
# matters where an explanation holds few particles.
KERNEL_FLOOR = 0.05


def _ridged_transition(widths: dict[str, float]):
    """A pyabc multivariate normal kernel with :data:`KERNEL_FLOOR` added on its diagonal.

    (Its proposals drawn as :class:`experiments.abc_sampler.FastNormalTransition` draws
    them: pyabc's, without pandas.)
    """
    import scipy.stats as st

    class RidgedTransition(FastNormalTransition):
        def fit(self, X, w):
            super().fit(X, w)
            floor = np.array([(KERNEL_FLOOR * widths[c]) ** 2 for c in X.columns])
            self.cov = self.cov + np.diag(floor)
            self.normal = st.multivariate_normal(cov=self.cov)

    return RidgedTransition()


def _same_record(history, record: dict[str, float]) -> bool:
    """Whether a pyabc database was made on ``record`` (the same statistics and values)."""
    try:
        stored = history.observed_sum_stat()
    except Exception:  # noqa: BLE001 - an empty or broken database: not the same
        return False
    return set(stored) == set(record) and all(
        np.allclose(float(stored[k]), record[k], equal_nan=True) for k in record)


@dataclass
class ModelChoice:
    """What :func:`model_choice` found."""

    probabilities: pd.DataFrame  # generation x explanation: posterior model probabilities
    bayes_factors: pd.DataFrame  # explanation, probability, bayes_factor_vs_best
    epsilons: pd.DataFrame  # generation, epsilon, samples (simulations)
    history: Any


def model_choice(explanations: Sequence[Explanation], names: Sequence[str],
                 observed: dict[str, float], db: Path, *, population: int, generations: int,
                 seed: int = 0, workers: int = 1, engine: str = "auto",
                 fixed: dict[str, Any] | None = None, resume: bool = False,
                 scheduler: str | None = None, progress: bool = False,
                 scales: dict[str, float] | None = None,
                 summary: Discriminant | None = None) -> ModelChoice:
    """ABC-SMC model choice over ``explanations`` on the statistics ``names``.

    ``observed``: the record (the book's values, or a synthetic record). ``db``: pyabc's
    database; with ``resume`` and an existing database, the run found there continues to
    ``generations`` in all. ``scheduler``: the address of a Dask scheduler (pyabc's Dask
    sampler) instead of this machine's ``workers`` processes. ``fixed``: overrides for
    every run. ``progress``: a bar over the generations. ``scales``: the unit of each
    statistic's deviation in the distance (default: the scorecard's tolerances).
    ``summary``: compare records by a :class:`Discriminant`'s log-odds instead (its
    statistics must be ``names``).
    """
    import pyabc

    quiet_pyabc()
    names = tuple(names)
    if not names:
        raise ValueError("no statistic separates the explanations: nothing to choose on")
    panel = Panel(explanations, names, engine, fixed=fixed)
    models = [ExplanationModel(panel, e.name) for e in explanations]
    priors = [uniform_prior([p.factor for p in e.priors]) for e in explanations]

    if summary is not None and summary.names != names:
        raise ValueError("the discriminant was fitted on other statistics than the choice's")

    def distance(simulated, book):
        if summary is not None:
            return summary.distance(simulated, book)
        return scorecard.distance(simulated, book, names, scales)

    from tqdm import tqdm

    bar = tqdm(total=generations, desc="model choice", unit="generation",
               disable=not progress or scheduler is not None)
    if scheduler:
        from dask.distributed import Client
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler))
    else:
        sampler = BatchSampler(panel, workers=max(1, workers),
                               batch=ROUND_PER_WORKER * max(1, workers), seed=seed,
                               on_generation=lambda t: bar.update(1))
    np.random.seed(seed)  # pyabc draws from numpy's global generator
    transitions = [_ridged_transition({p.name: p.high - p.low for p in e.priors})
                   for e in explanations]
    abc = pyabc.ABCSMC(models, priors, distance, population_size=population, sampler=sampler,
                       transitions=transitions, model_prior=UniformModelPrior(len(models)))
    url = f"sqlite:///{Path(db).resolve()}"
    done = 0
    record = {k: observed[k] for k in names}
    if summary is not None:  # a database made with another distance is not resumed
        record[SUMMARY_KEY] = summary.fingerprint
    elif scales is not None:  # ... nor one made with other units
        record[SUMMARY_KEY] = _fingerprint(np.array([scales[k] for k in names], dtype=float))
    if Path(db).exists() and not (resume and _same_record(pyabc.History(url), record)):
        Path(db).unlink()  # not resumed, or made on another record: start anew
    if Path(db).exists():
        abc.load(url, 1)
        done = pyabc.History(url).max_t + 1
    else:
        abc.new(url, record)
    bar.update(min(done, generations))
    history = pyabc.History(url)
    try:  # all generations in one call: pyabc's tolerance schedule runs across them
        if generations > done:
            history = abc.run(max_nr_populations=generations - done)
    finally:
        bar.close()
        if isinstance(sampler, BatchSampler):
            sampler.stop()
    labels = {i: e.name for i, e in enumerate(explanations)}
    probs = history.get_model_probabilities().rename(columns=labels)
    probs = probs.reindex(columns=[e.name for e in explanations]).fillna(0.0)
    probs.index.name = "generation"
    final = probs.iloc[-1]
    best = final.max()
    factors = pd.DataFrame({"explanation": final.index, "probability": final.to_numpy(),
                            "bayes_factor_vs_best": (final / best).to_numpy()})
    pops = history.get_all_populations()
    epsilons = pops.loc[pops["t"] >= 0, ["t", "epsilon", "samples"]].rename(
        columns={"t": "generation"})
    return ModelChoice(probs.reset_index(), factors, epsilons.reset_index(drop=True), history)


def synthetic_record(explanation: Explanation, parameters: dict[str, float], names: Sequence[str],
                     *, seed: int, engine: str = "auto", fixed: dict[str, Any] | None = None
                     ) -> dict[str, float]:
    """What one run of ``explanation`` at ``parameters`` (seed ``seed``) shows: a record.

    A single run, so the record carries one realization's noise, as the historical record
    does; statistics the run cannot give are NaN. Used to check that the model choice
    finds the explanation that made a record (issue 16, part 3).
    """
    simulator = Simulator(None, dict(fixed or {}), engine, explanation.variant, tuple(names))
    scenario = simulator.scenario(dict(parameters))
    from experiments import runner

    model = runner.simulate_runs([scenario], [seed], engine)[0]
    return scorecard.simulated_values(runner.result_of(model, seed), tuple(names))


def monte_carlo(choices: Sequence[ModelChoice]) -> pd.DataFrame:
    """The posterior probabilities over repeats of the whole inference (other seeds).

    One row per explanation: ``probability`` (mean over the repeats), ``probability_sd``
    (their standard deviation: the Monte Carlo error of one verdict; 0 with one repeat),
    ``probability_min``, ``probability_max``, ``bayes_factor_vs_best`` (of the mean
    probabilities, against the explanation with the highest mean; uniform prior over the
    explanations, so posterior odds are Bayes factors) and ``repeats``.
    """
    finals = pd.DataFrame([c.bayes_factors.set_index("explanation")["probability"]
                           for c in choices]).reset_index(drop=True)
    mean = finals.mean()
    out = pd.DataFrame({
        "explanation": finals.columns,
        "probability": mean.to_numpy(),
        "probability_sd": finals.std(ddof=1).fillna(0.0).to_numpy() if len(finals) > 1
        else np.zeros(finals.shape[1]),
        "probability_min": finals.min().to_numpy(),
        "probability_max": finals.max().to_numpy(),
        "bayes_factor_vs_best": (mean / mean.max()).to_numpy(),
        "repeats": len(finals)})
    return out.sort_values("probability", ascending=False).reset_index(drop=True)


# ------------------------------------------------------------------ 5. out of sample
# The visible figures of 1937-1938 (the rest are of 1933-1936): what the out-of-sample
# check predicts from a calibration on the earlier ones. The withheld 1937 figures are
# not among them (they are not targets at all).
LATER = ("expelled_1937", "expelled_1938", "readmitted_share_1938", "regional_voted_out_1937",
         "lower_leaders_voted_out_1937", "leaders_removed_june_1937",
         "conference_verdicts_agree")
INTERVAL = (5.0, 95.0)  # the predictive interval's percentiles: 90 %


def posterior_predictive(explanation: Explanation, history, names: Sequence[str], draws: int,
                         *, seed: int, engine: str = "auto", workers: int = 1,
                         fixed: dict[str, Any] | None = None) -> pd.DataFrame:
    """``draws`` fresh runs of parameter sets drawn (by weight) from a final population.

    ``history``: a pyabc History of one explanation (model 0). Each run gets a seed of its
    own (from ``seed``), not the one its particle was accepted with, so the runs show what
    the calibrated explanation predicts, noise included. One row per run, the statistics
    ``names`` as columns.
    """
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(frame), size=draws, p=np.asarray(weights) / np.sum(weights))
    proposals = [{TAG: explanation.name, **{k: float(frame.iloc[i][k]) for k in frame.columns}}
                 for i in picks]
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, size=draws)]
    panel = Panel([explanation], names, engine, fixed=fixed)
    results = _simulate_in_rounds(panel, proposals, seeds, workers)
    return pd.DataFrame(results).assign(explanation=explanation.name)


def predictive_checks(runs: pd.DataFrame, book: dict[str, float], fitted: Sequence[str],
                      predicted: Sequence[str]) -> pd.DataFrame:
    """Every statistic's predictive interval against the record, fitted or predicted.

    One row per explanation and statistic: ``period`` ("fitted": 1933-1936, calibrated
    on; "predicted": 1937-1938, out of sample), the book's value, the predictive median
    and 90 % interval (:data:`INTERVAL`), ``inside`` (the book's value in the interval),
    ``predictive_p`` (share of predictive runs at or below the book's value) and
    ``error_in_tolerances`` (|median - book| / tolerance).
    """
    rows = []
    for name, group in runs.groupby("explanation", sort=False):
        for period, stats in (("fitted", fitted), ("predicted", predicted)):
            for stat in stats:
                x = group[stat].dropna().to_numpy(float)
                target = book[stat]
                if len(x) == 0:
                    lo = mid = hi = p = np.nan
                else:
                    lo, mid, hi = np.percentile(x, [INTERVAL[0], 50.0, INTERVAL[1]])
                    p = float(np.mean(x <= target))
                rows.append({"explanation": name, "statistic": stat, "period": period,
                             "book": target, "median": mid, "low": lo, "high": hi,
                             "inside": bool(lo <= target <= hi) if len(x) else False,
                             "predictive_p": p,
                             "error_in_tolerances": abs(mid - target)
                             / scorecard.TOLERANCES[stat][0] if len(x) else np.nan,
                             "runs": len(x)})
    return pd.DataFrame(rows)


def out_of_sample_summary(checks: pd.DataFrame) -> pd.DataFrame:
    """Per explanation: coverage of the 90 % intervals and error, fitted vs predicted."""
    out = checks.groupby(["explanation", "period"], sort=False).agg(
        coverage=("inside", "mean"), mean_error_in_tolerances=("error_in_tolerances", "mean"),
        statistics=("statistic", "size")).reset_index()
    return out


# ------------------------------------------------------------------ 4. robustness
def _valid_range(name: str) -> tuple[float, float]:
    """The values an override ``name`` may take (parameter, campaign field or target)."""
    from model.params import Parameters
    from model.scenario import campaign_override_range

    if "." in name:
        return campaign_override_range(name)
    spec = next(r for r in Parameters.describe() if r["name"] == name)
    return (spec["min"] if spec["min"] is not None else -np.inf,
            spec["max"] if spec["max"] is not None else np.inf)


def scaled_priors(explanation: Explanation, factor: float) -> Explanation:
    """``explanation`` with every prior ``factor`` times as wide about its middle.

    Kept inside each parameter's valid range (so a widened prior that would go below
    zero stops at zero).
    """
    import dataclasses

    from experiments.explanations import Prior

    priors = []
    for p in explanation.priors:
        mid, half = (p.low + p.high) / 2, factor * (p.high - p.low) / 2
        lo, hi = _valid_range(p.name)
        priors.append(Prior(p.name, max(lo, mid - half), min(hi, mid + half),
                            f"{p.why} (x{factor:g} wide)"))
    return dataclasses.replace(explanation, priors=tuple(priors))


# Other readings of a figure the book gives (each: the statistic, the historical figure
# of the other reading, and the reading in words), tried as robustness variations.
READINGS = {"proverka_leading_work_share": (
    "derived_proverka_leading_work_pct_of_all",
    "L1057's leaders as a share of all 1,510 expelled (32 %), not of the 1,068 described")}
# Figures that may be read as not comparable with the model's output at all (each: the
# statistic, left out of the distance, and the reading in words), tried as variations.
# Table 3.4's "Smolensk" chistka figure is the city's ("In the city of Smolensk, the rate
# was only about 2 percent", L672), the book gives no regional one, and the model's
# output is the Western Region's; its proverka figure matches city and region alike
# (11 % and 10.8 %, Table 3.3), so it stays. L944's regions are the report's examples of
# problem areas and favourably regarded ones ("are examples"): named for their rates,
# which a ratio of the same regions' rates in a run does not reproduce by chance.
LEFT_OUT = {
    "western_chistka": "Table 3.4's Smolensk chistka figure as the city's alone (L672), left out",
    "proverka_problem_to_favoured": "L944's regions as the report's chosen examples, left out",
}


def robustness_variations(statistics_used: Sequence[str], table: pd.DataFrame,
                          members: int = 4000) -> list[dict]:
    """What the verdict is re-run under (issue 16, part 4), each a named change.

    Priors half and twice as wide; each group of patterns left out (scorecard.PATTERNS;
    the discriminant refitted on the statistics left); the scale (four times the
    verdict's ``members``: 16,000 against the default 4,000); the distance: instead of
    the discriminant's log-odds, the root mean square of the deviations in the book's
    tolerances (the stated precision of the figures), or in each statistic's
    prior-predictive standard deviation (a data-driven unit, common in ABC); another
    reading of a figure (:data:`READINGS`), or a figure read as not the model's output
    and left out (:data:`LEFT_OUT`). Each: ``name``, ``what`` and the change
    (``prior_factor``, ``statistics``, ``fixed``; for ``what`` "distance", the
    ``scales`` of the deviations, None for the book's tolerances; ``record``: figures
    read otherwise).
    """
    used = tuple(statistics_used)
    out = [{"name": "priors half as wide", "what": "priors", "prior_factor": 0.5},
           {"name": "priors twice as wide", "what": "priors", "prior_factor": 2.0}]
    for pattern in scorecard.patterns():
        kept = tuple(s for s in used if s not in pattern.targets)
        if kept != used and kept:
            out.append({"name": f"without: {pattern.name}", "what": "patterns",
                        "statistics": kept})
    out.append({"name": f"{4 * members:,} members", "what": "scale",
                "fixed": {"n_members": 4 * members}})
    out.append({"name": "distance: book's tolerances", "what": "distance", "scales": None})
    sd = table[list(used)].std(ddof=1)
    out.append({"name": "distance: prior-predictive sd", "what": "distance",
                "scales": {s: float(sd[s]) if sd[s] > 0 else scorecard.TOLERANCES[s][0]
                           for s in used}})
    values = historical_values()
    for statistic, (figure, reading) in READINGS.items():
        if statistic in used:
            out.append({"name": f"reading: {reading}", "what": "reading",
                        "record": {statistic: float(values[figure][0])}})
    for statistic, reading in LEFT_OUT.items():
        kept = tuple(s for s in used if s != statistic)
        if kept != used and kept:
            out.append({"name": f"reading: {reading}", "what": "reading",
                        "statistics": kept})
    return out


def robustness_table(main: pd.DataFrame, runs: dict[str, ModelChoice]) -> pd.DataFrame:
    """One row per variation: each explanation's probability, the best, and agreement.

    ``main``: :func:`monte_carlo`'s table of the verdict itself.
    ``agrees``: the same explanation comes first; ``rejected_stay_rejected``: every
    explanation the verdict gives less than :data:`REJECTED` stays under
    :data:`STILL_REJECTED` (ASSUMPTION: thresholds of 1 % and 5 %).
    """
    best_main = main.iloc[0]["explanation"]
    rejected = list(main.loc[main["probability"] < REJECTED, "explanation"])
    rows = [{"variation": "the verdict (mean of repeats)", "best": best_main,
             "agrees": True, "rejected_stay_rejected": True,
             **dict(zip(main["explanation"], main["probability"], strict=True))}]
    for name, choice in runs.items():
        final = choice.bayes_factors.set_index("explanation")["probability"]
        rows.append({"variation": name, "best": final.idxmax(),
                     "agrees": final.idxmax() == best_main,
                     "rejected_stay_rejected": bool((final.reindex(rejected).fillna(0.0)
                                                     < STILL_REJECTED).all()),
                     **final.to_dict()})
    return pd.DataFrame(rows)


REJECTED, STILL_REJECTED = 0.01, 0.05


# ------------------------------------------------------------------ 3. recovery
def recovery(explanations: Sequence[Explanation], names: Sequence[str], folder: Path, *,
             population: int, generations: int, seed: int = 0, workers: int = 1,
             engine: str = "auto", fixed: dict[str, Any] | None = None,
             summary: Discriminant | None = None,
             identifiable: pd.DataFrame | None = None, progress: bool = False,
             log=None) -> pd.DataFrame:
    """Whether the model choice finds the explanation that made a record (issue 16, part 3).

    For each explanation in turn, a synthetic record is one run of it at the middle of
    its priors (seed from ``seed``), with a record's noise; the model choice over all
    ``explanations`` on the statistics ``names`` then gives each its posterior
    probability. Returns the confusion table: one row per true explanation, its
    probabilities as columns, ``found`` (the most probable) and ``recovered``
    (found is the truth). With ``identifiable`` (:func:`identifiability`'s table) also
    ``alike``: the explanations the statistics cannot tell from the truth (accuracy
    below :data:`IDENTIFIABLE`), ``probability_of_alike`` (the truth's and theirs
    together) and ``recovered_up_to_alike`` (found is the truth or one of them). Each
    model choice has its own resumable database in ``folder``.
    """
    rows = []
    for i, truth in enumerate(explanations):
        if log:
            log(f"recovery: a record made by {truth.name}")
        known = {p.name: (p.low + p.high) / 2 for p in truth.priors}
        record = synthetic_record(truth, known, names, seed=seed + 1000 + i, engine=engine,
                                  fixed=fixed)
        choice = model_choice(explanations, names, record, folder / f"recovery-{i}.db",
                              population=population, generations=generations, seed=seed,
                              workers=workers, engine=engine, fixed=fixed, resume=True,
                              summary=summary, progress=progress)
        final = choice.bayes_factors.set_index("explanation")["probability"]
        row = {"truth": truth.name, "found": final.idxmax(),
               "recovered": final.idxmax() == truth.name,
               "probability_of_truth": float(final[truth.name])}
        if identifiable is not None:
            alike = indistinguishable(identifiable, truth.name)
            row |= {"alike": ", ".join(alike),
                    "probability_of_alike": float(final[[truth.name, *alike]].sum()),
                    "recovered_up_to_alike": final.idxmax() in (truth.name, *alike)}
        rows.append(row | final.to_dict())
    return pd.DataFrame(rows)


def indistinguishable(identifiable: pd.DataFrame, name: str) -> tuple[str, ...]:
    """The explanations that the statistics tell from ``name`` less than :data:`IDENTIFIABLE`."""
    low = identifiable[identifiable["accuracy"] < IDENTIFIABLE]
    return tuple(dict.fromkeys([*low.loc[low["a"] == name, "b"], *low.loc[low["b"] == name, "a"]]))
