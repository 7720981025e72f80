"""What the stages of a build share: the engine's results, and where to write and register them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from analysis.cache import Cache
from analysis.engine import Results
from analysis.registry import NumberRegistry
from analysis.settings import Settings


@dataclass
class BuildContext:
    ds: object  # analysis.dataset.Dataset
    settings: Settings
    rules: dict  # the GRADE and evidence-to-decision rules (the project's settings/guideline.yaml)
    registry: NumberRegistry
    out: Path  # the staging results directory
    progress: Callable[[str], None]
    results: Results = field(default_factory=Results)  # analysis.engine.analyse: what the stages write
    scenario: str = "base"  # labels the registry only: no stage behaves differently under a scenario
    cache: Cache = field(default_factory=lambda: Cache(None))
    project_dir: Path | None = None  # the project whose letters the answers stage reads
    letters: list | None = None  # those letters, when the build has already read and checked them

    @property
    def networks(self):
        return self.results.networks
