"""``run_scenario``: the whole pipeline under a scenario, compared with the base case.

Builds the base case (its unchanged results come from the cache) and the scenario
(:func:`analysis.build.build`), then writes the comparison beside the scenario's results in
``_results/scenarios/<id>/`` (:func:`analysis.scenarios.outputs.write_outputs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from analysis.build import build
from analysis.certainty.config import load_rules
from analysis.dataset import load_dataset
from analysis.project import DATA_DIR, RESULTS_DIR, settings_file
from analysis.scenarios.apply import apply_scenario
from analysis.scenarios.outputs import ScenarioRun, write_outputs
from analysis.scenarios.spec import Scenario, load_scenario


def run_scenario(project_dir: Path, scenario, progress: Callable[[str], None] = lambda m: None,
                 figures: bool = True) -> ScenarioRun:
    """Validate the scenario, build the base (its unchanged results come from the cache), build under the
    scenario, compare."""
    project_dir = Path(project_dir).resolve()
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    ds = load_dataset(project_dir / DATA_DIR)
    # raises ScenarioInvalid before anything is written
    applied = apply_scenario(ds, sc, rules=load_rules(settings_file(project_dir)))
    base_dir = project_dir / RESULTS_DIR
    progress("the base case first")
    build(project_dir, progress=progress)
    out = build(project_dir, progress=progress, scenario=sc)
    return write_outputs(sc, applied, base_dir, out, figures=figures)


