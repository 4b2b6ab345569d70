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


class _Round:
    """Up to ``k`` calls of ``simulate_one``, their model calls simulated together."""

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

    def _thread(self, i: int) -> None:
        self.go[i].acquire()
        _here.gate = lambda parameters: self._wait(i, parameters)
        try:
            self.particles[i] = self.simulate_one()
        except BaseException as err:  # noqa: BLE001 - raised again in the sampler
            self.errors[i] = err
        finally:
            _here.gate = None
            self.paused.release()

    def _wait(self, i: int, parameters: dict) -> dict:
        self.proposals[i] = parameters
        self.paused.release()
        self.go[i].acquire()  # until the round's simulations are done
        return self.results[i]

    def run(self) -> list:
        """The round's particles, in slot order (one thread runs at a time)."""
        threads = [threading.Thread(target=self._thread, args=(i,), daemon=True)
                   for i in range(self.k)]
        for t in threads:
            t.start()
        for i in range(self.k):  # each proposes, in turn, up to its model call
            self.go[i].release()
            self.paused.acquire()
        waiting = [i for i in range(self.k) if self.proposals[i] is not None]
        for i, result in zip(waiting, self.simulate_all([self.proposals[i] for i in waiting]),
                             strict=True):
            self.results[i] = result
        for i in waiting:  # each finishes its particle, in turn
            self.go[i].release()
            self.paused.acquire()
        for t in threads:
            t.join()
        for err in self.errors:
            if err is not None:
                raise err
        return self.particles


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

    def _simulate_all(self, proposals: list[dict]) -> list[dict]:
        if self.workers == 1 or len(proposals) < 2:
            return self.simulator.batch(proposals)
        if self._pool is None:  # spawned: the sampler's threads are not forked
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"))
        parts = np.array_split(np.arange(len(proposals)), self.workers)
        futures = [self._pool.submit(_simulate, self.simulator, [proposals[i] for i in part])
                   for part in parts if len(part)]
        return [result for future in futures for result in future.result()]

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):  # noqa: ARG002
        """Rounds of particles until ``n`` are accepted (or ``max_eval`` simulations)."""
        if self.seed is not None:  # the generation's draws whatever came before (t = -1: the
            # sample pyabc takes from the prior to set the first epsilon)
            np.random.seed(np.random.SeedSequence([self.seed, t + 1]).generate_state(1)[0])
        sample = self._create_empty_sample()
        evaluations = 0
        while sample.n_accepted < n and evaluations < max_eval:
            k = int(min(self.batch, max_eval - evaluations))
            for particle in _Round(k, simulate_one, self._simulate_all).run():
                if sample.n_accepted >= n:
                    break
                sample.append(particle)
            evaluations += k
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
