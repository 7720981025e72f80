"""The columns a scenario's ``where`` filter can test and the values each allows, written from the data package's
own schema (``datapackage.json``) and network nodes, so that the guide in ``scenarios/README.md`` cannot drift
from the data: ``rapidrec scenario --filters`` prints it, and a test compares the README's copy with it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.scenarios.spec import ARM_FILTER_COLUMNS

START = "<!-- filters: written by `rapidrec scenario --filters`; do not edit by hand -->"
END = "<!-- end of filters -->"
ARM_SOURCES = {"target": "procedures", "agent": "procedures", "technique": "procedures"}  # "node": nodes.csv


def _fields(package: dict, resource: str) -> dict[str, dict]:
    res = next(r for r in package["resources"] if r["name"] == resource)
    return {f["name"]: f for f in res["schema"]["fields"]}


def _values(field: dict, present: tuple = ()) -> str:
    """The values a column allows (``present``: those the data holds, for a column of free text)."""
    c = field.get("constraints") or {}
    if "enum" in c:
        return ", ".join(f"`{v}`" for v in c["enum"])
    kind = field.get("type", "string")
    if kind == "boolean":
        return "`true`, `false`"
    if kind in ("integer", "number"):
        bounds = f" from {c['minimum']}" if "minimum" in c else \
            f" above {c['exclusiveMinimum']}" if "exclusiveMinimum" in c else ""
        bounds += f" to {c['maximum']}" if "maximum" in c else ""
        return f"a {'whole ' if kind == 'integer' else ''}number{bounds}; also `min`, `max`, `before`, `after`"
    if present:
        return "text; in the data: " + ", ".join(f"`{v}`" for v in sorted(set(present)) if v)
    return "text"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def filters_markdown(data_dir: Path) -> str:
    """A Markdown table: every column a ``where`` filter can test, what it is and the values it allows."""
    data_dir = Path(data_dir)
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    studies = _fields(package, "studies")
    rows = ["| column | what it is | values |", "|---|---|---|"]
    for name, field in studies.items():
        if name in ("id", "citation"):
            continue  # a study is chosen by `ids`, not filtered by its citation
        rows.append(f"| `{name}` | {_cell(field.get('description', ''))} | {_values(field)} |")
    nodes = pd.read_csv(data_dir / "nodes.csv", dtype=str, keep_default_na=False)
    for name in ARM_FILTER_COLUMNS:
        if name == "node":
            what, values = "network node of any arm of the study", ", ".join(f"`{c}`" for c in nodes["code"])
        else:
            field = _fields(package, ARM_SOURCES[name])[name]
            table = pd.read_csv(data_dir / f"{ARM_SOURCES[name]}.csv", dtype=str, keep_default_na=False)
            what = f"{_cell(field.get('description', name))} (any arm of the study)"
            values = _values(field, tuple(table[name]))
        rows.append(f"| `{name}` | {what} | {values} |")
    return "\n".join(rows) + "\n"


def readme_section(data_dir: Path) -> str:
    """The README's copy of :func:`filters_markdown`, between its markers."""
    return f"{START}\n\n{filters_markdown(data_dir)}\n{END}"
