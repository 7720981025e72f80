"""Checks across rows and tables: keys, references, study design and outcome plausibility.

Each check takes the typed tables (``name -> DataFrame`` with a ``_line``
column) and a function giving a file's display name, and returns issues.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import pandas as pd

from analysis.dataset.issues import ValidationIssue
from analysis.dataset.schema import DIFFERENCE_STATISTICS, STATISTIC_COLUMNS, TABLES

Tables = dict[str, pd.DataFrame]
Display = Callable[[str], str]


def _key(row, cols) -> tuple | None:
    values = tuple(row[c] for c in cols)
    return None if any(v is None for v in values) else values


def primary_keys(t: Tables, display: Display) -> list[ValidationIssue]:
    issues = []
    for spec in TABLES:
        if spec.name not in t:
            continue
        seen: dict[tuple, int] = {}
        for row in t[spec.name].to_dict("records"):
            key = _key(row, spec.primary_key)
            if key is None:
                continue
            if key in seen:
                issues.append(ValidationIssue(
                    display(spec.filename), row["_line"], ", ".join(spec.primary_key), "/".join(map(str, key)),
                    f"a unique {' + '.join(spec.primary_key)} (already used on row {seen[key]})"))
            else:
                seen[key] = row["_line"]
    return issues


def foreign_keys(t: Tables, display: Display) -> list[ValidationIssue]:
    issues = []
    for spec in TABLES:
        for fk in spec.foreign_keys:
            if spec.name not in t or fk.resource not in t:
                continue
            target = {_key(r, fk.reference) for r in t[fk.resource].to_dict("records")}
            for row in t[spec.name].to_dict("records"):
                key = _key(row, fk.fields)
                if key is not None and key not in target:
                    what = "an existing " + " + ".join(f"{fk.resource}.{c}" for c in fk.reference)
                    issues.append(ValidationIssue(display(spec.filename), row["_line"], ", ".join(fk.fields),
                                                  "/".join(map(str, key)), what))
    return issues


def study_design(t: Tables, display: Display) -> list[ValidationIssue]:
    """Arms per study, arm sizes against enrolment, and the conditional study fields."""
    if "studies" not in t or "arms" not in t:
        return []
    issues = []
    arms = t["arms"]
    n_arms = arms.groupby("study")["arm"].nunique()
    n_sum = {study: None if any(v is None for v in n) else sum(n)
             for study, n in arms.groupby("study")["n_randomised"]}
    has_outcome = set(t["outcomes"]["study"]) if "outcomes" in t else set()
    f = display("studies.csv")
    for row in t["studies"].to_dict("records"):
        sid, line = row["id"], row["_line"]
        if sid is None:
            continue
        k = int(n_arms.get(sid, 0))
        if k < 2:
            issues.append(ValidationIssue(f, line, "id", sid, f"at least 2 arms in arms.csv (found {k})"))
        total = n_sum.get(sid)
        if k >= 2 and row["enrolled_n"] is not None and total is not None and int(total) != row["enrolled_n"]:
            issues.append(ValidationIssue(f, line, "enrolled_n", row["enrolled_n"],
                                          f"the sum of its arms' n_randomised ({int(total)})"))
        issues += _conditional_study_fields(row, f)
        if row["has_data"] is True and sid not in has_outcome:
            issues.append(ValidationIssue(f, line, "has_data", "true",
                                          "outcome rows in outcomes.csv for a trial with usable data"))
    for (study, proc), rows in arms.groupby(["study", "procedure"]):
        if len(rows) > 1:
            line = int(rows["_line"].iloc[1])
            issues.append(ValidationIssue(display("arms.csv"), line, "procedure", proc,
                                          f"one arm per node in study {study}; combine arms of the same node"))
    return issues


def _conditional_study_fields(row: dict, f: str) -> list[ValidationIssue]:
    """Study fields whose expected value depends on another field, or on today's date (the year)."""
    out, line = [], row["_line"]
    if row["has_data"] is False and row["exclusion_reason"] is None:
        out.append(ValidationIssue(f, line, "exclusion_reason", "", "a reason when has_data is false"))
    this_year = date.today().year
    if row["year"] is not None and row["year"] > this_year:
        out.append(ValidationIssue(f, line, "year", row["year"], f"a year no later than the current one ({this_year})"))
    if row["has_data"] is True and row["exclusion_reason"] is not None:
        out.append(ValidationIssue(f, line, "exclusion_reason", row["exclusion_reason"],
                                   "an empty cell when has_data is true"))
    if row["diagnostic_block"] is True and row["block_threshold"] is None:
        out.append(ValidationIssue(f, line, "block_threshold", "", "a threshold when diagnostic_block is true"))
    if row["diagnostic_block"] is False and row["block_threshold"] is not None:
        out.append(ValidationIssue(f, line, "block_threshold", row["block_threshold"],
                                   "an empty cell when diagnostic_block is false"))
    if row["pain_duration_reporting"] == "months_reported" and row["pain_duration_months"] is None:
        out.append(ValidationIssue(f, line, "pain_duration_months", "",
                                   "the duration in months when pain_duration_reporting is months_reported"))
    return out


def difference_pairs(t: Tables, display: Display) -> list[ValidationIssue]:
    """A trial reported as a difference: at each outcome and follow-up, one arm's difference against one arm
    marked reference, and no other arm (arm-level rows and a difference do not mix)."""
    if "outcomes" not in t or t["outcomes"].empty:
        return []
    out = t["outcomes"]
    f = display("outcomes.csv")
    issues = []
    contrast = out["statistic"].isin([*DIFFERENCE_STATISTICS, "reference"])
    for (study, outcome, weeks), rows in out[contrast].groupby(["study", "outcome", "timepoint_weeks"]):
        every = out[(out["study"] == study) & (out["outcome"] == outcome) & (out["timepoint_weeks"] == weeks)]
        kinds = every["statistic"].tolist()
        if not (len(kinds) == 2 and "reference" in kinds and any(k in DIFFERENCE_STATISTICS for k in kinds)):
            line = int(rows["_line"].iloc[0])
            issues.append(ValidationIssue(f, line, "statistic", ", ".join(kinds),
                                          f"for study {study}, {outcome} at {weeks:g} weeks: exactly two arms, one "
                                          "difference_se or difference_ci95 and one reference"))
    return issues


def outcome_values(t: Tables, display: Display) -> list[ValidationIssue]:
    """Statistics present for what was reported; values inside the instrument's range; n within the arm."""
    if "outcomes" not in t:
        return []
    issues = []
    f = display("outcomes.csv")
    arm_n = {}
    if "arms" in t:
        arm_n = {(s, a): n for s, a, n in t["arms"][["study", "arm", "n_randomised"]].itertuples(index=False)}
    for row in t["outcomes"].to_dict("records"):
        line = row["_line"]
        for col in STATISTIC_COLUMNS.get(row["statistic"], ()):
            if row[col] is None:
                issues.append(ValidationIssue(f, line, col, "", f"a value when statistic is {row['statistic']}"))
        issues += _range_issues(row, f)
        n_arm = arm_n.get((row["study"], row["arm"]))
        if n_arm is not None and row["n_analysed"] is not None and row["n_analysed"] > n_arm:
            issues.append(ValidationIssue(f, line, "n_analysed", row["n_analysed"],
                                          f"at most the arm's n_randomised ({n_arm})"))
    return issues


def _range_issues(row: dict, f: str) -> list[ValidationIssue]:
    lo, hi, line = row["scale_min"], row["scale_max"], row["_line"]
    if lo is None or hi is None:
        return []
    if hi <= lo:
        return [ValidationIssue(f, line, "scale_max", hi, f"a number > scale_min ({lo:g})")]
    if row["measure_type"] == "change" or row["statistic"] in DIFFERENCE_STATISTICS:
        lo, hi = -(hi - lo), hi - lo
    out = []
    for col in ("mean", "median", "q1", "q3", "ci_low", "ci_high"):
        v = row[col]
        if v is not None and not lo <= v <= hi:
            out.append(ValidationIssue(f, line, col, f"{v:g}", f"a value within the instrument's range "
                                       f"{lo:g} to {hi:g} ({row['measure_type']} values of {row['instrument']})"))
    if row["statistic"] in ("mean_ci95", "difference_ci95") and None not in (row["ci_low"], row["mean"], row["ci_high"]):
        if not row["ci_low"] <= row["mean"] <= row["ci_high"]:
            out.append(ValidationIssue(f, line, "mean", f"{row['mean']:g}",
                                       f"a mean between ci_low ({row['ci_low']:g}) and ci_high ({row['ci_high']:g})"))
    if row["statistic"] == "median_iqr" and None not in (row["q1"], row["median"], row["q3"]):
        if not row["q1"] <= row["median"] <= row["q3"] or row["q1"] == row["q3"]:
            out.append(ValidationIssue(f, line, "median", f"{row['median']:g}",
                                       "q1 <= median <= q3 with q1 < q3"))
    return out


def adverse_event_counts(t: Tables, display: Display) -> list[ValidationIssue]:
    if "adverse_events" not in t:
        return []
    f = display("adverse_events.csv")
    return [ValidationIssue(f, r["_line"], "events", r["events"], f"at most n ({r['n']})")
            for r in t["adverse_events"].to_dict("records")
            if r["events"] is not None and r["n"] is not None and r["events"] > r["n"]]
