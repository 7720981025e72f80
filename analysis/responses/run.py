"""Build stage: run every scenario of every letter and register the numbers the answers print.

The last stage of the base build (:func:`analysis.build.stages`). For each letter in
``responses/*/letter.yaml`` (validated together; any problem stops the build, nothing is written):

- each scenario (committed file or inline) is run like ``rapidrec scenario`` does
  (:func:`analysis.scenarios.apply_scenario`, the stages of a build under a scenario, then
  :func:`analysis.scenarios.outputs.write_outputs`: comparison, summary, and the paired forest plots the
  answer shows) into
  ``_results/responses/scenarios/<id>/``. Its files are computed once and kept in the build's cache
  under the data package, the settings, the rules and the scenario's text (:mod:`analysis.cache`), so a
  changed letter re-runs only the scenarios that changed;
- its estimates (pain and responder networks), trials analysed and MID are copied from the scenario's
  registry into the base registry as ``scenarios/<scenario id>/<id>``, each entry keeping its own scenario,
  settings and studies, so the book's audit appendix and ``rapidrec audit`` cover every number the answers
  print (paragraphs and figures); the set registered depends on the scenario's results only;
- ``_results/responses/<name>/letter.json`` records the letter as the chapters read it.
"""

from __future__ import annotations

import re
import tempfile
import time
from functools import partial
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.pipeline.run import manifest, run_stages
from analysis.project import ANSWER_RESULTS, SCENARIO_RESULTS
from analysis.registry import load_numbers
from analysis.responses.facts import FEW_TRIALS, facts_from_results
from analysis.responses.letter import load_letters
from analysis.responses.paragraphs import scenario_id
from analysis.results_io import read_json, write_json
from analysis.scenarios import apply_scenario
from analysis.scenarios.outputs import names_of, write_figures, write_outputs
from analysis.workers import can_fork, worker_pool

OPERATIONS_FILE = "operations.json"
PRINTED_FILE = "answer_numbers.json"  # the registry ids the answer prints from this scenario's results
WORKERS = 2


def answers_stage(scenario_stages: tuple):
    """The stage, running each letter's scenarios with ``scenario_stages`` (the project build's choice)."""
    stage = partial(responses, scenario_stages=tuple(scenario_stages))
    stage.__name__ = "answers to critics"
    return stage


def responses(ctx, scenario_stages: tuple) -> None:
    """Run (or reuse) every letter's scenarios into ``ctx.out``; nothing to do without ``responses/``."""
    letters = ctx.letters if ctx.letters is not None else \
        load_letters(ctx.project_dir, ctx.ds) if ctx.project_dir is not None else []
    if not letters:
        return
    ctx.progress(f"answers to critics: {len(letters)} letter(s)")
    # the comparisons read the base registry and manifest: write them as they will be (run_stages rewrites both)
    ctx.registry.save(ctx.out / "numbers.json")
    write_json(manifest(ctx), ctx.out / "manifest.json")
    target = ctx.out / ANSWER_RESULTS / SCENARIO_RESULTS
    unique: dict[str, object] = {}
    for letter in letters:
        for sc in letter.scenarios():
            unique.setdefault(sc.id, sc)
    run_all(ctx, [(sc, target / sid) for sid, sc in unique.items()], scenario_stages)
    for sid in unique:  # in a fixed order: the registry is the same however the runs were scheduled
        register(ctx.registry, sid, target / sid)
    for letter in letters:
        write_json(letter.to_dict(), ctx.out / ANSWER_RESULTS / letter.name / "letter.json")


_SHARED: dict = {}  # set before the workers fork: the build context and the stages


def _job(args) -> str:
    sc, out = args
    return str(run_one(_SHARED["ctx"], sc, out, _SHARED["stages"]))


def run_all(ctx, jobs: list, scenario_stages: tuple) -> None:
    """Run every scenario; those not in the cache go to ``WORKERS`` forked processes."""
    todo = []
    for sc, out in jobs:
        if ctx.cache.contains("scenario", cache_key(ctx, sc, scenario_stages)):
            ctx.progress(f"scenario {sc.id}: unchanged, results reused")
            run_one(ctx, sc, out, scenario_stages)
        else:
            todo.append((sc, out))
    if not todo:
        return
    ctx.progress(f"scenarios: {len(todo)} to run, {len(jobs) - len(todo)} reused")
    t0 = time.perf_counter()

    def report(i: int, sid: str) -> None:
        left = (time.perf_counter() - t0) / i * (len(todo) - i)
        ctx.progress(f"scenario {sid}: done ({i} of {len(todo)}" + (f", about {left:.0f} s left)" if i < len(todo)
                                                                     else ")"))

    if len(todo) > 1 and WORKERS > 1 and can_fork():
        _SHARED.update(ctx=ctx, stages=scenario_stages)
        try:
            with worker_pool(WORKERS) as pool:
                for i, done in enumerate(pool.map(_job, todo), 1):
                    report(i, Path(done).name)
        finally:
            _SHARED.clear()
    else:
        for i, (sc, out) in enumerate(todo, 1):
            run_one(ctx, sc, out, scenario_stages)
            report(i, sc.id)


def cache_key(ctx, sc, scenario_stages: tuple) -> dict:
    """What a scenario's files depend on (the base results they are compared with follow from the same)."""
    return {"stage": "scenario", "data": ctx.ds.data_hash, "settings": ctx.settings.to_dict(), "rules": ctx.rules,
            "text": sc.text, "file": sc.file, "stages": [s.__name__ for s in scenario_stages],
            # the file's line numbers travel into the provenance of the rows the scenario adds
            "lines": sorted((repr(path), line) for path, line in sc.lines.items())}


def scenario_files(ctx, sc, scenario_stages: tuple) -> dict[str, bytes]:
    """Run the scenario and return its result files (relative path -> bytes)."""
    applied = apply_scenario(ctx.ds, sc, rules=ctx.rules)
    settings = ctx.settings.with_guideline(applied.guideline)
    with tempfile.TemporaryDirectory(prefix=f"rapidrec-{sc.id}-") as tmp:
        out = Path(tmp)
        run_stages(applied, settings, applied.rules(ctx.rules), out, scenario_stages, scenario=sc.id)
        write_outputs(sc, applied, ctx.out, out, figures=False)
        facts = facts_from_results(out)
        # only the paired forest plots the answer shows (SVG serves HTML and PDF)
        write_figures(ctx.out, out, sc, names_of(ctx.out, out), ("svg",), facts.networks_to_show())
        write_json([{"kind": op.kind, "spec": op.spec} for op in sc.operations], out / OPERATIONS_FILE)
        write_json(sorted(facts.number_ids()), out / PRINTED_FILE)  # what register checks, computed once
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def run_one(ctx, sc, out: Path, scenario_stages: tuple) -> Path:
    """The scenario's results in ``out`` (from the cache when its key is there)."""
    files = ctx.cache.get("scenario", cache_key(ctx, sc, scenario_stages), lambda: scenario_files(ctx, sc, scenario_stages))
    for rel, data in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return out


SCENARIO_NUMBERS = re.compile(r"^(pain|pain_responder)/[^/]+/[^/]+/vs-[^/]+/(estimate|ci-low|ci-high|or|or-low|or-high)$"
                              r"|^(pain|pain_responder)/[^/]+/[^/]+/n-trials$"
                              r"|^(dataset/trials-analysed|settings/pain-mid)$")
TRIALS = "/n-trials"  # a procedure's trials: copied where few (the answer says "from 1 trial")
RULE_NUMBERS = "rules/"  # a rule's numbers: copied where the scenario changed them (the answer says from what)


def register(registry, sid: str, out: Path) -> list[str]:
    """Copy the scenario's numbers into the base registry as ``scenarios/<sid>/<id>``: every estimate of the pain
    and responder networks (the paragraphs print some, the paired forest plots all), the trials analysed, the MID,
    the trial counts of estimates resting on few trials and the numbers of the rules it changed. The set depends
    on the scenario's results (and the base rules) only, never on which the paragraphs choose to print."""
    numbers = load_numbers(out / "numbers.json")
    ids = sorted(i for i in numbers if (SCENARIO_NUMBERS.match(i) and (not i.endswith(TRIALS)
                                                                        or numbers[i]["value"] <= FEW_TRIALS))
                 or (i.startswith(RULE_NUMBERS) and (i not in registry or registry[i].value != numbers[i]["value"])))
    for id_ in ids:
        e = numbers[id_]
        registry.add(scenario_id(sid, id_), e["value"], unit=e["unit"], function=e["function"],
                     studies=e.get("studies") or (), contributions=e.get("contributions") or {}, text=e["text"],
                     scenario=e.get("scenario", sid), settings=e.get("settings"))
    missing = sorted(set(read_json(out / PRINTED_FILE)) - set(ids))
    if missing:
        raise AnalysisError(f"scenario {sid}: its answer would print numbers it did not register: {missing}")
    return ids
