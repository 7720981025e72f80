"""``validate_dataset``: every problem in a data package, all at once; nothing is written.

Order of checks: the files (present, parseable, header), every cell against the
table schema, keys and references between tables, study design and outcome
plausibility, guideline.yaml, and -- once all of that passes -- that each
outcome's network is connected in each population.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.dataset import checks
from analysis.dataset.fields import typed_table
from analysis.dataset.guideline_check import check_guideline, check_recommendation_groups
from analysis.dataset.issues import ValidationIssue
from analysis.dataset.judgements import judgement_checks
from analysis.dataset.network_check import connectivity
from analysis.dataset.optional_tables import OPTIONAL_TABLES
from analysis.dataset.read import read_package
from analysis.dataset.responders import check_optional_tables
from analysis.dataset.schema import GUIDELINE_FILE, TABLES

CROSS_CHECKS = (checks.primary_keys, checks.foreign_keys, checks.study_design, checks.outcome_values,
                checks.arm_scales, checks.difference_pairs, checks.adverse_event_counts)


def check_package(path: Path) -> tuple[list[ValidationIssue], dict[str, pd.DataFrame], dict | None]:
    """(issues, typed tables, guideline) of the package at ``path``."""
    pkg = read_package(Path(path))
    issues = list(pkg.issues)
    tables: dict[str, pd.DataFrame] = {}
    for spec in TABLES:
        if spec.name in pkg.tables:
            tables[spec.name], found = typed_table(spec, pkg.tables[spec.name])
            issues += found
    for check in CROSS_CHECKS:
        issues += check(tables, pkg.display)
    if pkg.root.is_dir():  # optional tables (responders.csv): checked when present, empty when absent
        found, optional = check_optional_tables(pkg.root, tables, pkg.display)
        issues += found
        tables.update(optional)
        issues += judgement_checks(tables, pkg.display)
    if pkg.guideline is not None:
        issues += check_guideline(pkg.guideline, pkg.display(GUIDELINE_FILE), pkg.guideline_lines)
        if "nodes" in tables:
            issues += check_recommendation_groups(pkg.guideline, set(tables["nodes"]["code"].dropna().astype(str)),
                                                  pkg.display(GUIDELINE_FILE))
    if not issues:
        issues += connectivity(tables, pkg.guideline, pkg.display)
    return _ordered(issues), tables, pkg.guideline


def _ordered(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    order = {f"{spec.filename}": i for i, spec in enumerate((*TABLES, *OPTIONAL_TABLES))}

    def key(issue: ValidationIssue):
        name = issue.file.rsplit("/", 1)[-1]
        return (order.get(name, -1), issue.row or 0)

    return sorted(issues, key=key)


def validate_dataset(path: Path | str) -> list[ValidationIssue]:
    """Every problem in the data package at ``path`` (an empty list if it is valid)."""
    return check_package(Path(path))[0]
