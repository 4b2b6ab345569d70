"""Global sensitivity analysis of a sweep's outputs with SALib (Sobol and Morris).

The sweep runs a Saltelli (Sobol) or Morris design with common random numbers
(replicate r of every point uses the same seed); each output is averaged over the
replicates of a point before the indices are computed, so the indices describe the
model's expected response, and replicates reduce the noise in it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

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


def figure(indices: pd.DataFrame, method: str, path: Path) -> Path:
    """Bar charts of the indices, one panel per output."""
    outputs = list(dict.fromkeys(indices["output"]))
    cols = min(4, len(outputs))
    rows = int(np.ceil(len(outputs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    for ax, output in zip(axes.flat, outputs, strict=False):
        d = indices[indices["output"] == output]
        x = np.arange(len(d))
        if method == "sobol" and "S1" in d:
            ax.bar(x - 0.2, d["S1"], 0.4, yerr=d["S1_conf"], label="first order (S1)",
                   color="#4c72b0")
            ax.bar(x + 0.2, d["ST"], 0.4, yerr=d["ST_conf"], label="total (ST)",
                   color="#dd8452")
            ax.set_ylim(bottom=min(0, float(np.nanmin(d[["S1", "ST"]].to_numpy())) - 0.05))
        elif "mu_star" in d:
            ax.bar(x, d["mu_star"], 0.6, yerr=d["mu_star_conf"], color="#4c72b0",
                   label="mu* (Morris)")
        ax.set_xticks(x, d["factor"], rotation=30, ha="right", fontsize=8)
        ax.set_title(output, fontsize=9)
    for ax in list(axes.flat)[len(outputs):]:
        ax.axis("off")
    if axes.flat[0].get_legend_handles_labels()[0]:
        axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"Sensitivity of the outputs to the factors ({method})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
