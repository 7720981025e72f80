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


WIDTH = 7.0  # inches; a page of text is 6.3 in wide (A4, 2.5 cm margins), so the figure prints at 0.9
MIN_FONT = 8.0  # points in the figure: at least 7.2 pt printed
LABEL_CHARS = 24  # procedure names wrap at this many characters (8 pt in the label column)
LINE = 0.125  # inches per line of 8 pt text
ROW_GAP = 0.06  # inches between two procedures of a forest
HARM_ROW = 0.175  # inches per harm listed


class _Page:
    """Places boxes and text by inches from the top of a figure of known height."""

    def __init__(self, height: float):
        self.h = height
        self.fig = plt.figure(figsize=(WIDTH, height))

    def y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.h

    def box(self, x, top, w, height, colour=LIGHT, edge="none"):
        self.fig.patches.append(FancyBboxPatch((x / WIDTH, self.y(top + height)), w / WIDTH, height / self.h,
                                               boxstyle="round,pad=0.004,rounding_size=0.01",
                                               transform=self.fig.transFigure, facecolor=colour, edgecolor=edge,
                                               lw=0.8))

    def band(self, top, height, colour):
        self.fig.patches.append(Rectangle((0, self.y(top + height)), 1, height / self.h,
                                          transform=self.fig.transFigure, facecolor=colour, edgecolor="none"))

    def text(self, x, top, text, size=MIN_FONT, **kw):
        self.fig.text(x / WIDTH, self.y(top), text, fontsize=max(size, MIN_FONT), va=kw.pop("va", "top"), **kw)


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _rows(procedures) -> tuple[list[str], list[float]]:
    """The forest's wrapped labels and the height of each row, in inches."""
    labels = [_wrap(p, LABEL_CHARS) for p in procedures]
    return labels, [_lines(t) * LINE + ROW_GAP for t in labels]


def _column_height(recs, cert) -> float:
    """Inches a population's column needs: heading, banners, the rows of its forest, the axis label."""
    banners = len(recs[["direction", "strength"]].drop_duplicates())
    return 0.35 + 0.3 * banners + 0.22 + sum(_rows(cert["procedure"])[1]) + 0.45


def _population_column(page: _Page, x, w, top, population, recs, cert, mid, xlim):
    """Recommendation banners, then every procedure's pain effect (mini forest) with its certainty."""
    page.text(x + 0.1, top + 0.1, f"{population.capitalize()} pain", size=11, weight="bold", color=NAVY)
    y = top + 0.38
    for (direction, strength), group in recs.groupby(["direction", "strength"], sort=False):
        colour = DIRECTION_COLOUR.get(direction, GREY)
        page.fig.patches.append(Rectangle(((x + 0.08) / WIDTH, page.y(y + 0.24)), (w - 0.16) / WIDTH, 0.24 / page.h,
                                          transform=page.fig.transFigure, facecolor=colour, edgecolor="none"))
        count = group["group"].nunique() if "group" in group else len(group)
        label = f"{count} {strength} recommendation{'s' if count != 1 else ''} {direction}"
        page.text(x + 0.14, y + 0.12, label, size=8.5, color="white", weight="bold", va="center")
        y += 0.3
    page.text(x + w - 0.1, y + 0.02, "Certainty", color=GREY, ha="right")
    y += 0.22
    rows = cert.reset_index(drop=True)
    labels, heights = _rows(rows["procedure"])
    total = sum(heights)
    colour_of = {r.procedure: DIRECTION_COLOUR.get(r.direction, GREY) for r in recs.itertuples()}
    label_w, cert_w = 1.6, 0.55
    ax = page.fig.add_axes([(x + 0.08 + label_w) / WIDTH, page.y(y + total), (w - 0.16 - label_w - cert_w) / WIDTH,
                            total / page.h])
    ax.set_zorder(5)
    ax.patch.set_alpha(0)
    ax.axvspan(-mid, mid, color="#dfe7ef", zorder=0)
    ax.axvline(0, color=GREY, lw=0.6)
    centres, at = [], 0.0
    for h in heights:  # data units = inches from the top of the axes
        centres.append(at + h / 2)
        at += h
    colours = [colour_of.get(p, NAVY) for p in rows["procedure"]]
    ax.hlines(centres, rows["ci_low"], rows["ci_high"], color=colours, lw=1.3)
    ax.scatter(rows["estimate"], centres, marker="s", s=14, color=colours, zorder=3)
    ax.set_yticks(centres, labels, fontsize=MIN_FONT, linespacing=1.0)
    ax.tick_params(axis="x", labelsize=MIN_FONT, length=2, pad=1)
    ax.set_ylim(total, 0)
    ax.set_xlim(*xlim)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0, pad=3)
    ax.set_xlabel("Pain vs sham, cm (negative: less pain)", fontsize=MIN_FONT, labelpad=2)
    for c, level in zip(centres, rows["certainty"]):
        ax.annotate(f"{CERTAINTY_SYMBOLS.get(str(level), '')}\n{str(level).capitalize()}", xy=(1.04, c),
                    xycoords=("axes fraction", "data"), fontsize=MIN_FONT, va="center", color=NAVY,
                    linespacing=1.0)


def infographic(recommendations: pd.DataFrame, certainty: pd.DataFrame, facts: InfographicFacts):
    """``certainty``'s rows are drawn in the order given (the caller's: the recommendations' order)."""
    pain = certainty[certainty["outcome"] == "pain"]
    columns = [(population, recommendations[recommendations["population"] == population],
                pain[pain["population"] == population]) for population in ("axial", "radicular")]
    population_text = _wrap(facts.population, 105)
    burden = _wrap(facts.burden, 110)
    values = _wrap(facts.values, 110)
    practical = [_wrap(item, 105) for item in facts.practical]
    top_part = 0.85 + 0.3 + _lines(population_text) * LINE
    column = max(_column_height(r, c) for _, r, c in columns)
    harms = 0.35 + len(facts.harms) * HARM_ROW + _lines(burden) * LINE + 0.15
    rest = 0.35 + _lines(values) * LINE + 0.3 + sum(_lines(t) * LINE + 0.04 for t in practical) + 0.15
    page = _Page(top_part + column + 0.15 + harms + 0.12 + rest + 0.1)

    page.band(0, 0.62, NAVY)
    page.text(0.2, 0.16, facts.title, size=14, color="white", weight="bold")
    page.text(0.2, 0.44, "BMJ Rapid Recommendation, regenerated from its evidence by rapidrec", size=8.5,
              color="white")
    page.band(0.62, 0.25, RED)
    page.fig.text(0.5, page.y(0.745), facts.notice.upper(), fontsize=8.5, color="white", weight="bold",
                  ha="center", va="center")

    y = 0.97
    page.box(0.2, y, WIDTH - 0.4, 0.3 + _lines(population_text) * LINE)
    page.text(0.3, y + 0.06, "Population", size=9.5, weight="bold", color=NAVY)
    page.text(0.3, y + 0.26, population_text, size=8.5)
    y = top_part + 0.15

    xlim = (min(pain["ci_low"].min(), -facts.mid) - 0.3, max(pain["ci_high"].max(), facts.mid) + 0.3)
    half = (WIDTH - 0.5) / 2
    for i, (population, recs, cert) in enumerate(columns):
        x = 0.2 + i * (half + 0.1)
        page.box(x, y, half, column, colour="white", edge="#c9d3dd")
        _population_column(page, x, half, y, population, recs, cert, facts.mid, xlim)
    y += column + 0.15

    page.box(0.2, y, WIDTH - 0.4, harms)
    page.text(0.3, y + 0.08, "Harms and burden", size=9.5, weight="bold", color=NAVY)
    yy = y + 0.34
    for harm, value in facts.harms:
        page.text(0.4, yy, harm, size=8.5)
        page.text(3.7, yy, value, size=8.5, weight="bold")
        yy += HARM_ROW
    page.text(0.3, yy + 0.04, burden, size=8.5, color="#333")
    y += harms + 0.12

    page.box(0.2, y, WIDTH - 0.4, rest)
    page.text(0.3, y + 0.08, "Values and preferences", size=9.5, weight="bold", color=NAVY)
    page.text(0.3, y + 0.32, values, size=8.5)
    yy = y + 0.32 + _lines(values) * LINE + 0.1
    page.text(0.3, yy, "Practical issues", size=9.5, weight="bold", color=NAVY)
    yy += 0.22
    for item in practical:
        page.text(0.4, yy, "\u2022 " + item.replace("\n", "\n   "), size=8.5)
        yy += _lines(item) * LINE + 0.04
    return page.fig


def percent(value: float, certainty: str) -> str:
    return f"{format_number(value, 1)}% ({certainty} certainty)"
