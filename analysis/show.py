"""Tables and figures for the chapters, built only from result files in ``_results/``.

Chapters call these to show results; nothing here computes a statistic. Every
number shown is formatted with the registry's number format.
"""

from __future__ import annotations

import pandas as pd

from analysis.book import manifest, table, treatment_names
from analysis.registry import format_number

POPULATION_NAMES = {"axial": "axial", "radicular": "radicular"}


def _median_iqr(r) -> str:
    d = 1 if r.unit == "cm" else 0
    return f"{format_number(r.median, d)} ({format_number(r.q1, d)} to {format_number(r.q3, d)})"


def characteristics_table() -> pd.DataFrame:
    """The guideline's Table 2: characteristics of the trials in the meta-analyses."""
    rows = []
    current = None
    for r in table("characteristics.csv").itertuples():
        if r.section != current:
            current = r.section
            if r.section != "Trial characteristics":
                rows.append((f"**{r.section}**", ""))
        if r.kind == "median":
            suffix = "" if r.n == table("trial_flow.csv").set_index("item").loc["analysed", "trials"] else \
                f" [{format_number(r.n, 0)} trials reporting]"
            rows.append((f"{r.label}{suffix}", _median_iqr(r)))
        else:
            rows.append((r.label.replace("  ", "\u2003"), format_number(r.n, 0)))
    return pd.DataFrame(rows, columns=["Characteristic", "Trials, or median (IQR) across trials"])


def flow_table() -> pd.DataFrame:
    """Eligible trials, those without usable data by reason, and those analysed."""
    flow = table("trial_flow.csv")
    out = []
    for r in flow.itertuples():
        if r.item.startswith("excluded-"):
            out.append((f"\u2003Excluded: {r.label[0].lower()}{r.label[1:]}", format_number(r.trials, 0)))
        elif r.item.startswith("analysed-"):
            out.append((f"\u2003{r.label}", format_number(r.trials, 0)))
        else:
            out.append((r.label, format_number(r.trials, 0)))
    return pd.DataFrame(out, columns=["Step", "Trials"])


def network_figure(outcome: str, population: str):
    from analysis.figures.network_plot import network_plot

    return network_plot(table("network", outcome, population, "nodes.csv"),
                        table("network", outcome, population, "edges.csv"), treatment_names(),
                        first=manifest()["settings"]["reference"])
