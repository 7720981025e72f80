"""The optional ``responders.csv`` table: binary responder outcomes (e.g. at least 50% pain relief).

Trials that report only the proportion of patients who responded cannot enter
the mean-difference network; they enter a separate responder network (log odds
ratio, :func:`analysis.effects.contrasts_from_arms` with ``measure="OR"``).

The table is optional: a package without ``responders.csv`` is valid and has
no responder data. When present, it is checked like the other tables (types,
codes, keys, references to arms.csv, responders <= n <= the arm's
n_randomised), with every problem reported with file, line and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.dataset.fields import typed_table
from analysis.dataset.issues import ValidationIssue
from analysis.dataset.optional_tables import OPTIONAL_TABLES, RESPONDERS
from analysis.dataset.read import read_csv
from analysis.dataset.schema import Table
from analysis.dataset.timepoints import rule_limits, select_timepoints, study_rules

ANALYSIS_COLUMNS = ["study", "arm", "treatment", "n", "events", "timepoint_weeks", "definition", "source",
                    "source_file", "source_row"]


def empty_table(spec: Table) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ["_line", *spec.columns]})


def row_checks(t: dict[str, pd.DataFrame], display) -> list[ValidationIssue]:
    """Keys, references and counts of the responder rows in the typed tables ``t``."""
    if "responders" not in t:
        return []
    f = display(RESPONDERS.filename)
    issues: list[ValidationIssue] = []
    seen: dict[tuple, int] = {}
    arm_n = {}
    if "arms" in t:
        arm_n = {(s, a): n for s, a, n in t["arms"][["study", "arm", "n_randomised"]].itertuples(index=False)}
    for row in t["responders"].to_dict("records"):
        line = row["_line"]
        key = tuple(row[c] for c in RESPONDERS.primary_key)
        if None not in key:
            if key in seen:
                issues.append(ValidationIssue(f, line, ", ".join(RESPONDERS.primary_key), "/".join(map(str, key)),
                                              f"a unique study + arm + outcome + timepoint_weeks (already used on "
                                              f"row {seen[key]})"))
            else:
                seen[key] = line
        sa = (row["study"], row["arm"])
        if None not in sa and "arms" in t and sa not in arm_n:
            issues.append(ValidationIssue(f, line, "study, arm", "/".join(sa), "an existing arms.study + arms.arm"))
        if row["responders"] is not None and row["n"] is not None and row["responders"] > row["n"]:
            issues.append(ValidationIssue(f, line, "responders", row["responders"], f"at most n ({row['n']})"))
        if row["n"] is not None and arm_n.get(sa) is not None and row["n"] > arm_n[sa]:
            issues.append(ValidationIssue(f, line, "n", row["n"], f"at most the arm's n_randomised ({arm_n[sa]})"))
    return issues


def check_optional_tables(root: Path, tables: dict[str, pd.DataFrame], display
                          ) -> tuple[list[ValidationIssue], dict[str, pd.DataFrame]]:
    """(issues, typed tables) of the optional tables of the package at ``root``; absent files give empty tables."""
    issues: list[ValidationIssue] = []
    out: dict[str, pd.DataFrame] = {}
    for spec in OPTIONAL_TABLES:
        path = Path(root) / spec.filename
        if not path.exists():
            out[spec.name] = empty_table(spec)
            continue
        raw, found = read_csv(path, display(spec.filename))
        issues += found
        if raw is None:
            out[spec.name] = empty_table(spec)
            continue
        out[spec.name], found = typed_table(spec, raw)
        issues += found
    issues += row_checks({**tables, **out}, display)
    return issues, out


def optional_files(root: Path) -> list[str]:
    """Names of the optional table files present in the package at ``root``."""
    return [spec.filename for spec in OPTIONAL_TABLES if (Path(root) / spec.filename).exists()]


def build_responder_arms(tables: dict[str, pd.DataFrame], guideline: dict | None, population: str,
                         outcome: str = "pain_responder", source_file: str = "responders.csv") -> pd.DataFrame:
    """Arm-level responder table of one population: ``study, treatment, n, events`` and provenance.

    Every trial with responder rows counts, whether or not it has continuous data
    (``has_data`` concerns the mean-difference analyses). Mixed trials go to the
    network named by ``mixed_population_network``; the timepoint rule is the same
    as for continuous outcomes (:mod:`analysis.dataset.timepoints`).
    """
    resp = tables.get("responders")
    if resp is None or resp.empty:
        return pd.DataFrame(columns=ANALYSIS_COLUMNS)
    studies = tables["studies"]
    mixed_to = (guideline or {}).get("mixed_population_network", "radicular")
    pops = studies["population"].where(studies["population"] != "mixed", mixed_to)
    ids = set(studies.loc[pops == population, "id"].astype(str))
    rows = resp[(resp["outcome"] == outcome) & resp["study"].isin(ids)]
    if rows.empty:
        return pd.DataFrame(columns=ANALYSIS_COLUMNS)
    chosen = select_timepoints(rows, study_rules(tables["arms"], tables["nodes"]), rule_limits(guideline))
    procedure = {(s, a): p for s, a, p in tables["arms"][["study", "arm", "procedure"]].itertuples(index=False)}
    out = [{"study": r["study"], "arm": r["arm"], "treatment": procedure[(r["study"], r["arm"])],
            "n": int(r["n"]), "events": int(r["responders"]), "timepoint_weeks": float(r["timepoint_weeks"]),
            "definition": r["definition"], "source": r["source"] or "", "source_file": source_file,
            "source_row": int(r["_line"])} for r in chosen.to_dict("records")]
    frame = pd.DataFrame(out, columns=ANALYSIS_COLUMNS)
    return frame.sort_values(["study", "treatment", "arm"], kind="mergesort").reset_index(drop=True)
