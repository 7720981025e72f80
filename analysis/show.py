"""Tables and figures for the chapters, built only from result files in ``_results/``.

Chapters call these to show results; nothing here computes a statistic. Every
number shown is a registry entry (linking to its audit-appendix entry).
"""

from __future__ import annotations

from analysis.book import manifest, num, table, treatment_names

POPULATION_NAMES = {"axial": "axial", "radicular": "radicular"}


def characteristics_table():
    """The guideline's Table 2: characteristics of the trials in the meta-analyses.

    Every number is a registry entry (``characteristics/<item>/...``) linking to the
    audit appendix; the result table gives only the rows, their labels and order.
    """
    from analysis.audit.links import Cell, LinkedTable

    rows = []
    current = None
    analysed = table("trial_flow.csv").set_index("item").loc["analysed", "trials"]
    for r in table("characteristics.csv").itertuples():
        if r.section != current:
            current = r.section
            if r.section != "Trial characteristics":
                rows.append((f"**{r.section}**", ""))
        stem = f"characteristics/{r.item}"
        if r.kind == "median":
            label = Cell((r.label,)) if r.n == analysed else \
                Cell((f"{r.label} [", num(f"{stem}/trials"), " trials reporting]"))
            rows.append((label, Cell((num(f"{stem}/median"), " (", num(f"{stem}/q1"), " to ",
                                      num(f"{stem}/q3"), ")"))))
        else:
            rows.append((r.label.replace("  ", "\u2003"), num(f"{stem}/trials")))
    return LinkedTable(["Characteristic", "Trials, or median (IQR) across trials"], rows)


FLOW_IDS = {"eligible": "dataset/trials-eligible", "analysed": "dataset/trials-analysed"}


def flow_table():
    """Eligible trials, those without usable data by reason, and those analysed (registry numbers)."""
    from analysis.audit.links import LinkedTable

    flow = table("trial_flow.csv")
    out = []
    for r in flow.itertuples():
        n = num(FLOW_IDS.get(r.item, f"flow/{r.item}"))
        if r.item.startswith("excluded-"):
            out.append((f"\u2003Excluded: {r.label[0].lower()}{r.label[1:]}", n))
        elif r.item.startswith("analysed-"):
            out.append((f"\u2003{r.label}", n))
        else:
            out.append((r.label, n))
    return LinkedTable(["Step", "Trials"], out, right=[False, True])


def network_figure(outcome: str, population: str):
    from analysis.figures.network_plot import network_plot

    return network_plot(table("network", outcome, population, "nodes.csv"),
                        table("network", outcome, population, "edges.csv"), treatment_names(),
                        first=manifest()["settings"]["reference"])

