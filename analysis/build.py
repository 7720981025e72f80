"""``rapidrec build``: compute every result once, from the data package into ``_results/``.

One direction: data package -> validated, normalised tables -> effect sizes ->
network models -> registry of numbers and result tables. Everything is a pure
function of (dataset, settings). The results are written into a temporary
directory beside ``_results/`` and swapped in only when the whole build has
succeeded, so a failed build never leaves a half-written registry.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable


import pandas as pd

from analysis.effects import contrasts_from_arms
from analysis.models.network import fit_network
from analysis.nma_files import heterogeneity_summary
from analysis.models.nodesplit import node_split
from analysis.registry import NumberRegistry
from analysis.results_io import write_csv, write_json
from analysis.settings import Settings

RESULTS_DIR = "_results"
DATA_DIR = "data"
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


def network_results(ds, settings: Settings, registry: NumberRegistry, out: Path,
                    progress: Callable[[str], None]) -> None:
    """Fit the network of each outcome and population and register its numbers."""
    fn = "analysis.models.network.fit_network"
    for outcome in settings.outcomes:
        for population in settings.populations:
            progress(f"network meta-analysis: {outcome}, {population}")
            arms = ds.analysis_arms(outcome=outcome, population=population)
            studies = contrasts_from_arms(arms, settings.measure, settings.reference,
                                          source=f"{outcome}/{population} analysis table")
            fit = fit_network(studies, settings.measure, settings.method, settings.reference, settings.level)
            where = out / "network" / outcome / population
            effects = fit.effects_frame()
            n_by_treatment = arms.groupby("treatment")["study"].nunique()
            effects.insert(1, "n_trials", [int(n_by_treatment.get(t, 0)) for t in effects["treatment"]])
            write_csv(effects, where / "effects.csv")
            write_csv(fit.league_frame(), where / "league.csv")
            write_csv(node_split(fit), where / "nodesplit.csv")
            write_json(heterogeneity_summary(fit), where / "heterogeneity.json")
            study_ids = sorted(arms["study"].astype(str).unique())
            base = f"{outcome}/{population}"
            registry.add(f"{base}/n-trials", len(study_ids), unit="trials", function=fn, decimals=0,
                         studies=study_ids)
            registry.add(f"{base}/n-patients", int(arms["n"].sum()), unit="patients", function=fn,
                         decimals=0, studies=study_ids)
            registry.add(f"{base}/tau2", fit.tau2, unit="cm^2", function=fn, decimals=2, studies=study_ids)
            for row in effects.itertuples():
                stem = f"{base}/{row.treatment}/vs-{settings.reference}"
                for field in ("estimate", "ci_low", "ci_high"):
                    registry.add(f"{stem}/{field.replace('_', '-')}", float(getattr(row, field)), unit="cm",
                                 function=fn, decimals=2, studies=study_ids)


def dataset_numbers(ds, registry: NumberRegistry) -> None:
    fn = "analysis.build.dataset_numbers"
    studies = ds.studies
    usable = studies[studies["has_data"].astype(bool)]
    registry.add("dataset/trials-eligible", len(studies), unit="trials", function=fn, decimals=0,
                 studies=studies["id"].astype(str))
    registry.add("dataset/trials-analysed", len(usable), unit="trials", function=fn, decimals=0,
                 studies=usable["id"].astype(str))
    registry.add("dataset/patients-analysed", int(usable["enrolled_n"].sum()), unit="patients", function=fn,
                 decimals=0, studies=usable["id"].astype(str))


def settings_numbers(settings: Settings, registry: NumberRegistry) -> None:
    registry.add("settings/pain-mid", settings.pain_mid_cm, unit="cm", function="analysis.settings.Settings",
                 decimals=1)


def treatment_table(ds) -> pd.DataFrame:
    """Procedure code -> the name printed in the book (the guideline's category names)."""
    names = ds.treatment_names()
    return pd.DataFrame(sorted(names.items()), columns=["code", "name"])


def build(project_dir: Path, progress: Callable[[str], None] = lambda m: None,
          settings: Settings | None = None) -> Path:
    """Compute all results for the project in ``project_dir``; returns the results directory."""
    from analysis.dataset import load_dataset
    from analysis.dataset.calibration import calibration_table

    project_dir = Path(project_dir)
    progress("validating and loading the data package")
    ds = load_dataset(project_dir / DATA_DIR)
    settings = (settings or Settings()).with_guideline(ds.guideline)
    registry = NumberRegistry(ds.data_hash, settings.to_dict())
    final = project_dir / RESULTS_DIR
    staging = Path(tempfile.mkdtemp(prefix=".results-", dir=project_dir))
    try:
        dataset_numbers(ds, registry)
        settings_numbers(settings, registry)
        write_csv(treatment_table(ds), staging / "treatments.csv")
        network_results(ds, settings, registry, staging, progress)
        progress("calibration against the published figures")
        write_csv(calibration_table(ds), staging / "calibration.csv")
        registry.save(staging / "numbers.json")
        write_json(environment_record(), staging / "environment.json")
        write_json({"data_hash": ds.data_hash, "settings": settings.to_dict(), "scenario": "base"},
                   staging / "manifest.json")
        old = project_dir / f".results-old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def _main() -> int:  # pragma: no cover - convenience for `python -m analysis.build`
    build(Path.cwd(), progress=lambda m: print(m, file=sys.stderr))
    return 0


__all__ = ["build", "environment_record"]
