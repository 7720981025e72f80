"""Deterministic writing: sorted rows, fixed column order, stable number formatting, LF line ends."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from analysis.dataset.schema import Table


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def sort_key(table: Table):
    def key(row: dict):
        return tuple((0, row[c], "") if isinstance(row[c], (int, float)) else (1, 0, str(row[c]))
                     for c in table.primary_key)
    return key


def csv_text(table: Table, rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.columns)
    for row in sorted(rows, key=sort_key(table)):
        w.writerow([cell(row.get(c)) for c in table.columns])
    return buf.getvalue()


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def json_text(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
