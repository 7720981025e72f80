"""League table drawn as a matrix: each cell is the row treatment minus the column treatment."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

DIAGONAL, BENEFIT, HARM = "#dfe7ef", "#d9ecd9", "#f6dcd8"


def league_figure(order: list[str], labels: dict[str, str], cells: dict[tuple[str, str], tuple[str, str, bool, bool]],
                  size: float = 6.5):
    """``order``: treatments along the diagonal; ``cells[(row, col)]`` for row below col:
    (estimate text, CI text, CI below zero, CI above zero)."""
    n = len(order)
    fig, ax = plt.subplots(figsize=(size, size))
    fs = max(3.2, min(6.5, 48 / n))
    for i, row in enumerate(order):
        for j, col in enumerate(order):
            x, y = j, n - 1 - i
            if i == j:
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor=DIAGONAL, edgecolor="white", lw=1))
                ax.text(x + 0.5, y + 0.5, textwrap.fill(labels.get(row, row), 13), ha="center", va="center",
                        fontsize=fs * 0.8, weight="bold", linespacing=0.9)
            elif i > j and (row, col) in cells:
                est, ci, below, above = cells[(row, col)]
                colour = BENEFIT if below else HARM if above else "white"
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="#cccccc", lw=0.4))
                ax.text(x + 0.5, y + 0.58, est, ha="center", va="center", fontsize=fs)
                ax.text(x + 0.5, y + 0.3, ci, ha="center", va="center", fontsize=fs * 0.85, color="#444")
    ax.set_xlim(0, n)
    ax.set_ylim(0, n)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig
