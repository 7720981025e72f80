"""Forest plot of base and scenario estimates in one figure: two rows per treatment."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter  # noqa: E402

from analysis.figures import PAIRED_STYLE as STYLE  # noqa: E402
from analysis.registry import format_number  # noqa: E402


def paired_forest(base: pd.DataFrame | None, scenario: pd.DataFrame | None, labels: dict[str, str] | None = None,
                  mid: float | None = None, base_mid: float | None = None, xlabel: str = "Mean difference",
                  columns=("estimate", "ci_low", "ci_high"), log: bool = False, title: str | None = None,
                  scenario_label: str = "scenario", width: float = 7.0, wrap: int = 34):
    """Each treatment of either table: base (grey squares) above scenario (blue diamonds).

    A treatment absent from one version is printed 'no evidence' in that row. ``mid`` draws the
    scenario's +/- MID band (and ``base_mid`` a dashed outline when it differs).
    """
    labels = labels or {}
    est, lo, hi = columns
    empty = pd.DataFrame(columns=["treatment", est, lo, hi])
    base = base if base is not None else empty
    scenario = scenario if scenario is not None else empty
    order = pd.concat([scenario[["treatment", est]], base[["treatment", est]]]).drop_duplicates("treatment")
    treatments = list(order.sort_values(est, kind="mergesort")["treatment"])
    n = len(treatments)
    fig, ax = plt.subplots(figsize=(width, 0.55 * max(n, 1) + 1.4))
    if mid:
        ax.axvspan(*(np.exp([-mid, mid]) if log else (-mid, mid)), color="#e8eef5", zorder=0)
    if base_mid and base_mid != mid:
        for x in (np.exp([-base_mid, base_mid]) if log else (-base_mid, base_mid)):
            ax.axvline(x, color="#b0b0b0", lw=0.8, ls="--", zorder=0)
    ax.axvline(1.0 if log else 0.0, color="#555555", lw=0.8, zorder=1)
    texts, ys, values = [], [], []
    for i, t in enumerate(treatments):
        y0 = n - i
        for which, frame, dy in (("base", base, 0.18), ("scenario", scenario, -0.18)):
            colour, marker, _ = STYLE[which]
            row = frame[frame["treatment"] == t]
            y = y0 + dy
            if row.empty:
                texts.append((y, "no evidence", colour))
                continue
            e, a, b = (float(row.iloc[0][c]) for c in (est, lo, hi))
            values += [a, b]
            ax.hlines(y, a, b, color=colour, lw=1.6, zorder=2)
            ax.plot([e], [y], marker, color=colour, ms=5.5, zorder=3)
            texts.append((y, f"{format_number(e, 2)} ({format_number(a, 2)} to {format_number(b, 2)})", colour))
        ys.append(y0)
    ax.set_yticks(ys, [textwrap.fill(labels.get(t, t), wrap) for t in treatments], fontsize=8)
    if log:
        ax.set_xscale("log")
    if values:
        lo_v, hi_v = min(values), max(values)
        if log:
            ax.set_xlim(min(lo_v, np.exp(-(mid or 0))) / 1.3, max(hi_v, np.exp(mid or 0)) * 1.3)
        else:
            ax.set_xlim(min(lo_v, -(mid or 0)) - 0.3, max(hi_v, mid or 0) + 0.3)
    if log:  # plain numbers at round values (mathtext is off for every figure: no 10^k labels)
        left, right = ax.get_xlim()
        steps = (1,) if right / left > 1e3 else (1, 2, 5)
        ticks = [m * 10.0 ** k for k in range(-4, 5) for m in steps if left <= m * 10.0 ** k <= right]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(0.4, n + 0.6)
    for y, text, colour in texts:
        ax.annotate(text, xy=(1.02, y), xycoords=("axes fraction", "data"), va="center", fontsize=7.5, color=colour)
    # the legend above the plot, each entry on its own line, wrapped to the figure's width (never cut)
    legend_label = textwrap.fill(scenario_label, int((width - 2.5 - 0.5) / 0.06))
    handles = [plt.Line2D([], [], color=STYLE[w][0], marker=STYLE[w][1], lw=1.6,
                          label=STYLE[w][2] if w == "base" else legend_label) for w in ("base", "scenario")]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=1, fontsize=8, frameon=False)
    ax.set_xlabel(textwrap.fill(xlabel, int((width - 2.5 - 1.6) / 0.065)), fontsize=8.5)
    ax.tick_params(axis="x", labelsize=8.5)
    title = textwrap.fill(title, int((width - 0.3) / 0.075)) if title else title  # wrapped, never cut
    if title:
        fig.suptitle(title, fontsize=9.5, x=0.02, ha="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend_lines = 1 + legend_label.count("\n") + 1
    xlabel_lines = ax.get_xlabel().count("\n") + 1
    title_lines = title.count("\n") + 1 if title else 0
    fig.set_size_inches(width, fig.get_size_inches()[1] + 0.15 * (legend_lines + xlabel_lines - 3)
                        + 0.16 * max(title_lines - 1, 0))
    height = fig.get_size_inches()[1]
    fig.subplots_adjust(left=2.5 / width, right=1 - 1.6 / width, bottom=(0.45 + 0.15 * xlabel_lines) / height,
                        top=1 - (0.3 + 0.15 * legend_lines + (0.1 + 0.16 * title_lines if title else 0)) / height)
    return fig
