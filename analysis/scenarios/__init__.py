"""Scenarios: declarative changes to the analysis that a critic proposes, re-run and compared with the base.

    from analysis.scenarios import load_scenario, apply_scenario, compare_results
    sc = load_scenario("scenarios/lumbar-only.yaml")       # structure checked; ScenarioInvalid lists problems
    ds = apply_scenario("data", sc)                        # in-memory dataset under the scenario
    build(project, scenario=sc)                            # results in _results/scenarios/<id>/

File format: :mod:`analysis.scenarios.spec` and scenarios/README.md.
"""

from pathlib import Path

from analysis.scenarios.apply import ScenarioDataset, apply_scenario
from analysis.scenarios.spec import (
    Scenario, ScenarioInvalid, ScenarioIssue, load_scenario, parse_scenario, scenario_from_data,
)

SCENARIOS_DIR = "scenarios"


def scenario_results_dir(project_dir: Path, scenario_id: str) -> Path:
    """``<project>/_results/scenarios/<id>``: where ``build(..., scenario=...)`` writes."""
    from analysis.build import RESULTS_DIR, SCENARIOS_DIR as RESULTS_SUBDIR

    return Path(project_dir) / RESULTS_DIR / RESULTS_SUBDIR / scenario_id


def validate_scenario(path, dataset="data") -> list[ScenarioIssue]:
    """Every problem of the scenario file at ``path`` against ``dataset`` (empty if it applies cleanly)."""
    try:
        apply_scenario(dataset, load_scenario(path))
    except ScenarioInvalid as exc:
        return list(exc.issues)
    return []


__all__ = ["Scenario", "ScenarioDataset", "ScenarioInvalid", "ScenarioIssue", "apply_scenario", "load_scenario",
           "parse_scenario", "scenario_from_data", "scenario_results_dir", "validate_scenario"]
