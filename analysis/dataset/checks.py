"""Checks across rows and tables: keys, references, study design and outcome plausibility.

Each check takes the typed tables (``name -> DataFrame`` with a ``_line``
column) and a function giving a file's display name, and returns issues.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Callable

import pandas as pd

from analysis.dataset.issues import ValidationIssue
from analysis.dataset.normalise import mean_sd
from analysis.dataset.schema import DIFFERENCE_STATISTICS, SMALLEST_SPREAD, STATISTIC_COLUMNS, TABLES
from analysis.models.distributions import normal_quantile, t_quantile

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
        issues += _spread_issues(row, f)
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


SPREAD_COLUMN = {"mean_sd": "sd", "mean_se": "se", "mean_ci95": "ci_high", "median_iqr": "q3",
                 "difference_se": "se", "difference_ci95": "ci_high"}


def _spread_issues(row: dict, f: str) -> list[ValidationIssue]:
    """The reported spread (SD, SE, 95% CI or IQR) against what scores on the instrument's range can show.

    The SD a row gives (:func:`analysis.dataset.normalise.mean_sd`, the conversion the analysis uses) is at
    most ``(hi - lo) / 2`` for final values and ``hi - lo`` for changes, times ``sqrt(n / (n - 1))`` for a
    sample SD (Bhatia and Davis 2000); an IQR needs no bound beyond its quartiles lying in the range. A
    difference of two arms' means has an SE of at most ``sqrt(2)`` times the largest change SD, and at least
    the smallest SD over ``sqrt(n)``. An SD below ``SMALLEST_SPREAD`` of the range is not a measurement.
    """
    lo, hi, n, stat = row["scale_min"], row["scale_max"], row["n_analysed"], row["statistic"]
    col = SPREAD_COLUMN.get(stat)
    if col is None or lo is None or hi is None or hi <= lo or n is None:
        return []
    if any(row[c] is None for c in STATISTIC_COLUMNS[stat]) or (col == "q3" and row["q3"] <= row["q1"]):
        return []  # reported as missing or disordered elsewhere
    width = hi - lo
    change = row["measure_type"] == "change" or stat in DIFFERENCE_STATISTICS
    sd_max = (width if change else width / 2) * (math.sqrt(n / (n - 1)) if n > 1 else 1.0)
    sd_min = SMALLEST_SPREAD * width
    scores = f"{row['measure_type']} values of {row['instrument']} on {lo:g} to {hi:g}, n = {n}"
    if stat in DIFFERENCE_STATISTICS:
        # from a CI the analysis divides by t on n1 + n2 - 2 df, which lies between z and t on n - 1 df
        half = (row["ci_high"] - row["ci_low"]) / 2 if col == "ci_high" else row["se"]
        low_se = half / t_quantile(0.975, max(n - 1, 1)) if col == "ci_high" else half
        high_se = half / normal_quantile(0.975) if col == "ci_high" else half
        if low_se > sd_max * math.sqrt(2):
            return [ValidationIssue(f, row["_line"], col, f"{row[col]:g}", f"a difference's SE of at most "
                                    f"{sd_max * math.sqrt(2):.4g} (sqrt(2) x the largest SD of {scores})")]
        if high_se < sd_min / math.sqrt(n):
            return [ValidationIssue(f, row["_line"], col, f"{row[col]:g}", f"a difference's SE of at least "
                                    f"{sd_min / math.sqrt(n):.3g} ({SMALLEST_SPREAD:g} of the range over sqrt(n))")]
        return []
    sd = mean_sd(row)[1]
    gives = "" if col == "sd" else f" (the SD it gives is {sd:.4g})"
    if stat != "median_iqr" and sd > sd_max:
        return [ValidationIssue(f, row["_line"], col, f"{row[col]:g}", f"a spread scores can have{gives}: an SD "
                                f"of at most {sd_max:.4g}, the largest possible for {scores}")]
    if sd < sd_min:
        return [ValidationIssue(f, row["_line"], col, f"{row[col]:g}", f"a spread that is a measurement{gives}: "
                                f"an SD of at least {sd_min:.3g}, {SMALLEST_SPREAD:g} of the instrument's range "
                                f"({scores})")]
    return []


def arm_scales(t: Tables, display: Display) -> list[ValidationIssue]:
    """The arms of one trial compared at one outcome and time point measure it the same way: one measure type
    (final values or changes) and, for one instrument, one range and direction. An arm on a 0-100 scale beside
    an arm on 0-10 of the same instrument is a typing error that would turn the contrast into a unit change."""
    if "outcomes" not in t or t["outcomes"].empty:
        return []
    f = display("outcomes.csv")
    issues = []
    out = t["outcomes"].dropna(subset=["study", "outcome", "timepoint_weeks"])
    for (study, outcome, weeks), rows in out.groupby(["study", "outcome", "timepoint_weeks"], sort=False):
        first = rows.iloc[0]
        for _, row in rows.iloc[1:].iterrows():
            same_instrument = row["instrument"] == first["instrument"]
            for col in ("measure_type", "scale_min", "scale_max", "higher_is_better"):
                if col != "measure_type" and not same_instrument:
                    continue
                if row[col] is not None and first[col] is not None and row[col] != first[col]:
                    issues.append(ValidationIssue(
                        f, row["_line"], col, _cell(row[col]),
                        f"{_cell(first[col])} as on row {first['_line']}: the arms of study {study} for {outcome} "
                        f"at {weeks:g} weeks measure it the same way"))
    return issues


def _cell(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else f"{v:g}" if isinstance(v, float) else str(v)


def adverse_event_counts(t: Tables, display: Display) -> list[ValidationIssue]:
    if "adverse_events" not in t:
        return []
    f = display("adverse_events.csv")
    return [ValidationIssue(f, r["_line"], "events", r["events"], f"at most n ({r['n']})")
            for r in t["adverse_events"].to_dict("records")
            if r["events"] is not None and r["n"] is not None and r["events"] > r["n"]]
