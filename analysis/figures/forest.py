"""Forest plot of network estimates versus a common comparator."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from analysis.registry import format_number

COLOURS = {"point": "#1f4e79", "ci": "#1f4e79", "mid": "#e8eef5", "null": "#555555"}


def forest_plot(effects: pd.DataFrame, labels: dict[str, str] | None = None, mid: float | None = None,
                xlabel: str = "Mean difference", favours: tuple[str, str] = ("Favours procedure", "Favours sham"),
                decimals: int = 2, width: float = 6.3, wrap: int = 32):
    """One row per treatment: estimate and CI, the null line and, if given, the +/- MID band.

    ``effects`` has columns treatment, estimate, ci_low, ci_high (and optionally n_trials).
    The estimate text on the right uses the registry's number format.
    """
    labels = labels or {}
    rows = effects.sort_values("estimate", ascending=True, ignore_index=True)
    names = [textwrap.fill(labels.get(t, t), wrap) for t in rows["treatment"]]
    if "n_trials" in rows:
        names = [f"{nm} ({k})" for nm, k in zip(names, rows["n_trials"])]
    # rows are spaced by the number of lines in their label, top to bottom
    gaps = [0.55 + 0.45 * (nm.count("\n") + 1) for nm in names]
    centres, top = [], 0.0
    for g in gaps:
        centres.append(top - g / 2)
        top -= g
    y = [c - top for c in centres]
    fig, ax = plt.subplots(figsize=(width, 0.3 * sum(gaps) + 1.0))
    if mid:
        ax.axvspan(-mid, mid, color=COLOURS["mid"], zorder=0)
    ax.axvline(0, color=COLOURS["null"], lw=0.8, zorder=1)
    ax.hlines(y, rows["ci_low"], rows["ci_high"], color=COLOURS["ci"], lw=1.6, zorder=2)
    ax.plot(rows["estimate"], y, "s", color=COLOURS["point"], ms=6, zorder=3)
    ax.set_yticks(y, names, fontsize=8)
    lo = min(rows["ci_low"].min(), -(mid or 0)) - 0.3
    hi = max(rows["ci_high"].max(), mid or 0) + 0.3
    ax.set_xlim(lo, hi)
    ax.set_ylim(0, sum(gaps))
    ax.set_xlabel(textwrap.fill(xlabel, 60), fontsize=8.5)
    ax.tick_params(axis="x", labelsize=8.5)
    if "annotation" in rows:  # texts as printed elsewhere (the registry's), when the caller has them
        text = list(rows["annotation"])
    else:
        text = [f"{format_number(e, decimals)} ({format_number(a, decimals)} to {format_number(b, decimals)})"
                for e, a, b in zip(rows["estimate"], rows["ci_low"], rows["ci_high"])]
    for yi, t in zip(y, text):
        ax.annotate(t, xy=(1.02, yi), xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.annotate(favours[0], xy=(0.02, 1.01), xycoords="axes fraction", fontsize=8, ha="left", va="bottom")
    ax.annotate(favours[1], xy=(0.98, 1.01), xycoords="axes fraction", fontsize=8, ha="right", va="bottom")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    height = fig.get_size_inches()[1]
    fig.subplots_adjust(left=2.3 / width, right=1 - 1.4 / width, bottom=0.75 / height, top=1 - 0.3 / height)
    return fig
