"""Build stage: run every scenario of every letter and register the numbers the answers print.

The last stage of the base build (:data:`analysis.build.STAGES`). For each letter in
``responses/*/letter.yaml`` (validated together; any problem stops the build, nothing is written):

- each scenario (committed file or inline) is run like ``rapidrec scenario`` does
  (:func:`analysis.scenarios.apply_scenario`, the build's stages, then
  :func:`analysis.scenarios.run.write_outputs`: comparison, summary, paired forest plots) into
  ``_results/responses/scenarios/<id>/``. A scenario is re-run only when its inputs changed: the data
  package, the settings, the scenario's text and the code (``cache.json`` holds the key);
- the numbers its paragraphs print (:meth:`ScenarioFacts.number_ids`) are copied from the scenario's
  registry into the base registry as ``scenarios/<scenario id>/<id>``, each entry keeping its own scenario
  and settings, so the book's audit appendix and ``rapidrec audit`` cover them;
- ``_results/responses/<name>/letter.json`` records the letter as the chapters read it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from analysis.results_io import read_json, write_json

RESULTS_SUBDIR = "responses"  # _results/responses/
SCENARIO_SUBDIR = "scenarios"  # _results/responses/scenarios/<id>/
CACHE_FILE = "cache.json"
OPERATIONS_FILE = "operations.json"


def code_fingerprint() -> str:
    """Hash of the analysis code and the certainty rules: cached scenario results are only reused with both."""
    import analysis
    from analysis.certainty.config import SETTINGS_FILE

    root = Path(analysis.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")) + [Path(SETTINGS_FILE)]:
        if path.exists():
            h.update(path.relative_to(root.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def cache_key(data_hash: str, settings: dict, scenario, fingerprint: str) -> str:
    payload = json.dumps({"data": data_hash, "settings": settings, "file": scenario.file, "text": scenario.text,
                          "code": fingerprint}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def responses_stage(ctx) -> None:
    """The build stage (base case only; a no-op under a scenario, and when there is no responses/)."""
    if ctx.scenario != "base":
        return
    from analysis.responses.letter import load_letters

    project = Path(ctx.ds.path).resolve().parent
    letters = load_letters(project, ctx.ds)
    if not letters:
        return
    ctx.progress(f"answers to critics: {len(letters)} letter(s)")
    # the comparisons read the base registry and manifest: write them as they will be (run_stages rewrites both)
    ctx.registry.save(ctx.out / "numbers.json")
    write_json({"data_hash": ctx.ds.data_hash, "settings": ctx.settings.to_dict(), "scenario": ctx.scenario},
               ctx.out / "manifest.json")
    previous = project / "_results" / RESULTS_SUBDIR / SCENARIO_SUBDIR
    target = ctx.out / RESULTS_SUBDIR / SCENARIO_SUBDIR
    fingerprint = code_fingerprint()
    done: set[str] = set()
    for letter in letters:
        for sc in letter.scenarios():
            if sc.id in done:
                continue
            done.add(sc.id)
            out = run_one(ctx, sc, previous / sc.id, target / sc.id, fingerprint)
            register(ctx.registry, sc.id, out)
        write_json(letter.to_dict(), ctx.out / RESULTS_SUBDIR / letter.name / "letter.json")


def run_one(ctx, sc, previous: Path, out: Path, fingerprint: str) -> Path:
    """The scenario's results in ``out`` (copied from ``previous`` when its cache key matches)."""
    from analysis.build import run_stages
    from analysis.scenarios import apply_scenario
    from analysis.scenarios.run import write_outputs

    key = cache_key(ctx.ds.data_hash, ctx.settings.to_dict(), sc, fingerprint)
    cached = previous / CACHE_FILE
    if cached.exists() and read_json(cached).get("key") == key:
        ctx.progress(f"scenario {sc.id}: unchanged, results reused")
        shutil.copytree(previous, out)
        return out
    ctx.progress(f"scenario {sc.id}: running")
    applied = apply_scenario(ctx.ds, sc)
    settings = ctx.settings.with_guideline(applied.guideline)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sc.id}-", dir=out.parent))
    try:
        run_stages(applied, settings, staging, lambda m: None, scenario=sc.id)
        write_outputs(sc, applied, ctx.out, staging, figures=True)
        write_json([{"kind": op.kind, "spec": op.spec} for op in sc.operations], staging / OPERATIONS_FILE)
        write_json({"key": key, "scenario": sc.id, "file": sc.file}, staging / CACHE_FILE)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def register(registry, sid: str, out: Path) -> list[str]:
    """Copy the numbers the scenario's paragraphs print into the base registry (``scenarios/<sid>/<id>``)."""
    from analysis.registry import load_numbers
    from analysis.responses.facts import facts_from_results
    from analysis.responses.paragraphs import scenario_id

    facts = facts_from_results(out)
    numbers = load_numbers(out / "numbers.json")
    ids = []
    for id_ in facts.number_ids():
        e = numbers.get(id_)
        if e is None:
            continue
        registry.add(scenario_id(sid, id_), e["value"], unit=e["unit"], function=e["function"],
                     studies=e.get("studies") or (), contributions=e.get("contributions") or {}, text=e["text"],
                     scenario=e.get("scenario", sid), settings=e.get("settings"))
        ids.append(id_)
    return ids
