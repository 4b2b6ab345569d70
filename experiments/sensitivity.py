"""Global sensitivity analysis of a sweep's outputs with SALib (Sobol and Morris).

The sweep runs a Saltelli (Sobol) or Morris design with common random numbers
(replicate r of every point uses the same seed); each output is averaged over the
replicates of a point before the indices are computed, so the indices describe the
model's expected response, and replicates reduce the noise in it. The figure is
:func:`experiments.figures.sensitivity_indices`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_OUTPUTS = ("rate_1933", "rate_1935", "rate_1937", "rate_1938", "leaders_share_1933",
                   "leaders_share_1937", "records_loss_pct")


def point_means(runs: pd.DataFrame, outputs: list[str], tasks: pd.DataFrame) -> pd.DataFrame:
    """Mean of each output over the replicates of each design point (ok runs only).

    ``tasks`` maps (point, replicate) to run ids (``tasks.parquet`` of the sweep).
    """
    ok = runs.loc[runs["status"] == "ok", ["run_id", *outputs]]
    joined = tasks[["point_id", "run_id"]].merge(ok, on="run_id", how="left")
    return joined.groupby("point_id")[outputs].mean().sort_index()


def analyze(method: str, problem: dict, design: pd.DataFrame, runs: pd.DataFrame,
            outputs: list[str], tasks: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices per output and factor (tidy).

    Sobol: first-order ``S1`` and total-order ``ST`` with bootstrap confidence half-widths.
    Morris: ``mu_star`` (mean absolute elementary effect), its confidence, and ``sigma``.
    Outputs missing at some point (a failed run at every replicate, or undefined) are
    left out with a NaN row.
    """
    from SALib.analyze import morris, sobol

    means = point_means(runs, outputs, tasks).reindex(design["point_id"])
    rows = []
    for output in outputs:
        y = means[output].to_numpy(float)
        if not np.isfinite(y).all():
            rows += [{"output": output, "factor": f, "note": "missing values"}
                     for f in problem["names"]]
            continue
        if method == "sobol":
            res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for i, f in enumerate(problem["names"]):
                rows.append({"output": output, "factor": f, "S1": res["S1"][i],
                             "S1_conf": res["S1_conf"][i], "ST": res["ST"][i],
                             "ST_conf": res["ST_conf"][i]})
        else:
            x = design[problem["names"]].to_numpy(float)
            res = morris.analyze(problem, x, y, num_levels=4, seed=seed)
            for i, f in enumerate(problem["names"]):
                rows.append({"output": output, "factor": f, "mu_star": res["mu_star"][i],
                             "mu_star_conf": res["mu_star_conf"][i], "sigma": res["sigma"][i]})
    return pd.DataFrame(rows)


def unreliable(indices: pd.DataFrame) -> pd.DataFrame:
    """Rows whose confidence interval is wider than the index itself (too few samples).

    Sobol: the 95 % half-width of ``ST`` above ``ST``; Morris: that of ``mu_star`` above
    ``mu_star``. Such an index cannot be told from zero; more samples (or replicates)
    are needed before reading it.
    """
    key = "ST" if "ST" in indices else "mu_star"
    conf = f"{key}_conf"
    if key not in indices or conf not in indices:
        return indices.iloc[0:0]
    return indices[indices[conf] > indices[key].abs()]
