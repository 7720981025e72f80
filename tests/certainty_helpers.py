"""Helpers for the certainty and recommendation tests: run the stages, add trials to a copy of the package."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from scipy import stats

from analysis.certainty import load_rules
from analysis.dataset import load_dataset
from analysis.pipeline.certainty import certainty
from analysis.pipeline.context import BuildContext
from analysis.pipeline.dataset_summary import dataset_summary
from analysis.pipeline.networks import networks
from analysis.pipeline.recommendations import recommendations
from analysis.pipeline.responders import responders
from analysis.pipeline.run import run_stages
from analysis.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def run_grade(data_dir: Path) -> BuildContext:
    """Networks, certainty and recommendations of the package at ``data_dir``, analysed and written (into a
    temporary directory) by the stages that write them."""
    ds = load_dataset(data_dir)
    settings = Settings().with_guideline(ds.guideline)
    out = Path(tempfile.mkdtemp(prefix="grade-"))
    rules = load_rules(ROOT / "settings" / "guideline.yaml")
    ctx = run_stages(ds, settings, rules, out, stages=(dataset_summary, networks, responders, certainty, recommendations),
                     scenario="test")
    return ctx


def _append(path: Path, rows: list[dict]) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        for r in rows:
            w.writerow({k: r.get(k, "") for k in header})


def copy_package(dest: Path) -> Path:
    shutil.copytree(ROOT / "data", dest)
    return dest


def add_sham_trial(data_dir: Path, sid: str, population: str, procedure: str, n_per_arm: int, active_mm: float,
                   sham_mm: float, sd_mm: float, weeks: float = 12, as_difference: str | None = None) -> None:
    """A two-arm sham-controlled trial at low risk of bias, pain on a 100 mm VAS (final values); with
    ``as_difference`` ("se" or "ci95"), reported only as the mean difference of its arms with that spread."""
    low = {f"rob_{d}": "low" for d in ("sequence", "concealment", "blinding_patients", "blinding_providers",
                                        "blinding_assessors", "missing_data")}
    _append(data_dir / "studies.csv", [{
        "id": sid, "citation": "[SYNTHETIC] added by a test", "synthetic": "true", "year": 2024,
        "region": "europe", "funding": "non_industry", "enrolled_n": 2 * n_per_arm, "population": population,
        "condition": "disc_herniation_or_bulge", "spinal_region": "lumbar", "pain_duration_reporting": "chronic_only",
        "age_mean": 55, "women_percent": 50, "baseline_pain_cm": 6.5, "diagnostic_block": "false",
        "blinding_patients": "yes", "blinding_providers": "yes", "blinding_assessors": "yes",
        "image_guidance": "fluoroscopy", "epidural_approach": "transforaminal" if "epidural" in procedure else "",
        **low, "has_data": "true"}])
    _append(data_dir / "arms.csv", [
        {"study": sid, "arm": "a", "procedure": procedure, "n_randomised": n_per_arm, "co_interventions": "none"},
        {"study": sid, "arm": "b", "procedure": "sham", "n_randomised": n_per_arm, "co_interventions": "none"}])
    _append(data_dir / "procedures.csv", [
        {"study": sid, "arm": "a", "reported_intervention": "test procedure", "target": "epidural_space",
         "agent": "steroid", "technique": "transforaminal"},
        {"study": sid, "arm": "b", "reported_intervention": "saline", "target": "epidural_space", "agent": "saline",
         "technique": "sham_saline_injection"}])
    common = {"study": sid, "outcome": "pain", "timepoint_weeks": weeks, "instrument": "vas_100mm", "scale_min": 0,
              "scale_max": 100, "higher_is_better": "false", "measure_type": "final", "statistic": "mean_sd",
              "n_analysed": n_per_arm, "sd": sd_mm}
    if as_difference is None:
        _append(data_dir / "outcomes.csv", [{**common, "arm": "a", "mean": active_mm},
                                            {**common, "arm": "b", "mean": sham_mm}])
        return
    md, se = active_mm - sham_mm, sd_mm * (2 / n_per_arm) ** 0.5
    t = stats.t.ppf(0.975, 2 * n_per_arm - 2)
    spread = {"se": se} if as_difference == "se" else {"ci_low": md - t * se, "ci_high": md + t * se}
    _append(data_dir / "outcomes.csv", [
        {**common, "arm": "a", "statistic": f"difference_{as_difference}", "sd": "", "mean": md, **spread},
        {**common, "arm": "b", "statistic": "reference", "sd": ""}])
