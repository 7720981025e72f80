"""``rapidrec build``: compute every result once, from the data package into ``_results/``.

One direction: data package -> validated, normalised tables -> effect sizes ->
models -> registry of numbers and result tables (the stages in
:mod:`analysis.pipeline`). Everything is a pure function of (dataset,
settings). Results are written into a temporary directory beside ``_results/``
and swapped in only when the whole build has succeeded, so a failed build never
leaves a half-written registry.
"""

from __future__ import annotations

import os
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable

from analysis.pipeline.calibration import calibration
from analysis.pipeline.certainty import certainty
from analysis.pipeline.characteristics import characteristics
from analysis.pipeline.context import BuildContext
from analysis.pipeline.dataset_summary import dataset_summary
from analysis.pipeline.harms import harms
from analysis.pipeline.method_settings import method_settings
from analysis.pipeline.network_graphs import network_graphs
from analysis.pipeline.networks import networks
from analysis.pipeline.subgroups import subgroups
from analysis.pipeline.recommendations import recommendations
from analysis.pipeline.responders import responders
from analysis.pipeline.robustness import robustness
from analysis.registry import NumberRegistry
from analysis.responses.run import responses_stage
from analysis.results_io import write_json
from analysis.settings import Settings

RESULTS_DIR = "_results"
SCENARIOS_DIR = "scenarios"  # _results/scenarios/<id>/: results under a scenario (analysis/scenarios/)
DATA_DIR = "data"
STAGES = (dataset_summary, characteristics, harms, method_settings, networks, responders, network_graphs, subgroups, calibration, certainty,
          recommendations, robustness, responses_stage)  # answers to critics last: they compare with all of the above
ENV_PACKAGES = ("numpy", "scipy", "statsmodels", "pandas", "matplotlib", "pyyaml", "nbclient",
                "ipykernel", "pypandoc-binary", "typst")


def environment_record() -> dict:
    versions = {}
    for name in ENV_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": f"{platform.system()} {platform.machine()}", "packages": versions}


def run_stages(ds, settings: Settings, out: Path, progress: Callable[[str], None] = lambda m: None,
               scenario: str = "base") -> BuildContext:
    """Run every stage into ``out`` (which must exist) and return the context they filled."""
    registry = NumberRegistry(ds.data_hash, settings.to_dict(), scenario)
    ctx = BuildContext(ds=ds, settings=settings, registry=registry, out=out, progress=progress, scenario=scenario)
    for stage in STAGES:
        stage(ctx)
    from analysis.audit.provenance import write_provenance

    write_provenance(ctx)  # after every stage: the rows behind every network any stage fitted
    registry.save(out / "numbers.json")
    write_json(environment_record(), out / "environment.json")
    write_json({"data_hash": ds.data_hash, "settings": settings.to_dict(), "scenario": scenario},
               out / "manifest.json")
    return ctx


def swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` (both in the same directory)."""
    old = final.with_name(f".{final.name}-old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def build(project_dir: Path, progress: Callable[[str], None] = lambda m: None,
          settings: Settings | None = None, scenario=None) -> Path:
    """Compute all results for the project in ``project_dir``; returns the results directory.

    With ``scenario`` (a scenario file or :class:`analysis.scenarios.Scenario`), the data package is
    re-analysed under it (:func:`analysis.scenarios.apply_scenario`; data/ is never modified) and the
    results go to ``_results/scenarios/<id>/``; the base results in ``_results/`` stay as they are.
    """
    from analysis.dataset import load_dataset

    project_dir = Path(project_dir)
    progress("validating and loading the data package")
    ds = load_dataset(project_dir / DATA_DIR)
    label, final, parent = "base", project_dir / RESULTS_DIR, project_dir
    if scenario is not None:
        from analysis.scenarios import apply_scenario, load_scenario, scenario_results_dir

        scenario = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
        progress(f"applying scenario {scenario.id}")
        ds = apply_scenario(ds, scenario)
        label, final = scenario.id, scenario_results_dir(project_dir, scenario.id)
        parent = final.parent
        parent.mkdir(parents=True, exist_ok=True)
    settings = (settings or Settings()).with_guideline(ds.guideline)
    staging = Path(tempfile.mkdtemp(prefix=".results-", dir=parent))
    try:
        run_stages(ds, settings, staging, progress, scenario=label)
        if scenario is None and (final / SCENARIOS_DIR).is_dir():  # keep scenario results across base builds
            (final / SCENARIOS_DIR).rename(staging / SCENARIOS_DIR)
        swap_in(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final
