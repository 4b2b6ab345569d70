"""A pyabc sampler that simulates a generation's particles in batches (issue 13).

pyabc hands a sampler one closure, ``simulate_one``, that proposes a parameter set,
calls the model once, computes the distance and decides acceptance. The array engine is
fastest when many runs advance together (:class:`model.arrays.ArrayBatch`, runs whose
parameters differ included), so :class:`BatchSampler` runs ``simulate_one`` for a round
of particles at once: one thread per particle, in lock-step so that only one runs at a
time and always in the same order; each stops at its model call, the round's proposals
are simulated together (split over worker processes, one batch each), and each thread
then finishes its particle with its own result. The proposals are drawn in the same
order whatever the timing, so a seeded calibration gives the same posterior every time;
the first ``n`` accepted particles, in the order proposed, form the generation (the
other accepted ones of the last round are dropped, as pyabc's own parallel samplers do,
so fast and slow simulations are not treated differently). The particles simulated
beyond the ``n``-th accepted one depend on the round's size, and so would the random
numbers they draw; so each generation starts numpy's global generator (which pyabc draws
from) afresh from the sampler's seed and the generation's number, and the posterior is
the same whatever the rounds' size and the number of processes.

Rounds overlap: while the worker processes simulate one round, the next round's particles
are proposed and handed to them, so that neither the workers wait for the proposals nor
a worker done with its part of a round waits for the other's. A next round is begun only
when the current one cannot complete the generation (even if all its particles were
accepted), so no round is simulated in vain. This draws the next round's proposals before
the current round's particles are finished; the order of numpy's draws is unchanged
because finishing a particle (its distance, its acceptance by pyabc's default
``UniformAcceptor``, its weight) draws nothing.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pyabc

_here = threading.local()  # the round and slot of a particle's thread


def model_call(simulator: Callable[[dict], dict], parameters: dict) -> dict:
    """Simulate ``parameters``: in a :class:`BatchSampler`'s round, with the round's others.

    Outside a round (pyabc's own samplers, a direct call) the simulator runs at once.
    """
    gate = getattr(_here, "gate", None)
    return simulator(parameters) if gate is None else gate(parameters)


def _simulate(simulator, proposals: list[dict]) -> list[dict]:
    """Worker process: the proposals' simulated values (one batch)."""
    return simulator.batch(proposals)


class _Abandoned(BaseException):  # (not an Exception: nothing on the way catches it)
    """A round given up before its simulations came back (an error in an earlier round)."""


class _Round:
    """Up to ``k`` calls of ``simulate_one``, their model calls simulated together.

    In three steps: :meth:`propose` (each call runs, in turn, up to its model call),
    :meth:`submit` (the proposals handed to ``simulate_all``, which returns a callable
    giving their results when they are done) and :meth:`finish` (each call ends with its
    result); or :meth:`abandon`.
    """

    def __init__(self, k: int, simulate_one: Callable, simulate_all: Callable):
        self.k = k
        self.simulate_one = simulate_one
        self.simulate_all = simulate_all
        self.proposals: list[Any] = [None] * k
        self.results: list[Any] = [None] * k
        self.particles: list[Any] = [None] * k
        self.errors: list[BaseException | None] = [None] * k
        self.go = [threading.Semaphore(0) for _ in range(k)]  # slot i may run
        self.paused = threading.Semaphore(0)  # a slot stopped at its model call or ended
        self.threads: list[threading.Thread] = []
        self.waiting: list[int] = []
        self.abandoned = False
        self._results: Callable[[], list] | None = None

    def _thread(self, i: int) -> None:
        self.go[i].acquire()
        _here.gate = lambda parameters: self._wait(i, parameters)
        try:
            self.particles[i] = self.simulate_one()
        except _Abandoned:
            pass
        except BaseException as err:  # noqa: BLE001 - raised again in the sampler
            self.errors[i] = err
        finally:
            _here.gate = None
            self.paused.release()

    def _wait(self, i: int, parameters: dict) -> dict:
        self.proposals[i] = parameters
        self.paused.release()
        self.go[i].acquire()  # until the round's simulations are done
        if self.abandoned:
            raise _Abandoned
        return self.results[i]

    def propose(self) -> _Round:
        """Each call proposes, in turn, up to its model call (one thread runs at a time)."""
        self.threads = [threading.Thread(target=self._thread, args=(i,), daemon=True)
                        for i in range(self.k)]
        for t in self.threads:
            t.start()
        for i in range(self.k):
            self.go[i].release()
            self.paused.acquire()
        self.waiting = [i for i in range(self.k) if self.proposals[i] is not None]
        return self

    def submit(self) -> _Round:
        """Hand the proposals to be simulated (their results read in :meth:`finish`)."""
        self._results = self.simulate_all([self.proposals[i] for i in self.waiting])
        return self

    def finish(self) -> list:
        """The round's particles, in slot order, once its simulations are done."""
        try:
            results = self._results()
        except BaseException:
            self.abandon()
            raise
        for i, result in zip(self.waiting, results, strict=True):
            self.results[i] = result
        for i in self.waiting:  # each finishes its particle, in turn
            self.go[i].release()
            self.paused.acquire()
        for t in self.threads:
            t.join()
        for err in self.errors:
            if err is not None:
                raise err
        return self.particles

    def abandon(self) -> None:
        """End the calls waiting for their simulations without a particle."""
        self.abandoned = True
        for i in self.waiting:
            self.go[i].release()
            self.paused.acquire()
        self.waiting = []


class FastNormalTransition(pyabc.MultivariateNormalTransition):
    """pyabc's multivariate normal kernel, its proposals drawn without pandas: draw for draw.

    pyabc proposes each particle (``rvs_single``) with ``np.random.choice`` over the
    previous generation's weights (a cumulative sum of them at every call), a pandas row,
    and ``np.random.multivariate_normal`` (a singular value decomposition of the
    covariance at every call): ~0.6 ms a proposal, a calibration's main process's
    largest cost. This draws the same numbers from numpy's global generator in the same
    order and does the same arithmetic on them, with the cumulative weights and the
    covariance's factor kept from one call to the next (made again when ``fit`` or a
    subclass changes the weights or the covariance): the same proposals, to the last
    bit (a test holds it to pyabc's own).
    """

    _cdf_of = _factor_of = None

    def rvs_single(self) -> pyabc.Parameter:
        """A particle of the last generation, by weight, perturbed (as pyabc's)."""
        if self._cdf_of is None or not (self._cdf_of[0] is self.w and self._cdf_of[1] is self.X):
            # (the weights and particles last read, held so no other takes their identity)
            cdf = np.asarray(self.w, dtype=np.double).cumsum()  # as np.random.choice makes it
            cdf /= cdf[-1]
            self._cdf, self._cdf_of = cdf, (self.w, self.X)
            self._rows = np.asarray(self.X.to_numpy(), dtype=float)
            self._names = list(self.X.columns)
        if self._factor_of is not self.cov:  # as np.random.multivariate_normal makes it
            _, s, v = np.linalg.svd(np.asarray(self.cov).astype(np.double))
            self._factor, self._factor_of = np.sqrt(s)[:, None] * v, self.cov
        row = self._rows[self._cdf.searchsorted(np.random.random_sample(), side="right")]
        dim = len(self._names)
        noise = np.dot(np.random.standard_normal(dim).reshape(-1, dim), self._factor)
        noise += np.zeros(dim)
        return pyabc.Parameter(dict(zip(self._names, row + noise[0], strict=True)))


class UniformPrior(pyabc.Distribution):
    """Independent uniform priors, pyabc's ``Distribution`` of ``RV("uniform", low, width)``.

    Its density is read twice for each proposal (is it inside the prior? its weight);
    pyabc asks scipy for each factor's (~50 us each). This computes it as scipy does
    (standardized, 0 <= z <= 1 inclusive: ``1 / width``, NaN for NaN) and multiplies the
    factors in the same order: the same numbers (a test holds it to pyabc's own). Draws
    from the prior are pyabc's.
    """

    _bounds: dict[str, tuple[float, float]] | None = None

    def __init__(self, bounds: dict[str, tuple[float, float]]):
        """``bounds``: each factor's (low, width)."""
        super().__init__(**{name: pyabc.RV("uniform", low, width)
                            for name, (low, width) in bounds.items()})
        self._bounds = dict(bounds)

    def copy(self) -> UniformPrior:
        """A copy (pyabc's would call this constructor with random variables)."""
        return UniformPrior(self._bounds) if self._bounds is not None else super().copy()

    def update_random_variables(self, **random_variables) -> None:
        """As pyabc's; the density is then pyabc's own (the variables may not be uniform)."""
        super().update_random_variables(**random_variables)
        self._bounds = None

    def pdf(self, x) -> float:
        """The density at ``x`` (a Parameter or dict with every factor)."""
        if self._bounds is None or sorted(x.keys()) != sorted(self._bounds):
            return super().pdf(x)  # (pyabc's own, or its error)
        density = None
        for key, value in x.items():
            low, width = self._bounds[key]
            z = (value - low) / width
            d = np.float64(np.nan if z != z else (1.0 / width if 0 <= z <= 1 else 0.0))
            density = d if density is None else density * d
        return 1 if density is None else density


class UniformModelPrior(pyabc.RV):
    """pyabc's default prior over ``k`` models, ``RV("randint", 0, k)``, its mass read without scipy.

    pyabc reads the mass of each proposal's model twice (~60 us each from scipy); this
    gives scipy's numbers (``1 / k`` on 0..k-1, 0 elsewhere; a test holds it to them);
    draws are scipy's.
    """

    def __init__(self, k: int):
        """Uniform over models 0..k-1."""
        super().__init__("randint", 0, int(k))

    def pmf(self, x, *args, **kwargs) -> float:
        """The prior mass of model ``x``."""
        if args or kwargs or not isinstance(x, int | np.integer):
            return super().pmf(x, *args, **kwargs)
        k = self.args[1]  # (pyabc pickles an RV as its name and arguments)
        return np.float64(1.0 / k) if 0 <= x < k else np.float64(0.0)

    def copy(self) -> UniformModelPrior:
        """A copy (pyabc's would call this constructor with the distribution's name)."""
        return UniformModelPrior(self.args[1])


class BatchSampler(pyabc.sampler.Sampler):
    """Particles simulated ``batch`` at a time on ``workers`` processes (module docstring).

    Args:
        simulator: The calibration's model (:class:`experiments.calibration.Simulator`),
            with a ``batch(proposals)`` method.
        workers: Worker processes (1: simulate in this process).
        batch: Particles per round; each worker simulates ``batch / workers`` together.
        seed: Seeds numpy's global generator at the start of each generation (with the
            generation's number); ``None`` leaves it alone.
        on_generation: Called with the generation's number when one is sampled (a
            progress bar); not for pyabc's sample from the prior (t = -1).
    """

    def __init__(self, simulator, workers: int = 1, batch: int = 32, seed: int | None = None,
                 on_generation=None):
        """Remember the simulator, the processes and the round's size."""
        super().__init__()
        self.on_generation = on_generation
        self.simulator = simulator
        self.workers = max(1, workers)
        self.batch = max(self.workers, batch)
        self.seed = seed
        self._pool: ProcessPoolExecutor | None = None

    def _simulate_all(self, proposals: list[dict]) -> Callable[[], list[dict]]:
        """Begin simulating ``proposals``; returns a call that gives their values, in order.

        On worker processes, a part each (queued behind any round still running: a worker
        done with its part of one round begins its part of the next); in this process,
        when the values are asked for.
        """
        if self.workers == 1 or len(proposals) < 2:
            return lambda: self.simulator.batch(proposals)
        if self._pool is None:  # spawned: the sampler's threads are not forked
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"))
        parts = np.array_split(np.arange(len(proposals)), self.workers)
        futures = [self._pool.submit(_simulate, self.simulator, [proposals[i] for i in part])
                   for part in parts if len(part)]
        return lambda: [result for future in futures for result in future.result()]

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):  # noqa: ARG002
        """Rounds of particles until ``n`` are accepted (or ``max_eval`` simulations)."""
        if self.seed is not None:  # the generation's draws whatever came before (t = -1: the
            # sample pyabc takes from the prior to set the first epsilon)
            np.random.seed(np.random.SeedSequence([self.seed, t + 1]).generate_state(1)[0])
        sample = self._create_empty_sample()
        evaluations = 0

        def begin(planned: int) -> _Round | None:  # the next round, proposed and handed on
            k = int(min(self.batch, max_eval - planned))
            return _Round(k, simulate_one, self._simulate_all).propose().submit() if k > 0 \
                else None

        current = begin(0) if n > 0 else None
        while current is not None:
            # the next round overlaps this one's simulations if this one cannot complete
            # the generation even with every particle accepted (none is simulated in vain)
            following = (begin(evaluations + current.k)
                         if sample.n_accepted + current.k < n else None)
            try:
                particles = current.finish()
            except BaseException:
                if following is not None:
                    following.abandon()
                raise
            for particle in particles:
                if sample.n_accepted >= n:
                    break
                sample.append(particle)
            evaluations += current.k
            current = following
            if current is None and sample.n_accepted < n:
                current = begin(evaluations)  # (None once max_eval are simulated)
        self.nr_evaluations_ = evaluations
        if sample.n_accepted < n:
            sample.ok = False
        if self.on_generation is not None and t >= 0:
            self.on_generation(t)
        return sample

    def stop(self) -> None:
        """Shut the worker processes down."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
