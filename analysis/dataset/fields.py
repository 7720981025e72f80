"""Cell-level checks: type, required, enum, range and pattern, per the table schema.

:func:`typed_table` turns a :class:`RawTable` into a DataFrame of typed values
(None where a cell is empty or invalid) with a ``_line`` column holding each
row's line number in the file, and returns every problem it found.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from analysis.dataset.issues import ValidationIssue
from analysis.dataset.read import RawTable
from analysis.dataset.schema import Field, Table
from analysis.numbers import INTEGER, NUMBER


def parse_cell(f: Field, text: str) -> tuple[object, bool]:
    """(value, ok): the typed value of one cell, or (None, False) if it breaks the schema."""
    if text == "":
        return None, not f.required
    if f.type == "integer":
        if not INTEGER.fullmatch(text):
            return None, False
        value: object = int(text)
    elif f.type == "number":
        if not NUMBER.fullmatch(text):
            return None, False
        value = float(text)
        if not math.isfinite(value):
            return None, False
    elif f.type == "boolean":
        if text not in ("true", "false"):
            return None, False
        return text == "true", True
    else:
        value = text
        if f.enum and text not in f.enum:
            return None, False
        if f.pattern and not re.fullmatch(f.pattern, text):
            return None, False
        return value, True
    if f.minimum is not None and (value < f.minimum or (f.exclusive_minimum and value == f.minimum)):
        return None, False
    if f.maximum is not None and value > f.maximum:
        return None, False
    return value, True


def _expected(f: Field, text: str) -> str:
    if text == "":
        return f"a value ({f.name} is required)"
    return f.expected()


def typed_table(table: Table, raw: RawTable) -> tuple[pd.DataFrame, list[ValidationIssue]]:
    issues: list[ValidationIssue] = []
    for name in table.columns:
        if name not in raw.header:
            issues.append(ValidationIssue(raw.display, 1, name, None, f"a column named '{name}' in the header"))
    for name in raw.header:
        if name not in table.columns:
            issues.append(ValidationIssue(raw.display, 1, name, None,
                                          f"only the columns {', '.join(table.columns)} (see datapackage.json)"))
    records = []
    for line, row in zip(raw.lines, raw.rows):
        rec: dict[str, object] = {"_line": line}
        for f in table.fields:
            if f.name not in row:
                rec[f.name] = None
                continue
            value, ok = parse_cell(f, row[f.name])
            if not ok:
                issues.append(ValidationIssue(raw.display, line, f.name, row[f.name], _expected(f, row[f.name])))
            rec[f.name] = value
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=["_line", *table.columns])
    return frame.astype(object).where(frame.notna(), None), issues
