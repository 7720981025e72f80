"""The one-page visual summary, in the manner of the BMJ Rapid Recommendations infographics.

Drawn as a vector figure from result tables only: the recommendations
(direction and strength per procedure and population), the certainty table
(pain effect versus sham, its classification and certainty) and the facts the
panel weighed (population, harms, burden, values and preferences), passed in
as plain values. Panels, top to bottom: title and the synthetic-data notice,
population, one column per population with its recommendations and a
mini forest of pain effects with GRADE certainty, harms and burden, and values,
preferences and practical issues.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.ticker import MaxNLocator

from analysis.registry import format_number

NAVY, RED, GREEN, GREY, LIGHT = "#1f3b5c", "#b03a2e", "#2e7d32", "#5f6b77", "#eef2f6"
DIRECTION_COLOUR = {"against": RED, "for": GREEN}
CERTAINTY_SYMBOLS = {"high": "\u2295\u2295\u2295\u2295", "moderate": "\u2295\u2295\u2295\u25cb",
                     "low": "\u2295\u2295\u25cb\u25cb", "very low": "\u2295\u25cb\u25cb\u25cb"}


@dataclass(frozen=True)
class InfographicFacts:
    title: str
    population: str
    harms: tuple[tuple[str, str], ...]  # (harm, "0.7% (low certainty)")
    burden: str
    values: str
    practical: tuple[str, ...]
    notice: str = "Synthetic data: a demonstration regenerated from fictional trials"
    mid: float = 1.5


def _box(fig, x, y, w, h, colour=LIGHT, edge="none"):
    fig.patches.append(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.004,rounding_size=0.01",
                                      transform=fig.transFigure, facecolor=colour, edgecolor=edge, lw=0.8))


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width)


def _population_column(fig, x, w, top, population, recs, cert, mid, xlim):
    """Recommendation bands, then every procedure's pain effect (mini forest) with its certainty."""
    fig.text(x + 0.015, top - 0.02, f"{population.capitalize()} pain", fontsize=11, weight="bold", color=NAVY,
             va="top")
    y = top - 0.05
    for (direction, strength), group in recs.groupby(["direction", "strength"], sort=False):
        colour = DIRECTION_COLOUR.get(direction, GREY)
        fig.patches.append(Rectangle((x + 0.012, y - 0.024), w - 0.024, 0.026, transform=fig.transFigure,
                                     facecolor=colour, edgecolor="none"))
        count = group["group"].nunique() if "group" in group else len(group)
        label = (f"{count} {strength.upper()} recommendation{'s' if count != 1 else ''} {direction.upper()} "
                 f"({len(group)} procedure{'s' if len(group) != 1 else ''})")
        fig.text(x + 0.02, y - 0.011, label, fontsize=7.5, color="white", weight="bold", va="center")
        y -= 0.032
    colour_of = {r.procedure: DIRECTION_COLOUR.get(r.direction, GREY) for r in recs.itertuples()}
    order = {p: i for i, p in enumerate(recs["procedure"])}  # the recommendations' order, then the others by effect
    rows = cert.assign(_o=cert["procedure"].map(order).fillna(len(order)) * 1e6 + cert["estimate"].rank())
    rows = rows.sort_values("_o", ignore_index=True)
    n = len(rows)
    row_h = 0.03
    height = row_h * n
    ax = fig.add_axes([x + 0.215, y - height - 0.03, w - 0.33, height])
    ax.set_zorder(5)
    ax.patch.set_alpha(0)
    ax.axvspan(-mid, mid, color="#dfe7ef", zorder=0)
    ax.axvline(0, color=GREY, lw=0.6)
    ys = list(range(n))[::-1]
    ax.hlines(ys, rows["ci_low"], rows["ci_high"], color=[colour_of.get(p, NAVY) for p in rows["procedure"]], lw=1.3)
    ax.scatter(rows["estimate"], ys, marker="s", s=12, color=[colour_of.get(p, NAVY) for p in rows["procedure"]],
               zorder=3)
    ax.set_yticks(ys, [textwrap.fill(p, 30) for p in rows["procedure"]], fontsize=5.6, linespacing=0.95)
    ax.tick_params(axis="x", labelsize=6, length=2, pad=1)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(*xlim)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.set_xlabel("Pain versus sham (cm on a 10 cm scale)", fontsize=6, labelpad=1)
    for yy, c in zip(ys, rows["certainty"]):
        ax.annotate(CERTAINTY_SYMBOLS.get(str(c), str(c)), xy=(1.03, yy), xycoords=("axes fraction", "data"),
                    fontsize=6.5, va="center", color=NAVY)
    fig.text(x + w - 0.012, y - 0.012, "Certainty", fontsize=6, ha="right", va="top", color=GREY)
    return y - height - 0.06


def infographic(recommendations: pd.DataFrame, certainty: pd.DataFrame, facts: InfographicFacts):
    fig = plt.figure(figsize=(7.0, 9.6))
    fig.patches.append(Rectangle((0, 0.93), 1, 0.07, transform=fig.transFigure, facecolor=NAVY, edgecolor="none"))
    fig.text(0.03, 0.972, facts.title, fontsize=13, color="white", weight="bold", va="center")
    fig.text(0.03, 0.945, "BMJ Rapid Recommendation, regenerated from its evidence by rapidrec", fontsize=8,
             color="white", va="center")
    fig.patches.append(Rectangle((0, 0.905), 1, 0.025, transform=fig.transFigure, facecolor=RED, edgecolor="none"))
    fig.text(0.5, 0.9175, facts.notice.upper(), fontsize=8, color="white", weight="bold", ha="center", va="center")

    _box(fig, 0.03, 0.835, 0.94, 0.058)
    fig.text(0.045, 0.882, "Population", fontsize=9, weight="bold", color=NAVY, va="top")
    fig.text(0.045, 0.866, _wrap(facts.population, 120), fontsize=7.2, va="top")

    bottoms = []
    pain = certainty[certainty["outcome"] == "pain"]
    xlim = (min(pain["ci_low"].min(), -facts.mid) - 0.3, max(pain["ci_high"].max(), facts.mid) + 0.3)
    for i, population in enumerate(("axial", "radicular")):
        x = 0.03 + i * 0.48
        recs = recommendations[recommendations["population"] == population]
        cert = pain[pain["population"] == population]
        _box(fig, x, 0.36, 0.46, 0.465, colour="white", edge="#c9d3dd")
        bottoms.append(_population_column(fig, x, 0.46, 0.825, population, recs, cert, facts.mid, xlim))

    _box(fig, 0.03, 0.185, 0.94, 0.165)
    fig.text(0.045, 0.34, "Harms and burden", fontsize=9, weight="bold", color=NAVY, va="top")
    y = 0.318
    for harm, value in facts.harms:
        fig.text(0.06, y, harm, fontsize=7.2, va="top")
        fig.text(0.52, y, value, fontsize=7.2, va="top", weight="bold")
        y -= 0.018
    fig.text(0.045, y - 0.004, _wrap(facts.burden, 125), fontsize=7, va="top", color="#333")

    _box(fig, 0.03, 0.02, 0.94, 0.155)
    fig.text(0.045, 0.165, "Values and preferences", fontsize=9, weight="bold", color=NAVY, va="top")
    fig.text(0.045, 0.147, _wrap(facts.values, 125), fontsize=7, va="top")
    fig.text(0.045, 0.108, "Practical issues", fontsize=9, weight="bold", color=NAVY, va="top")
    y = 0.09
    for item in facts.practical:
        wrapped = _wrap(item, 120)
        fig.text(0.06, y, "\u2022 " + wrapped.replace("\n", "\n   "), fontsize=7, va="top")
        y -= 0.0145 * (wrapped.count("\n") + 1) + 0.002
    return fig


def percent(value: float, certainty: str) -> str:
    return f"{format_number(value, 1)}% ({certainty} certainty)"
