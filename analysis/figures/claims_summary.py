"""The response's one figure: for every claim, the estimate that decides its verdict, in the guideline and under
the claim's analysis, side by side (a row per claim and analysis).

Each row is given as values already computed (registry entries); nothing is estimated here.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt

from analysis.figures import PAIRED_STYLE as STYLE

WRAP = 85  # characters per label line (labels run across the figure)


@dataclass(frozen=True)
class ClaimRow:
    label: str  # the claim, the analysis and the estimate, in words
    base: tuple[float, float, float] | None  # estimate, CI low, CI high in the guideline (None: no evidence)
    scenario: tuple[float, float, float] | None  # the same under the claim's analysis


def identical(rows: list[ClaimRow]) -> bool:
    """Whether every row shows the same interval twice (the figure would say nothing a sentence cannot)."""
    return all(r.base == r.scenario for r in rows)


def claims_figure(rows: list[ClaimRow], mid: float,
                  xlabel: str = "Mean difference in pain versus sham (cm)\n\u2190 less pain with the procedure    "
                                "more pain with the procedure \u2192",
                  width: float = 6.5):
    """For each row, its label across the full width, then the guideline (grey square) above the claim's analysis
    (blue diamond); the band is -MID to +MID."""
    labels = [textwrap.fill(r.label, WRAP) for r in rows]
    lines = [label.count("\n") + 1 for label in labels]
    unit = 0.17  # inches per label line
    height = sum(0.62 + unit * n for n in lines) + 0.9
    fig, ax = plt.subplots(figsize=(width, height))
    ax.axvspan(-mid, mid, color="#e8eef5", zorder=0)
    ax.axvline(0.0, color="#555555", lw=0.8, zorder=1)
    scale = 1 / 0.62  # data units per inch of a row
    y = 0.0
    lows = [v[1] for r in rows for v in (r.base, r.scenario) if v] + [-mid]
    highs = [v[2] for r in rows for v in (r.base, r.scenario) if v] + [mid]
    left = min(lows) - 0.05 * (max(highs) - min(lows))
    for row, label, n in zip(rows, labels, lines):
        ax.text(left, y - 0.1, label, fontsize=8, va="top", ha="left", color="#222222", zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        y -= 0.1 + unit * n * scale
        for which, values in (("base", row.base), ("scenario", row.scenario)):
            y -= 0.38
            colour, marker, _ = STYLE[which]
            if values is None:
                ax.text(left, y, "  no estimate in the guideline", color=colour, fontsize=7.5, va="center", ha="left",
                        style="italic")
                continue
            est, lo, hi = values
            ax.hlines(y, lo, hi, color=colour, lw=1.6, zorder=2)
            ax.plot([est], [y], marker, color=colour, ms=5, zorder=3)
        y -= 0.3
    ax.set_ylim(y, 0)
    ax.set_xlim(left, max(highs) + 0.05 * (max(highs) - min(lows)))
    ax.set_yticks([])
    ax.set_xlabel(xlabel, fontsize=8.5)
    ax.tick_params(axis="x", labelsize=8)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [plt.Line2D([], [], color=STYLE[k][0], marker=STYLE[k][1], lw=1.6, ms=5) for k in ("base", "scenario")]
    ax.legend(handles + [plt.Rectangle((0, 0), 1, 1, color="#e8eef5")],
              ["the guideline", "the claim's analysis", "within \u00b1 the minimal important difference"],
              fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.7 / height), ncol=3, frameon=False)
    fig.tight_layout()
    return fig


__all__ = ["ClaimRow", "claims_figure", "identical"]
