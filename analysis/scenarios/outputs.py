"""What a build under a scenario writes beside its results: the comparison with the base case.

:func:`write_outputs` writes, into the scenario's results directory:

- ``scenario.json``: id, title, description, assumptions, file, what each operation did, and each rule of
  settings/guideline.yaml it changed (path, old value, new value) and each panel judgement (estimate, domain,
  old rating, new rating; "rule" where there is no judgement);
- ``sources.csv``: every value the scenario adds or corrects, with its source or why it is assumed;
- ``comparison.csv``: every compared value, base and scenario side by side, with the change marked
  (:mod:`analysis.scenarios.compare`); ``summary.txt``: the same, readable;
- ``without_evidence.csv``: treatments estimated in the base case and without evidence under the scenario;
- ``forest-<outcome>-<population>.svg`` / ``.png``: base and scenario estimates in one figure.

Used by ``rapidrec scenario`` (:mod:`analysis.scenarios.run`) and by the answers to critics
(:mod:`analysis.responses.run`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis.figures import save_figure
from analysis.figures.scenario_forest import paired_forest
from analysis.results_io import read_json, write_csv, write_json
from analysis.scenarios.compare import compare_results, summary_text, without_evidence
from analysis.scenarios.spec import Scenario
from analysis.scratch import scratch_dir

XLABELS = {"pain": "Mean difference in pain versus sham (cm, 10 cm VAS; negative = less pain)",
           "pain_responder": "Odds ratio of response (at least 50% pain relief) versus sham; above 1 favours the "
                              "procedure (log\u00a0scale)"}


@dataclass(frozen=True)
class ScenarioRun:
    scenario: Scenario
    results: Path
    comparison: pd.DataFrame
    summary: str
    figures: tuple[Path, ...]


def write_outputs(sc: Scenario, applied, base_dir: Path, out: Path, figures: bool = True,
                  formats: tuple[str, ...] = ("svg", "png")) -> ScenarioRun:
    """Beside a scenario's built results in ``out``: scenario.json, sources.csv, the comparison with the base
    results in ``base_dir``, summary.txt, without_evidence.csv and (with ``figures``) the paired forest plots.

    ``applied`` is what :func:`apply_scenario` returned. Used by :func:`run_scenario` and by the answers to
    critics (:mod:`analysis.responses`), which build scenarios into their own directories.
    """
    stage = scratch_dir(out, "outputs")  # all or nothing: a failing figure leaves none of these files
    try:
        write_json({"id": sc.id, "title": sc.title, "description": sc.description, "file": sc.file,
                    "assumptions": list(sc.assumptions), "log": applied.log,
                    "rule_changes": [list(c) for c in applied.rule_changes],
                    "judgement_changes": [list(c) for c in applied.judgement_changes],
                    "no_ops": [list(c) for c in applied.no_ops]}, stage / "scenario.json")
        write_csv(pd.DataFrame(applied.sources, columns=["table", "study", "arm", "column", "value", "source",
                                                         "assumed"]), stage / "sources.csv")
        comparison = compare_results(base_dir, out)
        write_csv(comparison, stage / "comparison.csv")
        write_csv(without_evidence(comparison), stage / "without_evidence.csv")
        names = names_of(base_dir, out)
        summary = summary_text(comparison, sc, applied.log, names)
        (stage / "summary.txt").write_text(summary + "\n", encoding="utf-8")
        made = tuple(out / p.name for p in write_figures(base_dir, out, sc, names, formats, dest=stage)) \
            if figures else ()
        for path in sorted(stage.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return ScenarioRun(sc, out, comparison, summary, made)


def names_of(*dirs: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for d in dirs:
        p = d / "treatments.csv"
        if p.exists():
            t = pd.read_csv(p)
            names.update(zip(t["code"], t["name"]))
    return names


def _mid(d: Path) -> float | None:
    p = d / "manifest.json"
    return read_json(p).get("settings", {}).get("pain_mid_cm") if p.exists() else None


def write_figures(base_dir: Path, out: Path, sc: Scenario, names: dict[str, str],
                  formats: tuple[str, ...] = ("svg", "png"), networks=None, dest: Path | None = None) -> list[Path]:
    """One SVG and PNG (``formats``) per network with estimates in either build (only those of ``networks``,
    (outcome, population) pairs, when given), written into ``dest`` (default: ``out``)."""
    made = []
    rels = sorted({p.relative_to(d).parent for d in (base_dir, out) for p in (d / "network").glob("*/*/effects.csv")})
    for rel in rels:
        _, outcome, population = rel.parts
        if networks is not None and (outcome, population) not in networks:
            continue
        b, s = base_dir / rel / "effects.csv", out / rel / "effects.csv"
        base = pd.read_csv(b) if b.exists() else None
        scen = pd.read_csv(s) if s.exists() else None
        binary = outcome == "pain_responder"
        fig = paired_forest(
            base, scen, labels=names, mid=None if binary else _mid(out), base_mid=None if binary else _mid(base_dir),
            xlabel=XLABELS.get(outcome, f"{outcome} versus sham"), log=binary,
            columns=("odds_ratio", "or_low", "or_high") if binary else ("estimate", "ci_low", "ci_high"),
            title=f"{outcome.replace('_', ' ')}, {population}: base case and scenario '{sc.id}'",
            scenario_label=f"scenario: {sc.title}")
        stem = (dest or out) / f"forest-{outcome.replace('_', '-')}-{population}"
        made += save_figure(fig, stem, formats, dpi=150)
        plt.close(fig)
    return made
