"""Regenerate the golden table after a deliberate change of behaviour.

    .venv/bin/python -m tests.golden.regenerate --reason "why the behaviour changed"

Runs both engines over the docking seeds (a few minutes), writes
``tests/golden/docking_metrics.csv`` and ``tests/golden/provenance.json`` (reason, code
version, date, packages) and prints what moved. Commit the two files on their own, with
the reason in the commit message.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

import pandas as pd

from experiments import docking
from experiments.manifest import PACKAGES, code_version, package_version
from tests.golden import GOLDEN, PROVENANCE, golden_table, moved


def main(argv: list[str] | None = None) -> int:
    """Run the docking samples and write the golden table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reason", required=True, help="why the behaviour changed")
    args = parser.parse_args(argv)
    samples = {
        "agents": docking.sample("agents", docking.REFERENCE_SEEDS, progress=True,
                                 n_members=docking.SCALE),
        "arrays": docking.sample("arrays", docking.ARRAY_SEEDS, progress=True,
                                 n_members=docking.SCALE),
    }
    table = golden_table(samples)
    if GOLDEN.exists():
        shifts = moved(table, pd.read_csv(GOLDEN))
        print("moved by more than half an SD:" if len(shifts) else "nothing moved beyond "
              "half an SD")
        if len(shifts):
            print(shifts.to_string(index=False))
    table.to_csv(GOLDEN, index=False, float_format="%.10g")
    PROVENANCE.write_text(json.dumps({
        "reason": args.reason, "written_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": code_version(), "scale": docking.SCALE,
        "reference_seeds": [min(docking.REFERENCE_SEEDS), max(docking.REFERENCE_SEEDS)],
        "array_seeds": [min(docking.ARRAY_SEEDS), max(docking.ARRAY_SEEDS)],
        "python": sys.version.split()[0],
        "packages": {name: package_version(name) for name in PACKAGES},
    }, indent=2) + "\n")
    print(f"wrote {GOLDEN} and {PROVENANCE}")
    comparison = docking.compare(samples["agents"], samples["arrays"])
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(comparison.round(4).to_string(index=False))
    print("the engines dock" if docking.docks(comparison) else "the engines do NOT dock")
    return 0


if __name__ == "__main__":
    sys.exit(main())
