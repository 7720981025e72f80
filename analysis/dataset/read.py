"""Read the package files as text, without interpreting any value.

Every cell is kept as the exact string in the file so that the validator can
quote it back. Nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.dataset.descriptor_check import descriptor_problems
from analysis.dataset.issues import ValidationIssue, YamlIssue
from analysis.dataset.schema import DESCRIPTOR_FILE, GUIDELINE_FILE, TABLES
from analysis.yamlines import load_with_lines


@dataclass
class RawTable:
    """A CSV file as rows of strings; ``lines[i]`` is the file line number of ``rows[i]``."""

    display: str
    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


@dataclass
class RawPackage:
    root: Path
    tables: dict[str, RawTable] = field(default_factory=dict)
    guideline: dict | None = None
    guideline_lines: dict = field(default_factory=dict)  # {path in the YAML: line}, to locate its problems
    issues: list[ValidationIssue] = field(default_factory=list)

    def display(self, filename: str) -> str:
        return f"{self.root.name}/{filename}"


def read_csv(path: Path, display: str) -> tuple[RawTable | None, list[ValidationIssue]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark (some spreadsheets write one) is not data
    except FileNotFoundError:
        return None, [ValidationIssue(display, None, None, None, "the file to exist (it is listed in the package)")]
    except UnicodeDecodeError as e:
        return None, [ValidationIssue(display, None, None, None, f"UTF-8 text ({e.reason} at byte {e.start})")]
    records = []  # (the file line the record starts on, its cells); a quoted cell may hold line breaks
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        end = 0
        for rec in reader:
            records.append((end + 1, rec))
            end = reader.line_num
    except csv.Error as e:
        return None, [ValidationIssue(display, reader.line_num, None, None, f"well-formed CSV ({e})")]
    if not records:
        return None, [ValidationIssue(display, 1, None, None, "a header line naming the columns")]
    header = [h.strip() for h in records[0][1]]
    rows, lines, issues = [], [], []
    for i, rec in records[1:]:
        if not any(c.strip() for c in rec):
            continue
        if len(rec) != len(header):
            issues.append(ValidationIssue(display, i, None, f"{len(rec)} cells",
                                    f"{len(header)} cells, one per column of the header"))
            continue
        rows.append({h: c.strip() for h, c in zip(header, rec)})
        lines.append(i)
    return RawTable(display, header, rows, lines), issues


def read_package(root: Path) -> RawPackage:
    root = Path(root)
    pkg = RawPackage(root)
    if not root.is_dir():
        pkg.issues.append(ValidationIssue(str(root), None, None, None, "a directory holding the data package"))
        return pkg
    descriptor = root / DESCRIPTOR_FILE
    if not descriptor.exists():
        pkg.issues.append(ValidationIssue(pkg.display(DESCRIPTOR_FILE), None, None, None,
                                    "a Frictionless datapackage.json describing the tables"))
    else:
        try:
            found = json.loads(descriptor.read_text(encoding="utf-8"))
            problems = descriptor_problems(found, pkg.display(DESCRIPTOR_FILE))
            if isinstance(found, dict) and isinstance(found.get("resources"), list):
                names = {r.get("name") for r in found["resources"] if isinstance(r, dict)}
                for t in TABLES:
                    if t.name not in names:
                        pkg.issues.append(ValidationIssue(pkg.display(DESCRIPTOR_FILE), None, "resources", None,
                                                          f"a resource named '{t.name}'"))
            pkg.issues.extend(problems)
        except (json.JSONDecodeError, AttributeError) as e:
            pkg.issues.append(ValidationIssue(pkg.display(DESCRIPTOR_FILE), None, None, None, f"valid JSON ({e})"))
    for t in TABLES:
        table, issues = read_csv(root / t.filename, pkg.display(t.filename))
        pkg.issues.extend(issues)
        if table is not None:
            pkg.tables[t.name] = table
    gpath = root / GUIDELINE_FILE
    try:
        pkg.guideline, pkg.guideline_lines, duplicates = load_with_lines(gpath.read_text(encoding="utf-8"))
        for line, problem in duplicates:  # a plain loader keeps the last of two keys, silently
            pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), line, None, None,
                                              f"unique keys ({problem})"))
        if not isinstance(pkg.guideline, dict):
            pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), None, None, None, "a YAML mapping"))
            pkg.guideline = None
    except FileNotFoundError:
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), None, None, None,
                                    "the file to exist (MIDs, timepoint rules, harms)"))
    except UnicodeDecodeError as e:
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), None, None, None,
                                    f"UTF-8 text (byte {e.start} is not)"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), mark.line + 1 if mark else None, None, None,
                                    f"valid YAML ({getattr(e, 'problem', None) or e})"))
    return pkg
