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

NOT_A_FILE = "a regular file (not a directory, pipe or device)"


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
    if path.exists() and not path.is_file():
        return None, [ValidationIssue(display, None, None, None, NOT_A_FILE)]
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark (some spreadsheets write one) is not data
    except FileNotFoundError:
        return None, [ValidationIssue(display, None, None, None, "the file to exist (it is listed in the package)")]
    except UnicodeDecodeError as e:
        return None, [ValidationIssue(display, None, None, None, f"UTF-8 text ({e.reason} at byte {e.start})")]
    except OSError as e:
        return None, [ValidationIssue(display, None, None, None, f"a readable file ({e.strerror or e})")]
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
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:  # a row would keep only the last of the two cells, silently
        return None, [ValidationIssue(display, records[0][0], h, None, "each column named once in the header")
                      for h in twice]
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


def _descriptor_issues(path: Path, display: str) -> list[ValidationIssue]:
    """The problems of ``datapackage.json``: unreadable, not JSON (nested too deep, a key given twice), or not
    describing every required table."""
    def unique(pairs):
        keys = [k for k, _ in pairs]
        twice.extend(k for k in dict.fromkeys(keys) if keys.count(k) > 1)
        return dict(pairs)

    twice: list[str] = []
    try:
        if not path.is_file():
            return [ValidationIssue(display, None, None, None, NOT_A_FILE)]
        found = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=unique)
    except UnicodeDecodeError as e:
        return [ValidationIssue(display, None, None, None, f"UTF-8 text ({e.reason} at byte {e.start})")]
    except json.JSONDecodeError as e:
        return [ValidationIssue(display, e.lineno, None, None, f"valid JSON ({e.msg}, column {e.colno})")]
    except RecursionError:
        return [ValidationIssue(display, None, None, None, "JSON nested to a reasonable depth")]
    except OSError as e:
        return [ValidationIssue(display, None, None, None, f"a readable file ({e.strerror or e})")]
    if twice:  # JSON readers keep the last of two keys, silently
        return [ValidationIssue(display, None, key, None, "each key once in its object") for key in twice]
    issues = descriptor_problems(found, display)
    if isinstance(found, dict) and isinstance(found.get("resources"), list):
        names = {r.get("name") for r in found["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}
        issues += [ValidationIssue(display, None, "resources", None, f"a resource named '{t.name}'")
                   for t in TABLES if t.name not in names]
    return issues


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
        pkg.issues.extend(_descriptor_issues(descriptor, pkg.display(DESCRIPTOR_FILE)))
    for t in TABLES:
        table, issues = read_csv(root / t.filename, pkg.display(t.filename))
        pkg.issues.extend(issues)
        if table is not None:
            pkg.tables[t.name] = table
    gpath = root / GUIDELINE_FILE
    if gpath.exists() and not gpath.is_file():
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), None, None, None, NOT_A_FILE))
        return pkg
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
    except OSError as e:
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), None, None, None, f"a readable file ({e})"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        pkg.issues.append(YamlIssue(pkg.display(GUIDELINE_FILE), mark.line + 1 if mark else None, None, None,
                                    f"valid YAML ({getattr(e, 'problem', None) or e})"))
    return pkg
