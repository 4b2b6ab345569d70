"""A fingerprint of seeded runs: does a change to an engine leave its outputs identical?

    .venv/bin/python scripts/fingerprint.py            # both engines, a few seeds
    .venv/bin/python scripts/fingerprint.py arrays

Prints one hash per engine over every table of a few seeded runs at two scales. A
rewrite meant to change nothing (a faster kernel, a tidier stage) must print the same
hashes before and after; a deliberate change of behaviour changes them (and then the
golden table, tests/golden/, says by how much).
"""

from __future__ import annotations

import hashlib
import sys

import pandas as pd

from experiments.runner import build_scenario, run_once

CASES = ((4000, (1, 2, 3)), (800, (4, 5)))


def fingerprint(engine: str) -> str:
    """SHA-256 over the CSV text of every table of the seeded runs of :data:`CASES`."""
    digest = hashlib.sha256()
    for n_members, seeds in CASES:
        scenario = build_scenario(None, None, {"n_members": n_members})
        for seed in seeds:
            result = run_once(scenario, seed, engine)
            for name in ("monthly", "yearly", "expulsions", "operations", "regions"):
                table: pd.DataFrame = getattr(result, name)
                digest.update(table.to_csv(index=False, float_format="%.12g").encode())
    return digest.hexdigest()[:16]


def main(argv: list[str]) -> int:
    """Print the fingerprint of each engine named (both by default)."""
    for engine in argv[1:] or ["arrays", "agents"]:
        print(f"{engine}: {fingerprint(engine)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
