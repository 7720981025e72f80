"""What chapters use: results and numbers by id, tables and figures, all read from ``_results/``.

Chapters never compute statistics. They call these functions, which only read
what ``rapidrec build`` wrote. ``num(id)`` is the one way to put a computed
number in prose.
"""

from __future__ import annotations

import difflib
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.audit.links import Cell, LinkedTable, Num, TrailNum
from analysis.errors import AnalysisError
from analysis.figures.forest import forest_plot
from analysis.project import PRINTED_IDS_ENV, PRINTED_LOG_ENV, RESULTS_DIR, TRAIL_MARK
from analysis.registry import load_numbers
from analysis.results_io import read_json

RESULTS_ENV = "RAPIDREC_RESULTS"


@contextmanager
def reading(results: Path):
    """Chapters run inside this block (their kernels inherit the environment) read ``results``."""
    saved = os.environ.get(RESULTS_ENV)
    os.environ[RESULTS_ENV] = str(results)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = saved


def results_dir() -> Path:
    """``$RAPIDREC_RESULTS``, or ``_results`` in the first directory up from here that has one."""
    env = os.environ.get(RESULTS_ENV)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / RESULTS_DIR / "numbers.json").exists():
            return d / RESULTS_DIR
    raise AnalysisError("no _results/numbers.json found here or above; run `rapidrec build` first")


@lru_cache(maxsize=None)
def _numbers(path: str) -> dict:
    return load_numbers(Path(path) / "numbers.json")


def has(id: str) -> bool:
    """Whether a number with this id is registered (an estimate a scenario left out, say, is not)."""
    return id in _numbers(str(results_dir()))


def entry(id: str) -> dict:
    numbers = _numbers(str(results_dir()))
    if id not in numbers:
        close = difflib.get_close_matches(id, numbers.keys(), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise AnalysisError(f"unknown number id {id!r}{hint}")
    return numbers[id]


_recorded: dict[str, set[str]] = {}  # log file -> ids written to it
_capturing: list[set[str]] = []  # open recording() blocks


@contextmanager
def recording():
    """Collect the ids :func:`num` looks up inside this block (a figure drawn once, shown later, prints them)."""
    ids: set[str] = set()
    _capturing.append(ids)
    try:
        yield ids
    finally:
        _capturing.remove(ids)


def _record(id: str) -> None:
    """Append ``id`` to the file the renderer named for this chapter (``$RAPIDREC_PRINTED_LOG``), once."""
    for ids in _capturing:
        ids.add(id)
    _log(id)


def _log(line: str) -> None:
    log = os.environ.get(PRINTED_LOG_ENV)
    if log and line not in _recorded.setdefault(log, set()):
        _recorded[log].add(line)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def printed_where() -> dict[str, list[str]] | None:
    """Each id the chapters before this one printed with :func:`num` -> the ids of the chapters' sections that
    print it (for the audit appendix), as the built-in renderer passes them (``$RAPIDREC_PRINTED_IDS``); None
    when not known (e.g. under Quarto)."""
    path = os.environ.get(PRINTED_IDS_ENV)
    return read_json(Path(path)) if path and Path(path).is_file() else None


def record_printed(ids) -> None:
    """Count ``ids`` as printed by the chapter being rendered (e.g. those written on a figure it shows)."""
    for id in ids:
        _record(id)


def num(id: str) -> "Num":
    """The registered number's text as printed (a ``str``).

    Shown as an inline expression it is a link to the number's entry in the audit
    appendix (:class:`analysis.audit.links.Num`); in f-strings it is the plain text.
    """
    text = entry(id)["text"]
    _record(id)  # printed by the chapter being rendered (printed_where)
    return Num(id, text)


def trail_num(id: str) -> TrailNum:
    """The registered number's text, printed with a link to its entry in the complete audit trail (not the
    book's appendix)."""
    text = entry(id)["text"]
    _log(TRAIL_MARK + id)
    return TrailNum(id, text)


def table(*parts: str) -> pd.DataFrame:
    """A result table, e.g. ``table("network", "pain", "axial", "effects.csv")``."""
    return pd.read_csv(results_dir().joinpath(*parts))


def manifest() -> dict:
    return read_json(results_dir() / "manifest.json")


def treatment_names() -> dict[str, str]:
    """Treatment code -> the name printed in the book (``_results/treatments.csv``)."""
    names = table("treatments.csv")
    return dict(zip(names["code"], names["name"]))


def network_rows(outcome: str, population: str) -> list[dict]:
    """Each procedure versus the reference, as registry numbers (:class:`Num`), sorted by estimate.

    The result table only says which procedures there are; every number comes
    from the registry: ``n_trials``, ``estimate``, ``ci_low``, ``ci_high``.
    """
    ref = manifest()["settings"]["reference"]
    stem = f"{outcome}/{population}"
    rows = []
    for t in table("network", outcome, population, "effects.csv")["treatment"]:
        rows.append({"treatment": t, "n_trials": num(f"{stem}/{t}/n-trials"),
                     **{f: num(f"{stem}/{t}/vs-{ref}/{f.replace('_', '-')}") for f in ("estimate", "ci_low", "ci_high")}})
    return sorted(rows, key=lambda r: entry(r["estimate"].id)["value"])


def effects_table(outcome: str, population: str):
    """Display table of every procedure versus sham: name, trials, estimate and 95% CI as printed.

    A :class:`analysis.audit.links.LinkedTable`: every number cell is a registry
    entry and links to its audit-appendix entry (``.frame()`` gives the plain table).
    """
    names = treatment_names()
    rows = [[names.get(r["treatment"], r["treatment"]), r["n_trials"], r["estimate"],
             Cell((r["ci_low"], " to ", r["ci_high"]))] for r in network_rows(outcome, population)]
    return LinkedTable(["Procedure", "Trials", "Mean difference (cm)", "95% CI"], rows,
                       right=[False, True, True, True])


def forest(outcome: str, population: str):
    """Forest plot of every procedure versus sham; every number written on it is a registry text."""
    rows = network_rows(outcome, population)
    eff = pd.DataFrame({
        "treatment": [r["treatment"] for r in rows],
        "n_trials": [str(r["n_trials"]) for r in rows],
        **{f: [entry(r[f].id)["value"] for r in rows] for f in ("estimate", "ci_low", "ci_high")},
        "annotation": [f"{r['estimate']} ({r['ci_low']} to {r['ci_high']})" for r in rows],
    })
    if outcome == "pain":
        return forest_plot(eff, labels=treatment_names(), mid=entry("settings/pain-mid")["value"],
                           xlabel="Mean difference in pain versus sham (cm, 10 cm VAS; negative = less pain)")
    return forest_plot(eff, labels=treatment_names(), mid=entry(f"settings/{outcome.replace('_', '-')}-mid")["value"],
                       xlabel=f"Mean difference in {outcome.replace('_', ' ')} versus sham "
                              "(points, 0 to 100; positive = better)",
                       favours=("Favours sham", "Favours procedure"), decimals=1)

