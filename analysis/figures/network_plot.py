"""Network plot: treatments on a circle, node area by patients, edge width by number of trials."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

NODE = "#1f4e79"
EDGE = "#8aa9c9"


def network_plot(nodes: pd.DataFrame, edges: pd.DataFrame, labels: dict[str, str] | None = None,
                 first: str = "sham", size: float = 6.3, wrap: int = 22):
    """``nodes``: treatment, trials, patients; ``edges``: treat1, treat2, trials. ``first`` is drawn at the top."""
    labels = labels or {}
    names = sorted(nodes["treatment"], key=lambda t: (t != first, t))
    angle = {t: np.pi / 2 - 2 * np.pi * i / len(names) for i, t in enumerate(names)}
    pos = {t: (np.cos(a), np.sin(a)) for t, a in angle.items()}
    fig, ax = plt.subplots(figsize=(size, size * 0.86))
    max_trials = max(edges["trials"].max(), 1)
    for r in edges.itertuples():
        (x1, y1), (x2, y2) = pos[r.treat1], pos[r.treat2]
        ax.plot([x1, x2], [y1, y2], color=EDGE, lw=0.8 + 5 * r.trials / max_trials, zorder=1,
                solid_capstyle="round")
        if r.trials > 1:
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, str(r.trials), fontsize=7, ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"), zorder=3)
    max_patients = nodes["patients"].max()
    for r in nodes.itertuples():
        x, y = pos[r.treatment]
        ax.scatter([x], [y], s=60 + 900 * r.patients / max_patients, color=NODE, zorder=2)
        a = angle[r.treatment]
        lx, ly = 1.15 * np.cos(a), 1.15 * np.sin(a)
        ha = "center" if abs(np.cos(a)) < 0.3 else ("left" if np.cos(a) > 0 else "right")
        va = "bottom" if np.sin(a) > 0.5 else ("top" if np.sin(a) < -0.5 else "center")
        trials = f"{r.trials} trial" + ("s" if r.trials != 1 else "")
        text = textwrap.fill(labels.get(r.treatment, r.treatment), wrap) + f"\n({trials}, {r.patients} patients)"
        ax.text(lx, ly, text, fontsize=7, ha=ha, va=va)
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.75, 1.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig
