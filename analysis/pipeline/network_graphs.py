"""Stage: the geometry of each network (nodes with trials and patients, edges with trials) for network plots."""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv


def graph_tables(arms: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (treatment, trials, patients) and edges (treat1, treat2, trials) of an arm-level table."""
    nodes = (arms.groupby("treatment").agg(trials=("study", "nunique"), patients=("n", "sum"))
             .reset_index().sort_values("treatment", ignore_index=True))
    nodes["patients"] = nodes["patients"].round().astype(int)
    pairs: dict[tuple[str, str], int] = {}
    for _, rows in arms.groupby("study"):
        for a, b in combinations(sorted(set(rows["treatment"])), 2):
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    edges = pd.DataFrame([(a, b, n) for (a, b), n in sorted(pairs.items())], columns=["treat1", "treat2", "trials"])
    return nodes, edges


def network_graphs(ctx: BuildContext) -> None:
    for key, net in sorted(ctx.networks.items()):
        nodes, edges = graph_tables(net.arms)
        where = ctx.out / "network" / net.outcome / net.population
        write_csv(nodes, where / "nodes.csv")
        write_csv(edges, where / "edges.csv")
