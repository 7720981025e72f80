"""Forest plot of network estimates versus a common comparator."""

from __future__ import annotations


import matplotlib.pyplot as plt
import pandas as pd

from analysis.registry import format_number

COLOURS = {"point": "#1f4e79", "ci": "#1f4e79", "mid": "#e8eef5", "null": "#555555"}


def forest_plot(effects: pd.DataFrame, labels: dict[str, str] | None = None, mid: float | None = None,
                xlabel: str = "Mean difference", favours: tuple[str, str] = ("Favours procedure", "Favours sham"),
                decimals: int = 2, width: float = 7.0):
    """One row per treatment: estimate and CI, the null line and, if given, the +/- MID band.

    ``effects`` has columns treatment, estimate, ci_low, ci_high (and optionally n_trials).
    The estimate text on the right uses the registry's number format.
    """
    labels = labels or {}
    rows = effects.sort_values("estimate", ascending=True, ignore_index=True)
    n = len(rows)
    fig, ax = plt.subplots(figsize=(width, 0.42 * n + 1.4))
    y = list(range(n))[::-1]
    if mid:
        ax.axvspan(-mid, mid, color=COLOURS["mid"], zorder=0, label=f"within \u00b1{format_number(mid, 1)} (MID)")
    ax.axvline(0, color=COLOURS["null"], lw=0.8, zorder=1)
    ax.hlines(y, rows["ci_low"], rows["ci_high"], color=COLOURS["ci"], lw=1.6, zorder=2)
    ax.plot(rows["estimate"], y, "s", color=COLOURS["point"], ms=6, zorder=3)
    names = [labels.get(t, t) for t in rows["treatment"]]
    if "n_trials" in rows:
        names = [f"{nm} ({k})" for nm, k in zip(names, rows["n_trials"])]
    ax.set_yticks(y, names, fontsize=8.5)
    lo = min(rows["ci_low"].min(), -(mid or 0)) - 0.3
    hi = max(rows["ci_high"].max(), mid or 0) + 0.3
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.8, n - 0.2)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.tick_params(axis="x", labelsize=8.5)
    text = [f"{format_number(e, decimals)} ({format_number(a, decimals)} to {format_number(b, decimals)})"
            for e, a, b in zip(rows["estimate"], rows["ci_low"], rows["ci_high"])]
    for yi, t in zip(y, text):
        ax.annotate(t, xy=(1.01, yi), xycoords=("axes fraction", "data"), va="center", fontsize=8.5)
    ax.annotate(favours[0], xy=(0.02, 1.01), xycoords="axes fraction", fontsize=8, ha="left", va="bottom")
    ax.annotate(favours[1], xy=(0.98, 1.01), xycoords="axes fraction", fontsize=8, ha="right", va="bottom")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if mid:
        ax.legend(loc="lower right", fontsize=7.5, frameon=False)
    fig.tight_layout()
    return fig
