"""``rapidrec build``: compute every result of a project once, from its data package into ``_results/``.

One direction: data package -> validated, normalised tables -> effect sizes -> models -> certainty ->
recommendations (the engine's stages, :data:`analysis.pipeline.run.ENGINE_STAGES`), then what the
project asks for beside them: the calibration against the published figures, the robustness searches and
the answers to critics' letters. This module is the one place that decides which stages a build runs:

- the base case: the engine's stages, calibration, the full robustness analysis, the answers to critics;
- under a scenario: the engine's stages and the threshold part of the robustness analysis (its re-runs
  would multiply a letter's scenarios by hundreds of fits); ``RAPIDREC_ROBUSTNESS=full`` runs all of it
  under scenarios too, ``=off`` skips it everywhere.

The rules are the project's own ``settings/guideline.yaml``. Expensive results are cached in the project's
``_cache/`` under a key of what they depend on (:mod:`analysis.cache`), so a build with nothing changed
recomputes only the cheap stages. Results are written into a temporary directory beside ``_results/`` and
swapped in only when the whole build has succeeded, so a failed build never leaves a half-written registry.
Last, the book's figures are drawn from the base results into ``figures/`` (:mod:`analysis.book_figures`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

from analysis.book_figures import write_figures
from analysis.cache import Cache, code_fingerprint, tree_digest
from analysis.certainty.config import load_rules
from analysis.dataset import data_hash, load_dataset
from analysis.errors import AnalysisError
from analysis.pipeline.calibration import calibration
from analysis.pipeline.run import ENGINE_STAGES, run_stages
from analysis.project import (
    DATA_DIR,
    FIGURES_DIR,
    LETTERS_DIR,
    RESULTS_DIR,
    RESULTS_STAMP,
    SCENARIO_COMPARISON,
    SCENARIO_FIGURE_PREFIX,
    SCENARIO_RESULTS,
    figures_for,
    scenario_results_dir,
    settings_file,
)
from analysis.project_lock import project_lock
from analysis.responses.letter import load_letters
from analysis.responses.run import answers_stage
from analysis.results_io import read_json, write_json
from analysis.robustness.stage import robustness_stage
from analysis.scenarios import apply_scenario, load_scenario
from analysis.scratch import scratch_dir
from analysis.settings import Settings

ROBUSTNESS_ENV = "RAPIDREC_ROBUSTNESS"  # "full": also under scenarios; "off": never


def stages(scenario: bool) -> tuple:
    """The stages of a base build (``scenario=False``) or of a build under a scenario."""
    mode = os.environ.get(ROBUSTNESS_ENV, "").strip().lower()
    robustness = () if mode == "off" else (robustness_stage(full=not scenario or mode == "full"),)
    if scenario:
        return (*ENGINE_STAGES, *robustness)
    # the answers to critics last: they compare their scenarios' results with all of the above
    return (*ENGINE_STAGES, calibration, *robustness, answers_stage(stages(scenario=True)))


def letter_inputs(project_dir: Path) -> dict[str, str]:
    """Path -> SHA-256 of every file the answers stage may read: the letters and every YAML file of the
    project outside its output folders (a letter may name a scenario file anywhere in the project)."""
    files = {p for p in (project_dir / LETTERS_DIR).rglob("*") if p.is_file()}
    for folder, dirs, names in os.walk(project_dir):
        # never into data/ (the data hash covers it), output folders (_results, _cache, ...) or hidden
        # ones (.git, .venv: walking them would cost every build a third of a second)
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")) and not (
            Path(folder) == project_dir and d == DATA_DIR))
        files |= {Path(folder) / n for n in names if n.endswith((".yaml", ".yml")) and not n.startswith(("_", "."))}
    return {p.relative_to(project_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def inputs_key(project_dir: Path, settings: Settings, rules: dict, scenario) -> str:
    """SHA-256 of everything a build reads: the data package, settings and rules, the scenario (its text and
    file), or for the base case every file the answers stage may read; the robustness mode and the code
    with the versions it runs on."""
    letters = {} if scenario is not None else letter_inputs(project_dir)
    payload = {"data": data_hash(project_dir / DATA_DIR), "settings": settings.to_dict(), "rules": rules,
               "scenario": (scenario.text, scenario.file) if scenario is not None else None, "letters": letters,
               "robustness": os.environ.get(ROBUSTNESS_ENV, "").strip().lower(), "code": code_fingerprint()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def results_digest(results: Path) -> str:
    """SHA-256 over a results directory's files: not the stamp, not the scenario results kept inside it, and not
    what is drawn or compared from a scenario's results after building them (its book figures, and the
    comparison `rapidrec scenario` writes beside them)."""
    def skip(rel: Path) -> bool:
        if rel.as_posix() == RESULTS_STAMP or rel.parts[0] in (SCENARIO_RESULTS, FIGURES_DIR):
            return True
        return len(rel.parts) == 1 and (rel.name in SCENARIO_COMPARISON or rel.name.startswith(SCENARIO_FIGURE_PREFIX))

    return tree_digest(results, skip=skip)


def up_to_date(results: Path, key: str) -> bool:
    """Whether ``results`` was built from inputs with this key and no file of it changed since."""
    stamp = results / RESULTS_STAMP
    try:
        recorded = read_json(stamp)
    except (OSError, ValueError):
        return False
    return recorded.get("inputs") == key and recorded.get("files") == results_digest(results)


def swap_in(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` (both in the same directory); ``final`` is put back if that fails."""
    old = scratch_dir(final.parent, f"{final.name}-old") if final.exists() else None
    if old is not None:
        os.replace(final, old)  # onto the empty scratch directory
    try:
        staging.rename(final)
    except BaseException:
        if old is not None:
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(project_dir: Path, progress: Callable[[str], None] = lambda m: None,
          settings: Settings | None = None, scenario=None, cache: bool = True, figures: bool = True) -> Path:
    """Compute all results for the project in ``project_dir``; returns the results directory.

    With ``scenario`` (a scenario file or :class:`analysis.scenarios.Scenario`), the data package is
    re-analysed under it (:func:`analysis.scenarios.apply_scenario`; data/ is never modified) and the
    results go to ``_results/scenarios/<id>/``; the base results in ``_results/`` stay as they are.
    With ``cache=False`` nothing is read from or written to the project's cache, and the results are rebuilt
    even when up to date. With ``figures=False`` the book's figures are not drawn into ``figures/`` (the
    results are the same; a render draws them).
    """
    project_dir = Path(project_dir).resolve()
    rules = load_rules(settings_file(project_dir))
    settings = settings or Settings()
    if scenario is not None:
        scenario = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    label, final = ("base", project_dir / RESULTS_DIR) if scenario is None else (
        scenario.id, scenario_results_dir(project_dir, scenario.id))
    for folder in (final, *final.parents):
        if folder == project_dir:
            break
        if folder.exists() and not folder.is_dir():
            raise AnalysisError(f"{folder}: a file where rapidrec keeps its results (a directory); move or remove "
                                "it, then build again")
    with project_lock(project_dir, progress) if cache else nullcontext():
        key = inputs_key(project_dir, settings, rules, scenario)
        if cache and up_to_date(final, key):
            progress(f"{final.relative_to(project_dir)}: up to date (nothing it is built from has changed)")
            if scenario is None and figures:
                write_figures(final, figures_for(final), progress)  # (nothing to do unless figures/ changed)
            return final
        progress("validating and loading the data package")
        ds = load_dataset(project_dir / DATA_DIR)
        # a bad letter is one message now, not after the whole build (the answers stage reuses them)
        letters = load_letters(project_dir, ds, Cache(project_dir if cache else None)) if scenario is None else None
        if scenario is not None:
            progress(f"applying scenario {scenario.id}")
            ds = apply_scenario(ds, scenario, rules=rules)
            rules = ds.rules(rules)
        parent = final.parent
        parent.mkdir(parents=True, exist_ok=True)
        settings = settings.with_guideline(ds.guideline)
        staging = scratch_dir(parent, "results")
        try:
            store = Cache(project_dir if cache else None)
            run_stages(ds, settings, rules, staging, stages(scenario is not None), progress, scenario=label,
                       cache=store, project_dir=project_dir, letters=letters)
            store.trim()
            write_json({"inputs": key, "files": results_digest(staging)}, staging / RESULTS_STAMP)
            if scenario is None and (final / SCENARIO_RESULTS).is_dir():  # keep scenario results across base builds
                (final / SCENARIO_RESULTS).rename(staging / SCENARIO_RESULTS)
            swap_in(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        # the book's figures, for the chapters to include (a scenario's are drawn when its book is)
        if scenario is None and figures:
            write_figures(final, figures_for(final), progress)
    return final
