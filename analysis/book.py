"""What chapters use: results and numbers by id, tables and figures, all read from ``_results/``.

Chapters never compute statistics. They call these functions, which only read
what ``rapidrec build`` wrote. ``num(id)`` is the one way to put a computed
number in prose.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.registry import load_numbers
from analysis.results_io import read_json

RESULTS_ENV = "RAPIDREC_RESULTS"


def results_dir() -> Path:
    """``$RAPIDREC_RESULTS``, or ``_results`` in the first directory up from here that has one."""
    env = os.environ.get(RESULTS_ENV)
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "_results" / "numbers.json").exists():
            return d / "_results"
    raise AnalysisError("no _results/numbers.json found here or above; run `rapidrec build` first")


@lru_cache(maxsize=None)
def _numbers(path: str) -> dict:
    return load_numbers(Path(path) / "numbers.json")


def entry(id: str) -> dict:
    numbers = _numbers(str(results_dir()))
    if id not in numbers:
        import difflib

        close = difflib.get_close_matches(id, numbers.keys(), n=3, cutoff=0.5)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise AnalysisError(f"unknown number id {id!r}{hint}")
    return numbers[id]


def num(id: str) -> str:
    """The registered number's text as printed."""
    return entry(id)["text"]


def table(*parts: str) -> pd.DataFrame:
    """A result table, e.g. ``table("network", "pain", "axial", "effects.csv")``."""
    return pd.read_csv(results_dir().joinpath(*parts))


def manifest() -> dict:
    return read_json(results_dir() / "manifest.json")


def treatment_names() -> dict[str, str]:
    """Treatment code -> the name printed in the book (``_results/treatments.csv``)."""
    names = table("treatments.csv")
    return dict(zip(names["code"], names["name"]))


def effects_table(outcome: str, population: str) -> pd.DataFrame:
    """Display table of every procedure versus sham: name, trials, estimate and 95% CI as printed."""
    from analysis.registry import format_number

    eff = table("network", outcome, population, "effects.csv").sort_values("estimate", ignore_index=True)
    names = treatment_names()
    return pd.DataFrame({
        "Procedure": [names.get(t, t) for t in eff["treatment"]],
        "Trials": eff["n_trials"].astype(int),
        "Mean difference (cm)": [format_number(v, 2) for v in eff["estimate"]],
        "95% CI": [f"{format_number(a, 2)} to {format_number(b, 2)}" for a, b in zip(eff["ci_low"], eff["ci_high"])],
    })


def forest(outcome: str, population: str):
    """Forest plot of every procedure versus sham for one outcome and population."""
    from analysis.figures.forest import forest_plot

    eff = table("network", outcome, population, "effects.csv")
    settings = manifest()["settings"]
    return forest_plot(
        eff, labels=treatment_names(), mid=settings["pain_mid_cm"] if outcome == "pain" else None,
        xlabel="Mean difference in pain versus sham (cm, 10 cm VAS; negative = less pain)",
    )


def size_against_mid(stem: str) -> str:
    """How an estimate's size compares with the pain MID: 'smaller than' or 'at least as large as'.

    ``stem`` is a registry stem such as ``pain/axial/joint-rf/vs-sham``; both numbers come from the registry.
    """
    estimate = entry(f"{stem}/estimate")["value"]
    mid = entry("settings/pain-mid")["value"]
    return "smaller than" if abs(estimate) < mid else "at least as large as"
