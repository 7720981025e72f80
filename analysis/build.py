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
from analysis.pipeline.characteristics import characteristics
from analysis.pipeline.context import BuildContext
from analysis.pipeline.dataset_summary import dataset_summary
from analysis.pipeline.network_graphs import network_graphs
from analysis.pipeline.networks import networks
from analysis.registry import NumberRegistry
from analysis.results_io import write_json
from analysis.settings import Settings

RESULTS_DIR = "_results"
DATA_DIR = "data"
STAGES = (dataset_summary, characteristics, networks, network_graphs, calibration)
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
          settings: Settings | None = None) -> Path:
    """Compute all results for the project in ``project_dir``; returns the results directory."""
    from analysis.dataset import load_dataset

    project_dir = Path(project_dir)
    progress("validating and loading the data package")
    ds = load_dataset(project_dir / DATA_DIR)
    settings = (settings or Settings()).with_guideline(ds.guideline)
    final = project_dir / RESULTS_DIR
    staging = Path(tempfile.mkdtemp(prefix=".results-", dir=project_dir))
    try:
        run_stages(ds, settings, staging, progress)
        swap_in(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final
