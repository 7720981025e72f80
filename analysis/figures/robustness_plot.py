"""What it would take: each procedure's estimate and CI against the MID, with the shift that would change
its recommendation marked."""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import pandas as pd

COLOURS = {"point": "#1f4e79", "ci": "#1f4e79", "mid": "#e8eef5", "null": "#555555", "flip": "#b03a2e"}


def robustness_plot(rows: pd.DataFrame, mid: float, labels: dict[str, str] | None = None, width: float = 6.8,
                    wrap: int = 34, limit: float = 10.0):
    """``rows``: population, treatment, estimate, ci_low, ci_high, flip (the estimate at which the
    recommendation would change; NaN when no plausible shift changes it) and annotation (text as printed).
    One panel per population; the band is -MID to +MID; an arrow runs from the estimate to its threshold."""
    labels = labels or {}
    pops = list(dict.fromkeys(rows["population"]))
    sizes = [int((rows["population"] == p).sum()) for p in pops]
    fig, axes = plt.subplots(len(pops), 1, figsize=(width, 0.42 * sum(sizes) + 0.9 * len(pops) + 0.6),
                             gridspec_kw={"height_ratios": sizes}, squeeze=False)
    finite = rows[["ci_low", "ci_high"]].to_numpy().ravel().tolist() + [v for v in rows["flip"] if not math.isnan(v)]
    lo, hi = min(finite + [-mid]) - 0.4, max(finite + [mid]) + 0.4
    for ax, pop in zip(axes[:, 0], pops):
        sub = rows[rows["population"] == pop].sort_values("estimate", ascending=False, ignore_index=True)
        y = list(range(len(sub)))
        ax.axvspan(-mid, mid, color=COLOURS["mid"], zorder=0)
        ax.axvline(0, color=COLOURS["null"], lw=0.8, zorder=1)
        ax.hlines(y, sub["ci_low"], sub["ci_high"], color=COLOURS["ci"], lw=1.6, zorder=2)
        ax.plot(sub["estimate"], y, "s", color=COLOURS["point"], ms=5, zorder=4)
        for yi, (est, flip) in enumerate(zip(sub["estimate"], sub["flip"])):
            if math.isnan(flip):
                ax.annotate("", xy=(lo + 0.05, yi), xytext=(est, yi), zorder=3,
                            arrowprops={"arrowstyle": "->", "color": COLOURS["flip"], "lw": 0.8, "ls": ":"})
            else:
                ax.annotate("", xy=(flip, yi), xytext=(est, yi), zorder=3,
                            arrowprops={"arrowstyle": "->", "color": COLOURS["flip"], "lw": 1.0})
                ax.plot([flip], [yi], "|", color=COLOURS["flip"], ms=11, mew=2, zorder=3)
        ax.set_yticks(y, [textwrap.fill(labels.get(t, t), wrap) for t in sub["treatment"]], fontsize=7.5)
        for yi, text in zip(y, sub["annotation"]):
            ax.annotate(text, xy=(1.01, yi), xycoords=("axes fraction", "data"), va="center", fontsize=7.5)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.7, len(sub) - 0.3)
        ax.set_title(f"Chronic {pop} spine pain", fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1, 0].set_xlabel("Mean difference in pain versus sham, cm (arrow: to where the recommendation changes)",
                           fontsize=8)
    fig.tight_layout(rect=(0, 0, 0.83, 1))
    return fig
