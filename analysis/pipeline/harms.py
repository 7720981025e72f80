"""Stage: the observational harm incidences the panel weighed, registered so the book can print them."""

from __future__ import annotations

import pandas as pd

from analysis.pipeline.context import BuildContext
from analysis.results_io import write_csv

FUNCTION = "analysis.pipeline.harms.harms"


def harms(ctx: BuildContext) -> None:
    observational = (ctx.ds.guideline.get("harms_observational") or {})
    rows = []
    for event, entry in sorted((observational.get("incidence_percent") or {}).items()):
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        slug = event.replace("_", "-")
        ctx.registry.add(f"harms/{slug}/incidence", float(entry["value"]), unit="%", function=FUNCTION, decimals=1)
        rows.append((event, float(entry["value"]), entry.get("certainty", "")))
    write_csv(pd.DataFrame(rows, columns=["event", "incidence_percent", "certainty"]), ctx.out / "harms.csv")
