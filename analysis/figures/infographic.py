"""The one-page visual summary, in the manner of the BMJ Rapid Recommendations infographics.

Drawn as a vector figure from result tables only: the recommendations
(direction and strength per procedure and population), the certainty table
(pain effect versus sham, its classification and certainty) and the facts the
panel weighed (population, harms, burden, values and preferences), passed in
as plain values. Panels, top to bottom: title and the synthetic-data notice,
population and whom the recommendations do not apply to, one column per
population with its recommendations and a mini forest of pain effects with GRADE
certainty, harms and burden, values, preferences and practical issues, and the
research needed.
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
    harms: tuple[tuple[str, str], ...]  # (harm, "0.7% (low)": incidence and its certainty)
    burden: str
    values: str
    practical: tuple[str, ...]
    not_for: tuple[str, ...] = ()  # whom the recommendations do not apply to
    research: tuple[str, ...] = ()  # the research needed
    notice: str = "Synthetic data: a demonstration regenerated from fictional trials"
    mid: float = 1.5


WIDTH = 7.0  # inches; a page of text is 6.3 in wide (A4, 2.5 cm margins), so the figure prints at 0.9
MIN_FONT = 8.0  # points in the figure: at least 7.2 pt printed
LABEL_CHARS = 27  # procedure names wrap at this many characters (8 pt in the 1.6 in label column)
LINE = 0.125  # inches per line of 8 pt text
TEXT_LINE = 8.5 * 1.16 * 1.2 / 72  # inches per line of 8.5 pt body text: the font's height (1.16 em) x 1.2
ROW_GAP = 0.04  # inches between two procedures of a forest
PHONE_WIDTH = 3.6  # inches: the phone layout, every panel full width
CHAR = 0.061  # inches per character of 8.5 pt text (an average over the panels' words)
VALUE_W = 0.8  # inches for a harm's incidence and certainty ("8.6% (low)")
GAP = 0.1  # inches between panels


class _Page:
    """Places boxes and text by inches from the top of a figure of known height."""

    def __init__(self, height: float, width: float | None = None):
        self.w = width or WIDTH
        self.h = height
        self.fig = plt.figure(figsize=(self.w, height))

    def y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.h

    def box(self, x, top, w, height, colour=LIGHT, edge="none"):
        self.fig.patches.append(FancyBboxPatch((x / self.w, self.y(top + height)), w / self.w, height / self.h,
                                               boxstyle="round,pad=0.004,rounding_size=0.01",
                                               transform=self.fig.transFigure, facecolor=colour, edgecolor=edge,
                                               lw=0.8))

    def band(self, top, height, colour):
        self.fig.patches.append(Rectangle((0, self.y(top + height)), 1, height / self.h,
                                          transform=self.fig.transFigure, facecolor=colour, edgecolor="none"))

    def text(self, x, top, text, size=MIN_FONT, **kw):
        self.fig.text(x / self.w, self.y(top), text, fontsize=max(size, MIN_FONT), va=kw.pop("va", "top"), **kw)


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` characters, broken between words only (never at a hyphen)."""
    return textwrap.fill(text, width, break_on_hyphens=False)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _rows(procedures) -> tuple[list[str], list[float]]:
    """The forest's wrapped labels and the height of each row, in inches."""
    labels = [_wrap(p, LABEL_CHARS) for p in procedures]
    # at least two lines: the certainty beside a row is its symbols above its word
    return labels, [max(_lines(t), 2) * LINE + ROW_GAP for t in labels]


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
        page.fig.patches.append(Rectangle(((x + 0.08) / page.w, page.y(y + 0.24)), (w - 0.16) / page.w, 0.24 / page.h,
                                          transform=page.fig.transFigure, facecolor=colour, edgecolor="none"))
        count = group["group"].nunique() if "group" in group else len(group)
        label = f"{count} {strength} recommendation{'s' if count != 1 else ''} {direction}"
        page.text(x + 0.14, y + 0.12, label, size=8.5, color="white", weight="bold", va="center")
        y += 0.3
    page.text(x + w - 0.1, y + 0.02, "Certainty", color=GREY, ha="right")
    label_w, cert_w = 1.6, 0.55
    page.text(x + 0.08 + label_w + (w - 0.16 - label_w - cert_w) / 2, y + 0.02, "shaded: < MID", color=GREY,
              ha="center")  # the band's key, for the figure shared on its own
    y += 0.22
    rows = cert.reset_index(drop=True)
    labels, heights = _rows(rows["procedure"])
    total = sum(heights)
    colour_of = {r.procedure: DIRECTION_COLOUR.get(r.direction, GREY) for r in recs.itertuples()}
    ax = page.fig.add_axes([(x + 0.08 + label_w) / page.w, page.y(y + total), (w - 0.16 - label_w - cert_w) / page.w,
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


def _chars(width: float) -> int:
    """Characters of 8.5 pt text per line in a box ``width`` inches wide."""
    return int((width - 0.3) / CHAR)


def _bullets(page: _Page, x: float, top: float, items: list[str]) -> None:
    for item in items:
        page.text(x, top, "\u2022 " + item.replace("\n", "\n   "), size=8.5)
        top += _lines(item) * TEXT_LINE + 0.04


def _bullets_height(items: list[str]) -> float:
    return sum(_lines(t) * TEXT_LINE + 0.04 for t in items)


def infographic(recommendations: pd.DataFrame, certainty: pd.DataFrame, facts: InfographicFacts,
                phone: bool = False):
    """``certainty``'s rows are drawn in the order given (the caller's: the recommendations' order).

    Printed (``phone=False``, 7 in wide): the two populations side by side, the research needed below the
    shorter one, harms beside values and preferences. On a phone (``phone=True``, 3.6 in wide, shown at the
    width of its screen): every panel one below the other at the same text size, not the page shrunk."""
    width = PHONE_WIDTH if phone else WIDTH
    pain = certainty[certainty["outcome"] == "pain"]
    columns = [(population, recommendations[recommendations["population"] == population],
                pain[pain["population"] == population]) for population in ("axial", "radicular")]
    inner = width - 0.4  # a full-width panel
    half = inner if phone else (width - 0.5) / 2  # a panel beside another (on a phone: full width)
    title = _wrap(facts.title, int(inner / 0.12))
    population_text = _wrap(facts.population, _chars(inner))
    not_for = _wrap("Does not apply to: " + "; ".join(facts.not_for) + ".", _chars(inner)) if facts.not_for else ""
    research = [_wrap(item, _chars(half) - 2) for item in facts.research]
    harm_labels = [_wrap(h, _chars(half - VALUE_W)) for h, _ in facts.harms]
    burden = _wrap(facts.burden, _chars(half))
    values = _wrap(facts.values, _chars(half))
    practical = [_wrap(item, _chars(half) - 2) for item in facts.practical]

    subtitle = _wrap("BMJ Rapid Recommendation, regenerated from its evidence by rapidrec", _chars(inner))
    band = 0.14 + _lines(title) * 0.24 + _lines(subtitle) * TEXT_LINE + 0.08
    top_part = band + 0.25 + 0.1
    intro = 0.16 + _lines(population_text) * TEXT_LINE + (_lines(not_for) * TEXT_LINE + 0.06 if not_for else 0)
    heights = [_column_height(r, c) for _, r, c in columns]
    needed = 0.35 + _bullets_height(research) + 0.02 if research else 0.0
    harms = 0.35 + sum(_lines(t) * TEXT_LINE + 0.05 for t in harm_labels) + 0.08 + _lines(burden) * TEXT_LINE + 0.06
    rest = 0.35 + _lines(values) * TEXT_LINE + 0.3 + _bullets_height(practical) + 0.06
    if phone:
        body = sum(h + GAP for h in heights) + needed + GAP + harms + GAP + rest
    else:
        column = max(heights[0], heights[1] + (needed + GAP if research else 0))
        body = column + GAP + max(harms, rest)
    page = _Page(top_part + intro + GAP + body + 0.1, width)

    page.band(0, band, NAVY)
    page.text(0.2, 0.12, title, size=14, color="white", weight="bold")
    page.text(0.2, 0.14 + _lines(title) * 0.24 + 0.02, subtitle, size=8.5, color="white")
    page.band(band, 0.25, RED)
    page.fig.text(0.5, page.y(band + 0.125), facts.notice.upper() if not phone else "SYNTHETIC DATA FROM FICTIONAL TRIALS",
                  fontsize=8.5, color="white", weight="bold", ha="center", va="center")

    y = top_part
    page.box(0.2, y, inner, intro)
    page.text(0.3, y + 0.08, population_text, size=8.5)
    if not_for:
        page.text(0.3, y + 0.14 + _lines(population_text) * TEXT_LINE, not_for, size=8.5, weight="bold")
    y += intro + GAP

    xlim = (min(pain["ci_low"].min(), -facts.mid) - 0.3, max(pain["ci_high"].max(), facts.mid) + 0.3)

    def research_box(x: float, top: float) -> None:
        page.box(x, top, half, needed)
        page.text(x + 0.1, top + 0.08, "Research needed", size=9.5, weight="bold", color=NAVY)
        _bullets(page, x + 0.2, top + 0.32, research)

    def harms_box(x: float, top: float, height: float) -> None:
        page.box(x, top, half, height)
        page.text(x + 0.1, top + 0.08, "Harms and burden", size=9.5, weight="bold", color=NAVY)
        page.text(x + half - 0.1, top + 0.1, "incidence (certainty)", size=8.0, color=GREY, ha="right")
        yy = top + 0.34
        for label, (_, value) in zip(harm_labels, facts.harms):
            page.text(x + 0.2, yy, label, size=8.5)
            page.text(x + half - 0.1, yy, value, size=8.5, weight="bold", ha="right")
            yy += _lines(label) * TEXT_LINE + 0.05
        page.text(x + 0.1, yy + 0.08, burden, size=8.5, color="#333")

    def values_box(x: float, top: float, height: float) -> None:
        page.box(x, top, half, height)
        page.text(x + 0.1, top + 0.08, "Values and preferences", size=9.5, weight="bold", color=NAVY)
        page.text(x + 0.1, top + 0.32, values, size=8.5)
        yy = top + 0.32 + _lines(values) * TEXT_LINE + 0.1
        page.text(x + 0.1, yy, "Practical issues", size=9.5, weight="bold", color=NAVY)
        _bullets(page, x + 0.2, yy + 0.22, practical)

    if phone:
        for (population, recs, cert), h in zip(columns, heights):
            page.box(0.2, y, half, h, colour="white", edge="#c9d3dd")
            _population_column(page, 0.2, half, y, population, recs, cert, facts.mid, xlim)
            y += h + GAP
        if research:
            research_box(0.2, y)
            y += needed + GAP
        harms_box(0.2, y, harms)
        values_box(0.2, y + harms + GAP, rest)
        return page.fig
    for i, (population, recs, cert) in enumerate(columns):
        x = 0.2 + i * (half + 0.1)
        page.box(x, y, half, heights[i], colour="white", edge="#c9d3dd")
        _population_column(page, x, half, y, population, recs, cert, facts.mid, xlim)
    if research:  # below the second population, in the room the first one's longer forest leaves
        research_box(0.2 + half + 0.1, y + heights[1] + GAP)
    y += column + GAP
    harms_box(0.2, y, max(harms, rest))
    values_box(0.2 + half + 0.1, y, max(harms, rest))
    return page.fig


def percent(value: float, certainty: str) -> str:
    return f"{format_number(value, 1)}% ({certainty} certainty)"
