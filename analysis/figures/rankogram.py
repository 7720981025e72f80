"""Rankogram: for each treatment, the probability of each rank (1 = best), one small panel per treatment."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt

from analysis.models.ranking import RankProbabilities

COLUMNS = 4
BAR = "#4c72b0"


def rankogram_figure(ranks: RankProbabilities, width: float = 6.5):
    """Panels in the order of ``ranks.frame()`` (best SUCRA first), each titled with the treatment and its
    SUCRA; the same axes in every panel so that panels compare."""
    frame = ranks.frame()
    T = len(frame)
    cols = min(COLUMNS, T)
    rows = math.ceil(T / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width, 1.55 * rows + 0.5), sharex=True, sharey=True,
                             squeeze=False)
    rank_columns = [f"p_rank_{r}" for r in range(1, T + 1)]
    for ax, row in zip(axes.flat, frame.itertuples(index=False)):
        values = [getattr(row, c) for c in rank_columns]
        ax.bar(range(1, T + 1), values, color=BAR, width=0.8)
        ax.set_title(f"{row.treatment}\nSUCRA {row.sucra:.2f}", fontsize=8)
        ax.tick_params(labelsize=7, labelbottom=True)  # every panel numbers its ranks, also above an empty cell
        ax.set_xticks(range(1, T + 1, 1 if T <= 10 else 2))
    for ax in axes.flat[T:]:
        ax.axis("off")
    axes[0, 0].set_ylim(0, 1)
    for col in range(cols):
        last = max(r for r in range(rows) if r * cols + col < T)
        axes[last, col].set_xlabel("rank (1 = best)", fontsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("probability", fontsize=7)
    fig.suptitle(f"Rank probabilities ({ranks.draws:,} draws of the joint normal distribution, seed {ranks.seed})",
                 fontsize=8)
    fig.tight_layout()
    return fig
