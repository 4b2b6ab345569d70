"""The golden table: each engine's docking outputs on the historical scenario, pinned.

``docking_metrics.csv`` holds, per engine and output of :data:`experiments.docking.METRICS`,
the mean and the seed-to-seed standard deviation over the docking seeds at the docking
scale. tests/test_docking.py fails when a mean moves by more than :data:`TOLERANCE_SD`
standard deviations. Regenerate it (``python -m tests.golden.regenerate --reason ...``)
only for a deliberate change of behaviour, in a commit of its own that says why.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

GOLDEN = Path(__file__).with_name("docking_metrics.csv")
PROVENANCE = Path(__file__).with_name("provenance.json")
TOLERANCE_SD = 0.5  # half a seed-to-seed standard deviation


def golden_table(samples: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """engine, metric, mean, sd, n_seeds from one docking sample per engine."""
    rows = []
    for engine, sample in samples.items():
        for metric in sample.columns:
            x = sample[metric].to_numpy(float)
            rows.append({"engine": engine, "metric": metric, "mean": float(x.mean()),
                         "sd": float(x.std(ddof=1)), "n_seeds": len(x)})
    return pd.DataFrame(rows)


def moved(now: pd.DataFrame, stored: pd.DataFrame,
          tolerance_sd: float = TOLERANCE_SD) -> pd.DataFrame:
    """Rows whose mean moved by more than ``tolerance_sd`` stored standard deviations.

    A metric that did not vary when the table was made (sd 0) may not move at all.
    """
    both = now.merge(stored, on=["engine", "metric"], suffixes=("_now", "_golden"))
    delta = both["mean_now"] - both["mean_golden"]
    with np.errstate(divide="ignore", invalid="ignore"):
        both["shift_sd"] = np.where(both["sd_golden"] > 0, delta / both["sd_golden"],
                                    np.where(np.abs(delta) > 1e-12, np.inf, 0.0))
    out = both[np.abs(both["shift_sd"]) > tolerance_sd]
    return out[["engine", "metric", "mean_golden", "mean_now", "sd_golden", "shift_sd"]]
