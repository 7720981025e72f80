"""Scenarios: declarative changes to the analysis that a critic proposes, re-run and compared with the base.

    from analysis.scenarios import load_scenario, apply_scenario, compare_results
    sc = load_scenario("scenarios/lumbar-only.yaml")       # structure checked; ScenarioInvalid lists problems
    ds = apply_scenario("data", sc)                        # in-memory dataset under the scenario
    build(project, scenario=sc)                            # results in _results/scenarios/<id>/ (analysis.build)

File format: :mod:`analysis.scenarios.spec` and scenarios/README.md.
"""

from analysis.scenarios.apply import ScenarioDataset, apply_scenario
from analysis.scenarios.spec import (
    Scenario,
    ScenarioInvalid,
    ScenarioIssue,
    load_scenario,
    parse_scenario,
    scenario_from_data,
)


def validate_scenario(path, dataset="data") -> list[ScenarioIssue]:
    """Every problem of the scenario file at ``path`` against ``dataset`` (empty if it applies cleanly)."""
    try:
        apply_scenario(dataset, load_scenario(path))
    except ScenarioInvalid as exc:
        return list(exc.issues)
    return []


__all__ = ["Scenario", "ScenarioDataset", "ScenarioInvalid", "ScenarioIssue", "apply_scenario", "load_scenario",
           "parse_scenario", "scenario_from_data", "validate_scenario"]
