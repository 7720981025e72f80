"""``rapidrec audit``: one number's derivation in plain words, and every number a study influences.

Reads only ``_results/`` (numbers.json, provenance.csv), so it works on a
reviewer's pack and under any scenario (the scenario is part of each entry).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.audit.formulas import how_computed
from analysis.audit.provenance import STUDY_RECORD
from analysis.errors import AnalysisError
from analysis.project import ANSWER_RESULTS, SCENARIO_RESULTS
from analysis.results_io import read_json

DATA_DIR = "data"


@dataclass(frozen=True)
class Row:
    analysis: str
    arm: str
    treatment: str
    source_file: str
    source_row: int
    reported: str
    used: str
    conversion: str

    @property
    def where(self) -> str:
        # a data package file by its name; a scenario's or a letter's file by its path in the project
        file = self.source_file if "/" in self.source_file else f"{DATA_DIR}/{self.source_file}"
        return f"{file} line {self.source_row}"

    def details(self) -> list[tuple[str, str]]:
        """(label, text) of the values extracted and used and the conversion, where given."""
        return [(label, value) for label, value in (("extracted", self.reported), ("used", self.used),
                                                    ("conversion", self.conversion)) if value]


@dataclass(frozen=True)
class StudyShare:
    study: str
    contribution: float | None  # percent; None when the entry has no contribution matrix
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Explanation:
    id: str
    entry: dict
    studies: tuple[StudyShare, ...]

    @property
    def has_contributions(self) -> bool:
        return bool(self.entry.get("contributions"))


def _read_provenance(path: Path) -> pd.DataFrame:
    """A ``provenance.csv`` as written, text throughout, its line numbers as ints (0 where none)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["source_row"] = frame["source_row"].map(lambda s: int(s) if s else 0)
    return frame


class AuditData:
    """The registry and provenance of one results directory."""

    def __init__(self, results_dir: Path):
        self.results_dir = Path(results_dir)
        path = self.results_dir / "numbers.json"
        if not path.exists():
            raise AnalysisError(f"no {path}; run `rapidrec build` first")
        self.registry = read_json(path)
        self.numbers: dict[str, dict] = self.registry["numbers"]

    @cached_property
    def provenance(self) -> pd.DataFrame:
        path = self.results_dir / "provenance.csv"
        if not path.exists():
            raise AnalysisError(f"no {path}; run `rapidrec build` again (older results lack provenance)")
        return _read_provenance(path)

    @cached_property
    def rows_by_study(self) -> dict[str, list[Row]]:
        """Each study's extracted rows; a trial only a letter's scenario adds (its numbers copied here as
        ``scenarios/<id>/...``) has the rows of that scenario's results."""
        out: dict[str, list[Row]] = {}
        for rec in self.provenance.to_dict("records"):
            out.setdefault(rec["study"], []).append(Row(**{k: rec[k] for k in Row.__dataclass_fields__}))
        base = set(out)
        added_by: dict[str, str] = {}  # study -> the first scenario (in id order) that adds it
        for sid in sorted({e["scenario"] for i, e in self.numbers.items() if i.startswith("scenarios/")
                           and e.get("scenario")}):
            path = self.results_dir / ANSWER_RESULTS / SCENARIO_RESULTS / sid / "provenance.csv"
            if not path.is_file():
                continue
            for rec in _read_provenance(path).to_dict("records"):
                if rec["study"] not in base and added_by.setdefault(rec["study"], sid) == sid:
                    out.setdefault(rec["study"], []).append(Row(**{k: rec[k] for k in Row.__dataclass_fields__}))
        return out

    @property
    def analyses(self) -> set[str]:
        return set(self.provenance["analysis"]) - {STUDY_RECORD}

    def analysis_of(self, entry: dict) -> str:
        """The entry's analysis table: as registered, else the longest network key its id starts with."""
        if entry.get("analysis"):
            return entry["analysis"]
        hits = [a for a in self.analyses if entry["id"].startswith(a + "/")]
        return max(hits, key=len) if hits else ""

    def rows(self, study: str, analysis: str) -> tuple[Row, ...]:
        """A study's rows behind an entry: the analysis table's rows, or its study record."""
        rows = self.rows_by_study.get(study, [])
        wanted = analysis or STUDY_RECORD
        picked = [r for r in rows if r.analysis == wanted]
        return tuple(picked or [r for r in rows if r.analysis == STUDY_RECORD])

    def closest(self, id: str, n: int = 5) -> list[str]:
        keys = list(self.numbers)
        close = difflib.get_close_matches(id, keys, n=n, cutoff=0.4)
        parts = [p for p in id.split("/") if p]
        if len(close) < n and parts:
            more = sorted(k for k in keys if all(p in k for p in parts) and k not in close)
            close += more[: n - len(close)]
        return close

    def explain(self, id: str) -> Explanation:
        if id not in self.numbers:
            close = self.closest(id)
            hint = ("; closest matches:\n  " + "\n  ".join(close)) if close else ""
            raise AnalysisError(f"unknown number id {id!r}{hint}")
        entry = self.numbers[id]
        analysis = self.analysis_of(entry)
        shares = entry.get("contributions") or {}
        studies = [StudyShare(s, float(shares.get(s, 0.0)) if shares else None, self.rows(s, analysis))
                   for s in entry.get("studies") or []]
        if shares:
            studies.sort(key=lambda s: (-s.contribution, s.study))
        return Explanation(id, entry, tuple(studies))

    def known_studies(self) -> list[str]:
        seen = set(self.rows_by_study) if (self.results_dir / "provenance.csv").exists() else set()
        for e in self.numbers.values():
            seen.update(e.get("studies") or [])
        return sorted(seen)

    def numbers_of_study(self, study: str) -> list[str]:
        """Every registry id whose value the study can change."""
        ids = sorted(i for i, e in self.numbers.items() if study in (e.get("studies") or []))
        if not ids and study not in self.known_studies():
            close = difflib.get_close_matches(study, self.known_studies(), n=5, cutoff=0.5)
            hint = ("; closest matches: " + ", ".join(close)) if close else ""
            raise AnalysisError(f"unknown study {study!r}{hint}")
        return ids


def settings_words(settings: dict) -> str:
    return "; ".join(f"{k} = {json.dumps(v, sort_keys=True, ensure_ascii=False) if isinstance(v, (dict, list)) else v}"
                     for k, v in sorted((settings or {}).items()))


COUNTS = {"trials": "trial", "studies": "study", "patients": "patient", "arms": "arm", "years": "year",
          "months": "month", "recommendations": "recommendation"}  # a unit that counts: singular for one


def unit_words(entry: dict) -> str:
    """What follows a number's text: its unit as a reader writes it ("59%", "1 trial", "0.10 (p-value)")."""
    unit = entry.get("unit")
    if not unit:
        return ""
    if unit == "%":
        return "%"
    if unit in ("p", "p-value"):
        return " (p-value)"
    if unit in COUNTS and str(entry.get("text")) == "1":
        return f" {COUNTS[unit]}"
    return f" {unit}"


def summary_words(entry: dict) -> str:
    return (f"printed as \"{entry['text']}\"{unit_words(entry)}; value at full precision {entry['value']!r}; "
            f"computed by {entry['function']}")


def study_words(expl: Explanation) -> str:
    n = len(expl.studies)
    if not n:
        return "No study feeds this number (a setting or a constant)."
    if expl.has_contributions:
        return (f"{n} studies feed this number: every study of the network, since the shared heterogeneity "
                "variance links them all; their percentage contributions come from the contribution matrix "
                "(0% = linked only through the heterogeneity variance).")
    return f"{n} studies feed this number."


def format_text(expl: Explanation, data: AuditData) -> str:
    """The plain-words derivation printed by ``rapidrec audit ID``."""
    e = expl.entry
    lines = [expl.id, "",
             f"Value: {e['value']!r} (full precision), printed as \"{e['text']}\"{unit_words(e)}.",
             f"Computed by: {e['function']}.",
             *([f"How: {how}"] if (how := how_computed(expl.id, e)) else []),
             f"Model and settings: {settings_words(e.get('settings') or data.registry.get('settings'))}.",
             f"Scenario: {e.get('scenario', data.registry.get('scenario'))}.",
             f"Data package hash: {e.get('data_hash', data.registry.get('data_hash'))}."]
    analysis = data.analysis_of(e)
    if analysis:
        lines.append(f"Analysis table: {analysis}.")
    lines += ["", study_words(expl)]
    for s in expl.studies:
        share = f"  {s.contribution:6.2f}%" if s.contribution is not None else ""
        lines.append(f"  {s.study}{share}")
        for r in s.rows:
            lines.append(f"      {r.where}" + (f", arm {r.arm} ({r.treatment})" if r.arm else ""))
            lines += [f"          {label}: {value}" for label, value in r.details()]
    return "\n".join(lines) + "\n"


def format_study(study: str, data: AuditData) -> str:
    """The list printed by ``rapidrec audit --study STUDY``."""
    ids = data.numbers_of_study(study)
    lines = [f"{study} influences {len(ids)} numbers:"]
    for i in ids:
        e = data.numbers[i]
        share = (e.get("contributions") or {}).get(study)
        extra = f"  (contribution {share:.2f}%)" if share is not None else ""
        lines.append(f"  {i} = {e['text']}{unit_words(e)}{extra}")
    rows = data.rows_by_study.get(study, []) if (data.results_dir / "provenance.csv").exists() else []
    if rows:
        lines += ["", "Its extracted rows:"]
        for r in rows:
            lines.append(f"  {r.where} [{r.analysis}]" + (f" arm {r.arm} ({r.treatment})" if r.arm else "")
                         + (f": {r.used}" if r.used else "") + (f"; conversion: {r.conversion}" if r.conversion else ""))
    return "\n".join(lines) + "\n"
