"""Calibration: the distance, the ABC run end to end, and the parameter file it writes."""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import calibration, scorecard
from experiments.abc_sampler import (
    BatchSampler,
    FastNormalTransition,
    UniformModelPrior,
    UniformPrior,
    model_call,
)
from experiments.cli.main import main


def test_observed_targets_are_visible_figures_only():
    book = calibration.observed()
    assert book["chistka_national"] == pytest.approx(18.5)
    assert book["chain_checked_share"] == pytest.approx(492 / 712)
    assert all(np.isfinite(v) for v in book.values())


def test_distance_is_zero_at_the_record_and_grows_with_deviation():
    book = calibration.observed()
    assert calibration.distance(book, book) == 0.0
    worse = dict(book, chistka_national=book["chistka_national"] + 2.0)  # two tolerances
    assert calibration.distance(worse, book) == pytest.approx(np.sqrt(4 / len(book)))
    # deviations are measured in each target's own tolerance (0.05 for a chain share)
    assert scorecard.TOLERANCES["chain_checked_share"][0] == 0.05
    chain = dict(book, chain_checked_share=book["chain_checked_share"] - 0.15)  # three
    assert calibration.distance(chain, book) == pytest.approx(np.sqrt(9 / len(book)))
    assert calibration.distance(dict(book, expelled_1937=np.nan), book) > calibration.distance(
        worse, book)


def test_the_same_proposal_always_gets_the_same_seed():
    assert calibration.seed_for({"a": 0.5, "b": 1.0}) == calibration.seed_for({"b": 1.0, "a": 0.5})
    assert calibration.seed_for({"a": 0.5}) != calibration.seed_for({"a": 0.6})


def test_calibrate_end_to_end_and_use_the_result(tmp_path, caplog):
    out = tmp_path / "cal"
    caplog.set_level(logging.INFO)
    assert main(["calibrate", "--factor", "chistka.intensity=0.4:2.0", "--population", "12",
                 "--generations", "2", "--predictive", "2", "--set", "n_members=1200",
                 "--engine", "arrays", "--workers", "1", "--out", str(out), "--quiet"]) == 0
    # pyabc's INFO lines (one per generation and sampler step) stay off the console
    assert not [r for r in caplog.records if r.name.startswith("ABC") and r.levelno < 30]
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == 12 and posterior["chistka.intensity"].between(0.4, 2.0).all()
    assert posterior["weight"].sum() == pytest.approx(1.0)
    manifest = json.loads((out / "manifest.json").read_text())
    eps = [e for e in manifest["epsilons"] if np.isfinite(e)]  # pyabc's t=-1 is inf
    assert len(eps) == 2 and eps[1] <= eps[0]
    for name in ("posterior.png", "predictive.png", "calibrated.toml"):
        assert (out / name).stat().st_size > 0
    # the calibrated set runs, and lands in the run's manifest
    assert main(["run", "--params", str(out / "calibrated.toml"), "--seeds", "1", "--set",
                 "n_members=1200", "--out", str(tmp_path / "run"), "--quiet",
                 "--no-figures"]) == 0
    used = json.loads((tmp_path / "run" / "manifest.json").read_text())["overrides"]
    assert 0.4 <= used["chistka.intensity"] <= 2.0


def test_bad_params_file_is_one_line(tmp_path, capsys):
    bad = tmp_path / "p.toml"
    bad.write_text("[parameters]\nx = 1\n")
    assert main(["run", "--params", str(bad), "--out", str(tmp_path / "r")]) == 2
    assert "expected one table [overrides]" in capsys.readouterr().err


def test_scorecard_distance_is_in_units_of_each_targets_tolerance():
    """D = sqrt(mean(((sim - book) / tolerance)^2)), with tolerances other than 1."""
    book = scorecard.book_values()
    first, western = "chistka_first_month", "western_proverka"
    assert scorecard.TOLERANCES[first][0] == 3.0 and scorecard.TOLERANCES[western][0] == 3.0
    sim = dict(book, chistka_first_month=book[first] + 6.0, western_proverka=book[western])
    assert scorecard.distance(sim, book, [first]) == pytest.approx(2.0)
    assert scorecard.distance(sim, book, [first, western]) == pytest.approx(np.sqrt(2.0))
    sim[western] = np.nan  # a target the run cannot give counts as ten tolerances away
    assert scorecard.distance(sim, book, [western]) == pytest.approx(10.0)


def test_a_proposal_simulated_in_a_batch_gets_what_it_gets_alone():
    """The batched evaluation (a round's proposals together) changes no proposal's values."""
    simulator = calibration.Simulator(None, {"n_members": 400}, "arrays")
    proposals = [{"chistka.intensity": x, "protection_strength": y}
                 for x, y in ((0.9, 0.2), (1.3, 0.7), (1.1, 0.5))]
    together = simulator.batch(proposals)
    for proposal, values in zip(proposals, together, strict=True):
        alone = simulator(proposal)  # outside a sampler's round: simulated at once, alone
        assert alone.keys() == values.keys()
        for name, value in alone.items():
            assert value == values[name] or (np.isnan(value) and np.isnan(values[name])), name


def _posterior(tmp_path, workers: int, round_size: int) -> pd.DataFrame:
    from experiments.sweep import parse_factor

    tmp_path.mkdir(parents=True)
    posterior, _ = calibration.run_abc(
        [parse_factor("chistka.intensity=0.4:2.0")], tmp_path, population=8, generations=2,
        workers=workers, scenario_path=None, fixed={"n_members": 300}, engine="arrays", seed=4,
        round_size=round_size)
    return posterior


def test_a_seeded_calibration_is_the_same_whatever_the_rounds_and_processes(tmp_path):
    """Particles are proposed in one order however many are simulated together, and where."""
    first = _posterior(tmp_path / "a", workers=1, round_size=16)
    pd.testing.assert_frame_equal(first, _posterior(tmp_path / "b", workers=1, round_size=16))
    pd.testing.assert_frame_equal(first, _posterior(tmp_path / "c", workers=1, round_size=5))
    pd.testing.assert_frame_equal(first, _posterior(tmp_path / "d", workers=2, round_size=6))
    # rounds of two on two processes: the next round proposed while one is simulated
    pd.testing.assert_frame_equal(first, _posterior(tmp_path / "e", workers=2, round_size=2))


class _Recording:
    """A stand-in for the calibration's simulator: records what it is asked, in order."""

    def __init__(self, fail_on: int | None = None):
        self.events: list[tuple[str, int]] = []
        self.fail_on = fail_on

    def batch(self, proposals: list[dict]) -> list[dict]:
        for p in proposals:
            if p["i"] == self.fail_on:
                raise RuntimeError(f"proposal {p['i']} failed")
            self.events.append(("simulated", p["i"]))
        return [{"i": p["i"]} for p in proposals]


def _proposing(recording: _Recording):
    """A stand-in for pyabc's ``simulate_one``: propose the next number, simulate, accept evens."""
    import itertools

    import pyabc

    counter = itertools.count()

    def simulate_one():
        i = next(counter)
        recording.events.append(("proposed", i))
        result = model_call(lambda p: recording.batch([p])[0], {"i": i})
        return pyabc.Particle(m=0, parameter=pyabc.Parameter(i=i), weight=1.0,
                              sum_stat=result, distance=0.0, accepted=i % 2 == 0)
    return simulate_one


def test_rounds_overlap_and_none_is_simulated_in_vain():
    """The next round is proposed before the current one is simulated; no round is wasted."""
    recording = _Recording()
    sampler = BatchSampler(recording, workers=1, batch=3)
    sample = sampler.sample_until_n_accepted(5, _proposing(recording), t=0)
    accepted = [p.parameter["i"] for p in sample.accepted_particles]
    assert accepted == [0, 2, 4, 6, 8]  # the first five accepted, in the order proposed
    simulated = [i for what, i in recording.events if what == "simulated"]
    assert simulated == list(range(9)) and sampler.nr_evaluations_ == 9  # none in vain
    events = recording.events
    # round two (3-5) proposed before round one (0-2) was simulated: they overlap; round
    # three (6-8) only after round two was back (round two could complete the generation)
    assert events.index(("proposed", 5)) < events.index(("simulated", 0))
    assert events.index(("proposed", 6)) > events.index(("simulated", 5))


def test_an_error_in_a_round_ends_the_next_round_too():
    """A failing simulation is raised; the overlapping round's particles end, none left waiting."""
    import threading

    before = threading.active_count()
    recording = _Recording(fail_on=1)
    sampler = BatchSampler(recording, workers=1, batch=3)
    with pytest.raises(RuntimeError, match="proposal 1 failed"):
        sampler.sample_until_n_accepted(5, _proposing(recording), t=0)
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.daemon:
            thread.join(timeout=5)
    assert threading.active_count() == before


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), dim=st.integers(1, 3))
def test_the_fast_kernel_proposes_what_pyabcs_own_proposes(seed, n, dim):
    """FastNormalTransition: pyabc's proposals, draw for draw, to the last bit."""
    import pyabc

    rng = np.random.default_rng(seed)
    names = ["protection_strength", "chistka.intensity", "lateral_rate"][:dim]
    population = pd.DataFrame(rng.uniform(0, 1, (n, dim)), columns=names)
    weights = rng.uniform(0.1, 1, n)
    weights /= weights.sum()
    theirs, ours = pyabc.MultivariateNormalTransition(), FastNormalTransition()
    proposals = []
    for kernel in (theirs, ours):
        kernel.fit(population, weights)
        np.random.seed(seed)
        proposals.append([kernel.rvs() for _ in range(20)])
    for a, b in zip(*proposals, strict=True):
        assert list(a) == list(b)
        assert all(a[k] == b[k] for k in a), (a, b)
    assert ours.pdf(proposals[1][0]) == theirs.pdf(proposals[1][0])


@settings(max_examples=50, deadline=None)
@given(low=st.floats(-5, 5), width=st.floats(0.01, 10),
       x=st.one_of(st.floats(-20, 20), st.sampled_from([np.nan])), edge=st.booleans())
def test_the_fast_prior_has_pyabcs_density(low, width, x, edge):
    """UniformPrior: pyabc's uniform prior's density, at its edges and outside too."""
    import pyabc

    other = low + width if edge else x  # exactly at the upper edge, or anywhere
    bounds = {"a": (low, width), "b": (0.0, 1.0)}
    ours = UniformPrior(bounds)
    theirs = pyabc.Distribution(**{k: pyabc.RV("uniform", lo, w) for k, (lo, w) in bounds.items()})
    for point in ({"a": x, "b": 0.5}, {"a": other, "b": 1.0}, {"a": low, "b": -0.1}):
        expected, got = theirs.pdf(pyabc.Parameter(point)), ours.pdf(pyabc.Parameter(point))
        assert (np.isnan(expected) and np.isnan(got)) or expected == got, (point, expected, got)


@pytest.mark.parametrize("k", [1, 2, 7])
def test_the_fast_model_prior_has_pyabcs_mass(k):
    """UniformModelPrior: the mass of pyabc's default prior over k models, in and out of range."""
    import pyabc

    theirs, ours = pyabc.RV("randint", 0, k), UniformModelPrior(k)
    for x in [-1, *range(k), k, np.int64(0), np.int64(k - 1)]:
        assert ours.pmf(x) == theirs.pmf(x) and type(ours.pmf(x)) is type(theirs.pmf(x)), x


def test_the_fast_pyabc_pieces_survive_pickling_and_copying():
    """Dask's sampler pickles them (cloudpickle), pyabc copies priors: the same numbers after."""
    import pickle

    import cloudpickle
    import pyabc

    prior = UniformPrior({"a": (0.0, 1.0), "b": (0.8, 0.6)})
    point = pyabc.Parameter({"a": 0.5, "b": 1.0})
    kernel = FastNormalTransition()
    kernel.fit(pd.DataFrame({"a": [0.1, 0.5, 0.7], "b": [0.9, 1.0, 1.2]}), np.array([.2, .5, .3]))
    np.random.seed(3)
    expected = kernel.rvs()
    for dumps in (pickle.dumps, cloudpickle.dumps):
        for twin in (pickle.loads(dumps(prior)), prior.copy()):
            assert type(twin) is type(prior) and twin.pdf(point) == prior.pdf(point) > 0
        for twin in (pickle.loads(dumps(UniformModelPrior(3))), UniformModelPrior(3).copy()):
            assert [twin.pmf(m) for m in range(-1, 4)] == [0.0, 1 / 3, 1 / 3, 1 / 3, 0.0]
        np.random.seed(3)
        assert pickle.loads(dumps(kernel)).rvs() == expected
    changed = prior.copy()
    changed.update_random_variables(a=pyabc.RV("norm", 0, 1))  # no longer uniform: pyabc's
    assert changed.pdf(point) == pyabc.Distribution(
        a=pyabc.RV("norm", 0, 1), b=pyabc.RV("uniform", 0.8, 0.6)).pdf(point)
