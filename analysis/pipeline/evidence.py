"""Which part of a network has evidence: the treatments left out, written beside the network's results.

The engine fits the part of a network connected to the reference and names the treatments it left out
(:func:`analysis.engine.reference_component`); this writes them.
"""

from __future__ import annotations

import pandas as pd

from analysis.results_io import write_csv


def write_without_evidence(out, outcome: str, population: str, dropped: list[str], reason: str) -> None:
    """``network/<outcome>/<population>/without_evidence.csv`` (only when something was left out)."""
    if dropped:
        write_csv(pd.DataFrame({"treatment": dropped, "reason": reason}),
                  out / "network" / outcome / population / "without_evidence.csv")
