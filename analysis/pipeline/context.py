"""What the stages of a build share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from analysis.cache import Cache
from analysis.certainty import Assessment, CertaintyResult
from analysis.engine import NetworkResult
from analysis.recommendations import Recommendation
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
    scenario: str = "base"  # labels the registry only: no stage behaves differently under a scenario
    cache: Cache = field(default_factory=lambda: Cache(None))
    project_dir: Path | None = None  # the project whose letters the answers stage reads
    networks: dict[str, NetworkResult] = field(default_factory=dict)  # key "outcome/population"
    assessments: dict[str, tuple[Assessment, ...]] = field(default_factory=dict)  # GRADE, once per network
    certainty: tuple[CertaintyResult, ...] = ()  # every network's, in order of network key
    recommendations: tuple[Recommendation, ...] = ()
