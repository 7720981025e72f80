"""The stages a recommendation depends on -- networks, certainty, recommendations -- for one population,
on any dataset (the base, or one changed by :func:`analysis.scenarios.apply_scenario`).

These are the build's own stage functions (:func:`analysis.pipeline.networks.fit_outcome_network`,
:func:`analysis.pipeline.certainty.certainty_rows`, :func:`analysis.recommendations.recommend`) run on a
context holding only the affected network; figures, calibration, result files and the registry are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.registry import NumberRegistry


@dataclass(frozen=True)
class PopulationResult:
    population: str
    net: object  # NetworkResult or None (no trial connected to the reference)
    certainty: pd.DataFrame  # certainty_rows table of the network
    recommendations: pd.DataFrame  # recommend(..., details=True)

    def by_code(self) -> dict[str, dict]:
        """Procedure code -> {direction, strength, certainty, classification, estimate}."""
        cert = self.certainty.set_index("code") if not self.certainty.empty else pd.DataFrame()
        out = {}
        for r in self.recommendations.itertuples():
            c = cert.loc[r.code]
            out[r.code] = {"direction": r.direction, "strength": r.strength, "certainty": r.certainty,
                           "classification": c["classification"], "estimate": float(c["estimate"])}
        return out


def rerun_population(ds, settings, population: str, scratch: Path, rules: dict, outcome: str = "pain"
                     ) -> PopulationResult:
    """Fit the population's network, rate its certainty and make its recommendations."""
    from analysis.pipeline.certainty import certainty_rows
    from analysis.pipeline.networks import fit_outcome_network
    from analysis.recommendations import recommend

    settings = settings.with_guideline(ds.guideline)
    ctx = BuildContext(ds=ds, settings=settings, registry=NumberRegistry(ds.data_hash, {}, "robustness"),
                       out=scratch, progress=lambda m: None, scenario="robustness")
    net = fit_outcome_network(ctx, outcome, population)
    if net is None:
        empty = pd.DataFrame(columns=["code"])
        return PopulationResult(population, None, empty, pd.DataFrame(columns=["code"]))
    ctx.networks[net.key] = net
    table, _ = certainty_rows(ctx, rules)
    recs = recommend(table, ds.guideline, rules, outcome=outcome, details=True)
    return PopulationResult(population, net, table, recs)
