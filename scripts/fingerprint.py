"""A fingerprint of seeded runs: does a change to an engine leave its outputs identical?

    .venv/bin/python scripts/fingerprint.py            # both engines, a few seeds
    .venv/bin/python scripts/fingerprint.py arrays
    .venv/bin/python scripts/fingerprint.py batched

Prints one hash per engine over every table of a few seeded runs at two scales, and
(``batched``) one over the runs of a mixed batch: a calibration's particles, drawn from
every explanation's priors, run together in one array state, as ``calibrate`` and
``sweep`` run them. A rewrite meant to change nothing (a faster kernel, a tidier stage)
must print the same hashes before and after; a deliberate change of behaviour changes
them (and then the golden table, tests/golden/, says by how much).
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pandas as pd

from experiments.explanations import load_explanations
from experiments.runner import build_scenario, result_of, run_once, simulate_runs

CASES = ((4000, (1, 2, 3)), (800, (4, 5)))
TABLES = ("monthly", "yearly", "expulsions", "operations", "regions")
# the mixed batches: particles per explanation, members per run
PARTICLES, BATCH_MEMBERS = 6, 2000


def fingerprint(engine: str) -> str:
    """SHA-256 over the CSV text of every table of the seeded runs of :data:`CASES`."""
    digest = hashlib.sha256()
    for n_members, seeds in CASES:
        scenario = build_scenario(None, None, {"n_members": n_members})
        for seed in seeds:
            _update(digest, run_once(scenario, seed, engine))
    return digest.hexdigest()[:16]


def batched_fingerprint() -> str:
    """SHA-256 over every table of mixed batches: each explanation's prior draws, run together.

    The particles (:data:`PARTICLES` per explanation, drawn with a fixed generator) of one
    explanation differ in every free parameter, so they run as one mixed batch of the
    array engine (:func:`experiments.runner.simulate_runs`); each has its own seed.
    """
    digest = hashlib.sha256()
    draw = np.random.default_rng(2026)
    for name, explanation in load_explanations().items():
        scenarios = []
        for _ in range(PARTICLES):
            values = {p.name: float(draw.uniform(p.low, p.high)) for p in explanation.priors}
            scenarios.append(build_scenario(None, explanation.variant,
                                            {"n_members": BATCH_MEMBERS, **values}))
        seeds = list(range(100, 100 + PARTICLES))
        for model, seed in zip(simulate_runs(scenarios, seeds, "arrays"), seeds, strict=True):
            digest.update(name.encode())
            _update(digest, result_of(model, seed))
    return digest.hexdigest()[:16]


def _update(digest, result) -> None:
    """Add every table of a run's ``result`` to ``digest``."""
    for name in TABLES:
        table: pd.DataFrame = getattr(result, name)
        digest.update(table.to_csv(index=False, float_format="%.12g").encode())


def main(argv: list[str]) -> int:
    """Print the fingerprint of each engine named (both, and the mixed batches, by default)."""
    for engine in argv[1:] or ["arrays", "agents", "batched"]:
        value = batched_fingerprint() if engine == "batched" else fingerprint(engine)
        print(f"{engine}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
