"""Build stage: run every scenario of every letter and register the numbers the answers print.

The last stage of the base build (:data:`analysis.build.STAGES`). For each letter in
``responses/*/letter.yaml`` (validated together; any problem stops the build, nothing is written):

- each scenario (committed file or inline) is run like ``rapidrec scenario`` does
  (:func:`analysis.scenarios.apply_scenario`, the build's stages, then
  :func:`analysis.scenarios.run.write_outputs`: comparison, summary, paired forest plots) into
  ``_results/responses/scenarios/<id>/``. A scenario is re-run only when its inputs changed: the data
  package, the settings, the scenario's text and the code (``cache.json`` holds the key);
- its estimates (pain and responder networks), trials analysed and MID are copied from the scenario's
  registry into the base registry as ``scenarios/<scenario id>/<id>``, each entry keeping its own scenario,
  settings and studies, so the book's audit appendix and ``rapidrec audit`` cover every number the answers
  print (paragraphs and figures); the set registered depends on the scenario's results only;
- ``_results/responses/<name>/letter.json`` records the letter as the chapters read it.
"""

from __future__ import annotations

import hashlib
import json
import re
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
    # the scenario's text, not its path: a copy of the project (rapidrec verify) reuses the same key
    payload = json.dumps({"data": data_hash, "settings": settings, "text": scenario.text, "code": fingerprint},
                         sort_keys=True)
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
    unique: dict[str, object] = {}
    for letter in letters:
        for sc in letter.scenarios():
            unique.setdefault(sc.id, sc)
    jobs = [(sc, previous / sid, target / sid) for sid, sc in unique.items()]
    run_all(ctx, jobs, fingerprint)
    for sid in unique:  # in a fixed order: the registry is the same however the runs were scheduled
        register(ctx.registry, sid, target / sid)
    for letter in letters:
        write_json(letter.to_dict(), ctx.out / RESULTS_SUBDIR / letter.name / "letter.json")


WORKERS = 2
_SHARED: dict = {}  # set before the workers fork: the build context and the code fingerprint


def _job(args) -> str:
    sc, previous, out = args
    return str(run_one(_SHARED["ctx"], sc, previous, out, _SHARED["fingerprint"]))


def run_all(ctx, jobs: list, fingerprint: str) -> None:
    """Run (or reuse) every scenario; scenarios to re-run go to ``WORKERS`` forked processes."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    todo = []
    for sc, previous, out in jobs:
        if not run_one(ctx, sc, previous, out, fingerprint, reuse_only=True):
            todo.append((sc, previous, out))
    if len(todo) > 1 and WORKERS > 1 and "fork" in mp.get_all_start_methods():
        _SHARED.update(ctx=ctx, fingerprint=fingerprint)
        try:
            with ProcessPoolExecutor(max_workers=WORKERS, mp_context=mp.get_context("fork")) as pool:
                list(pool.map(_job, todo))
        finally:
            _SHARED.clear()
    else:
        for sc, previous, out in todo:
            run_one(ctx, sc, previous, out, fingerprint)


def run_one(ctx, sc, previous: Path, out: Path, fingerprint: str, reuse_only: bool = False) -> Path | None:
    """The scenario's results in ``out`` (copied from ``previous`` when its cache key matches); with
    ``reuse_only``, None when they would have to be computed."""
    from analysis.build import run_stages
    from analysis.scenarios import apply_scenario
    from analysis.scenarios.run import write_outputs

    key = cache_key(ctx.ds.data_hash, ctx.settings.to_dict(), sc, fingerprint)
    cached = previous / CACHE_FILE
    if cached.exists() and read_json(cached).get("key") == key:
        ctx.progress(f"scenario {sc.id}: unchanged, results reused")
        shutil.copytree(previous, out)
        return out
    if reuse_only:
        return None
    ctx.progress(f"scenario {sc.id}: running")
    applied = apply_scenario(ctx.ds, sc)
    settings = ctx.settings.with_guideline(applied.guideline)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sc.id}-", dir=out.parent))
    try:
        run_stages(applied, settings, staging, lambda m: None, scenario=sc.id)
        write_outputs(sc, applied, ctx.out, staging, figures=True, formats=("svg",))  # SVG: HTML and PDF
        write_json([{"kind": op.kind, "spec": op.spec} for op in sc.operations], staging / OPERATIONS_FILE)
        write_json({"key": key, "scenario": sc.id, "file": sc.file}, staging / CACHE_FILE)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


SCENARIO_NUMBERS = re.compile(r"^(pain|pain_responder)/[^/]+/[^/]+/vs-[^/]+/(estimate|ci-low|ci-high|or|or-low|or-high)$"
                              r"|^(dataset/trials-analysed|settings/pain-mid)$")


def register(registry, sid: str, out: Path) -> list[str]:
    """Copy the scenario's numbers into the base registry as ``scenarios/<sid>/<id>``: every estimate of the pain
    and responder networks (the paragraphs print some, the paired forest plots all), the trials analysed and the
    MID. The set depends on the scenario's own results only, never on which the paragraphs choose to print."""
    from analysis.errors import AnalysisError
    from analysis.registry import load_numbers
    from analysis.responses.facts import facts_from_results
    from analysis.responses.paragraphs import scenario_id

    numbers = load_numbers(out / "numbers.json")
    ids = sorted(i for i in numbers if SCENARIO_NUMBERS.match(i))
    for id_ in ids:
        e = numbers[id_]
        registry.add(scenario_id(sid, id_), e["value"], unit=e["unit"], function=e["function"],
                     studies=e.get("studies") or (), contributions=e.get("contributions") or {}, text=e["text"],
                     scenario=e.get("scenario", sid), settings=e.get("settings"))
    missing = sorted(set(facts_from_results(out).number_ids()) - set(ids))
    if missing:
        raise AnalysisError(f"scenario {sid}: its answer would print numbers it did not register: {missing}")
    return ids
