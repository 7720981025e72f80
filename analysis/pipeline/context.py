"""What the stages of a build share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from analysis.models.network import NetworkFit
from analysis.registry import NumberRegistry
from analysis.settings import Settings


@dataclass(frozen=True)
class NetworkResult:
    """One fitted network: an outcome in a population."""

    outcome: str
    population: str
    arms: pd.DataFrame  # the analysis table the fit used (with provenance columns)
    fit: NetworkFit
    contributions: pd.DataFrame  # treat1, treat2, study, contribution (percent)

    @property
    def key(self) -> str:
        return f"{self.outcome}/{self.population}"

    @property
    def studies(self) -> list[str]:
        return sorted(self.arms["study"].astype(str).unique())

    def study_shares(self, a: str, b: str) -> dict[str, float]:
        """Percentage contribution of each study to the estimate of a versus b (zero shares left out)."""
        c = self.contributions
        rows = c[((c["treat1"] == a) & (c["treat2"] == b)) | ((c["treat1"] == b) & (c["treat2"] == a))]
        return {str(r.study): float(r.contribution) for r in rows.itertuples() if r.contribution > 0}


@dataclass
class BuildContext:
    ds: object  # analysis.dataset.Dataset
    settings: Settings
    registry: NumberRegistry
    out: Path  # the staging results directory
    progress: Callable[[str], None]
    scenario: str = "base"
    networks: dict[str, NetworkResult] = field(default_factory=dict)  # key "outcome/population"
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # a stage's table for later stages
