"""Run stages in order on one dataset, into one results directory.

The engine analyses the dataset once (:func:`analysis.engine.analyse`); the stages write and register
what it returned, and describe the dataset. :data:`ENGINE_STAGES` are those of every build; which further
stages run (calibration, robustness, the answers to critics) is decided by the project build
(:mod:`analysis.build`), never by a stage asking whether it runs under a scenario.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Callable, Sequence

from analysis.audit.provenance import write_provenance
from analysis.cache import Cache, package_versions
from analysis.engine import analyse
from analysis.pipeline.certainty import certainty
from analysis.pipeline.characteristics import characteristics
from analysis.pipeline.context import BuildContext
from analysis.pipeline.dataset_summary import dataset_summary
from analysis.pipeline.harms import harms
from analysis.pipeline.method_settings import method_settings
from analysis.pipeline.network_graphs import network_graphs
from analysis.pipeline.networks import networks
from analysis.pipeline.recommendations import recommendations
from analysis.pipeline.responders import responders
from analysis.pipeline.subgroups import subgroups
from analysis.registry import NumberRegistry
from analysis.results_io import write_json
from analysis.settings import Settings

ENGINE_STAGES = (dataset_summary, characteristics, harms, method_settings, networks, responders, network_graphs,
                 subgroups, certainty, recommendations)

Stage = Callable[[BuildContext], None]


def environment_record() -> dict:
    return {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": f"{platform.system()} {platform.machine()}", "packages": package_versions()}


def manifest(ctx: BuildContext) -> dict:
    """What the results in ``ctx.out`` were computed from."""
    return {"data_hash": ctx.ds.data_hash, "settings": ctx.settings.to_dict(), "scenario": ctx.scenario}


def run_stages(ds, settings: Settings, rules: dict, out: Path, stages: Sequence[Stage] = ENGINE_STAGES,
               progress: Callable[[str], None] = lambda m: None, scenario: str = "base",
               cache: Cache | None = None, project_dir: Path | None = None,
               letters: list | None = None) -> BuildContext:
    """Run ``stages`` into ``out`` (which must exist) and return the context they filled.

    ``scenario`` only labels the registry and the manifest; ``cache`` (default: none) keeps the results of
    the expensive stages; ``project_dir`` is the project whose letters the answers stage reads (``letters``:
    those letters, already read and checked against ``ds``).
    """
    registry = NumberRegistry(ds.data_hash, settings.to_dict(), scenario)
    ctx = BuildContext(ds=ds, settings=settings, rules=rules, registry=registry, out=out, progress=progress,
                       results=analyse(ds, settings, rules, progress), scenario=scenario,
                       cache=cache or Cache(None), project_dir=project_dir, letters=letters)
    for stage in stages:
        stage(ctx)
    write_provenance(ctx)  # after every stage: the rows behind every network any stage fitted
    registry.save(out / "numbers.json")
    write_json(environment_record(), out / "environment.json")
    write_json(manifest(ctx), out / "manifest.json")
    return ctx
