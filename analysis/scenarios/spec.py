"""Scenario files: their schema, and validation with file, line, field, value and what was expected.

A scenario (``scenarios/<id>.yaml``) is a declarative change to the analysis::

    id: lumbar-only                  # lower-case letters, digits and '-'
    title: Lumbar trials only
    description: What the scenario tests and why.
    assumptions: [optional list of assumptions the scenario makes, in words]
    operations:                      # applied in order
      - exclude_studies: {where: {spinal_region: [cervical, sacroiliac]}, reason: ...}
      - keep_studies: {where: {spinal_region: lumbar}}
      - add_study: {study: {...}, arms: [...], procedures: [...], outcomes: [...], responders: [...]}
      - correct_value: {table: studies, study: X, column: block_threshold, value: relief_over_80, source: ...}
      - split_node: {node: joint-rf, into: [{code: ..., category: ..., where: {...}}]}
      - merge_nodes: {nodes: [a, b], into: c, category: ...}
      - timepoint_rule: {ablation: 52, reason: ...}
      - mid: {pain: 1.0, reason: ...}

See ``scenarios/README.md`` for every field. :func:`parse_scenario` checks the
structure (it needs no dataset); :func:`analysis.scenarios.apply.apply_scenario`
checks the rest against the dataset (ids exist, values fit the tables' schema).
Every problem is reported, all together; nothing is written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import yaml

from analysis.certainty.rule_paths import PATH_RE
from analysis.dataset.issues import DatasetInvalid, ValidationIssue
from analysis.dataset.judgements import DOMAINS as JUDGED_DOMAINS
from analysis.dataset.judgements import ESTIMATE_PATTERN, RATINGS
from analysis.dataset.schema import AGENTS, MAX_WEEKS, MIN_WEEKS, STUDIES, TARGETS
from analysis.yamlines import dotted, line_of, load_with_lines

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")  # always fullmatch: "$" would let a trailing newline in
NODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
TOP_KEYS = {"id": True, "title": True, "description": True, "assumptions": False, "operations": True}
ARM_FILTER_COLUMNS = ("node", "target", "agent", "technique")  # any arm of the study (procedures/arms)
ROW_META = ("source", "sources", "assumed")  # per row of an added study: where each number comes from
TABLE_KEYS = {"studies": ("study",), "arms": ("study", "arm"), "procedures": ("study", "arm"),
              "outcomes": ("study", "arm", "outcome", "timepoint_weeks"),
              "responders": ("study", "arm", "outcome", "timepoint_weeks"),
              "adverse_events": ("study", "arm", "event")}
OPERATIONS = {
    # name: {key: required?}
    "exclude_studies": {"where": False, "ids": False, "reason": True},
    "keep_studies": {"where": True, "reason": True},
    "add_study": {"study": True, "arms": True, "procedures": True, "outcomes": False, "responders": False,
                  "nodes": False},
    "correct_value": {"table": True, "study": False, "where": False, "arm": False, "outcome": False, "timepoint_weeks": False,
                      "event": False, "column": True, "value": True, "was": False, "source": True},
    "split_node": {"node": True, "into": True},
    "merge_nodes": {"nodes": True, "into": True, "category": True},
    "timepoint_rule": {"injection": False, "ablation": False, "reason": True},
    "mid": {"pain": True, "reason": True},
    "rule": {"path": True, "value": True, "reason": True},  # a rule of settings/guideline.yaml by its path
    "judgement": {"estimate": True, "domain": True, "rating": True, "reason": True},  # data/judgements.csv
}
JUDGEMENT_RATINGS = (*RATINGS, "rule")  # "rule": remove the panel's judgement, the rule decides


@dataclass(frozen=True)
class ScenarioIssue(ValidationIssue):
    """A problem in a scenario file: ``row`` is the file line, ``column`` the field path."""

    row_label: ClassVar[str] = "line"
    column_label: ClassVar[str] = "field"


class ScenarioInvalid(DatasetInvalid):
    """The scenario has problems; ``issues`` lists them all. Nothing was written."""

    def __init__(self, issues: list[ValidationIssue], name: str = "the scenario"):
        super().__init__(issues)
        self.args = (f"{len(self.issues)} problem(s) in {name}; nothing was written:\n"
                     + "\n".join(i.format() for i in self.issues),)


@dataclass(frozen=True)
class Operation:
    kind: str
    spec: dict
    path: tuple  # path of the operation's mapping in the document
    line: int


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    description: str
    operations: tuple[Operation, ...]
    assumptions: tuple[str, ...] = ()
    file: str = "<inline>"
    lines: dict = field(default_factory=dict, repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)

    def line(self, path) -> int:
        return line_of(self.lines, tuple(path))

    def issue(self, path, value, expected: str) -> ScenarioIssue:
        return ScenarioIssue(self.file, self.line(path), dotted(path) or None, value, expected)


class _Collector:
    def __init__(self, file: str, lines: dict):
        self.file, self.lines, self.issues = file, lines, []

    def add(self, path, value, expected: str) -> None:
        shown = value if value is None or isinstance(value, (str, int, float, bool)) else _short(value)
        self.issues.append(ScenarioIssue(self.file, line_of(self.lines, tuple(path)), dotted(path) or None,
                                         shown, expected))


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_text(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def _mapping_keys(c: _Collector, spec, path, allowed: dict[str, bool], what: str) -> bool:
    if not isinstance(spec, dict):
        c.add(path, spec, f"a mapping for {what} with keys {', '.join(allowed)}")
        return False
    for k in spec:
        if k not in allowed:
            c.add(path + (k,), None, f"one of the keys {', '.join(allowed)} of {what} (unknown key '{k}')")
    for k, required in allowed.items():
        if required and k not in spec:
            c.add(path, None, f"the key '{k}' in {what}")
    return True


RANGE_KEYS = ("min", "max", "before", "after")  # numbers: min/max inclusive, before/after exclusive
TEST_KEYS = ("not", "missing")  # any column: none of these values; missing (empty or not reported) or not


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_where(c: _Collector, where, path, *, arm_level: bool = True) -> None:
    """A filter: ``column: value``, ``column: [values]``, or ``column: {not: value(s), missing: true/false}`` and,
    for numbers, ``{min:, max:, before:, after:}``; all columns must match."""
    if not isinstance(where, dict) or not where:
        c.add(path, where, "a non-empty mapping of column: value(s), e.g. {spinal_region: [cervical]}")
        return
    study_fields = {f.name: f for f in STUDIES.fields if f.name != "citation"}
    arm_enums = {"target": TARGETS, "agent": AGENTS, "technique": None, "node": None}
    for col, cond in where.items():
        p = path + (col,)
        if col not in study_fields and not (arm_level and col in arm_enums):
            allowed = sorted(study_fields) + (list(ARM_FILTER_COLUMNS) if arm_level else [])
            c.add(p, col, f"a column of studies.csv or an arm attribute: {', '.join(allowed)}")
            continue
        f = study_fields.get(col)
        enum = f.enum if f is not None else arm_enums.get(col)
        if not isinstance(cond, dict):
            _check_values(c, p, col, f, enum, cond)
            continue
        numeric = f is not None and f.type in ("integer", "number")
        bad = [k for k in cond if k not in TEST_KEYS and not (numeric and k in RANGE_KEYS)]
        if bad or not cond:
            keys = ", ".join((*TEST_KEYS, *(RANGE_KEYS if numeric else ())))
            c.add(p, _short(cond), f"for {col}, a value, a list of values, or a mapping of {keys}")
            continue
        for k, v in cond.items():
            if k in RANGE_KEYS and not _finite(v):
                c.add(p + (k,), v, f"a finite number for the {k} of {col}")
            elif k == "missing" and not isinstance(v, bool):
                c.add(p + (k,), v, "true (empty or not reported) or false (reported)")
            elif k == "not":
                _check_values(c, p + (k,), col, f, enum, v)


def _check_values(c: _Collector, p, col: str, f, enum, cond) -> None:
    """``cond``: a value of ``col`` or a non-empty list of them."""
    values = cond if isinstance(cond, list) else [cond]
    if not values:
        c.add(p, "[]", f"at least one value of {col}")
    for i, v in enumerate(values):
        q = p + (i,) if isinstance(cond, list) else p
        if f is not None and f.type == "boolean":
            if not isinstance(v, bool):
                c.add(q, v, f"true or false for {col}")
        elif f is not None and f.type in ("integer", "number"):
            if not _finite(v):
                c.add(q, v, f"a finite number for {col}")
        elif enum and v not in enum and v is not None:
            c.add(q, v, f"for {col}, one of {', '.join(enum)}")
        elif not enum and not _is_text(v):
            c.add(q, v, f"a text value for {col}")


def _check_rows(c: _Collector, rows, path, what: str, required: bool = True) -> None:
    if rows is None and not required:
        return
    if not isinstance(rows, list) or (required and not rows):
        c.add(path, _short(rows), f"a list of {what} rows (mappings of column: value)")
        return
    for i, row in enumerate(rows):
        _check_row(c, row, path + (i,), what)


def _check_row(c: _Collector, row, path, what: str) -> None:
    if not isinstance(row, dict):
        c.add(path, _short(row), f"a mapping of column: value for one {what} row")
        return
    for meta in ("sources", "assumed"):
        m = row.get(meta)
        if m is not None and (not isinstance(m, dict) or not all(_is_text(v) for v in m.values())):
            c.add(path + (meta,), _short(m), f"a mapping of column: text ({'where each number comes from' if meta == 'sources' else 'why the value is assumed'})")
    sources = row.get("sources") if isinstance(row.get("sources"), dict) else {}
    assumed = row.get("assumed") if isinstance(row.get("assumed"), dict) else {}
    has_row_source = _is_text(row.get("source"))
    for col, v in row.items():
        if col in ROW_META:
            continue
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        if number and not has_row_source and col not in sources and col not in assumed:
            c.add(path + (col,), v, f"a source for this number: a 'source' for the row, or sources.{col}, "
                  f"or assumed.{col} saying why it is assumed")
    for meta, m in (("sources", sources), ("assumed", assumed)):
        for col in m:
            if col not in row:
                c.add(path + (meta, col), col, f"a column given in this {what} row")


def _check_operation(c: _Collector, kind: str, spec, path) -> None:
    if not _mapping_keys(c, spec, path, OPERATIONS[kind], kind):
        return
    if kind in ("exclude_studies", "keep_studies"):
        if "where" in spec:
            check_where(c, spec["where"], path + ("where",))
        ids = spec.get("ids")
        if ids is not None and (not isinstance(ids, list) or not ids or not all(_is_text(i) for i in ids)):
            c.add(path + ("ids",), _short(ids), "a non-empty list of study ids")
        if kind == "exclude_studies" and "where" not in spec and ids is None:
            c.add(path, None, "'where' (a filter) or 'ids' (study ids) saying which studies to exclude")
    if "reason" in spec and not _is_text(spec["reason"]):
        c.add(path + ("reason",), spec["reason"], "a reason in words")
    if kind == "add_study":
        if isinstance(spec.get("study"), dict):
            _check_row(c, spec["study"], path + ("study",), "studies")
        elif "study" in spec:
            c.add(path + ("study",), _short(spec["study"]), "a mapping of the studies.csv columns")
        for part in ("arms", "procedures"):
            if part in spec:
                _check_rows(c, spec[part], path + (part,), part)
        for part in ("outcomes", "responders", "nodes"):
            if part in spec:
                _check_rows(c, spec[part], path + (part,), part, required=False)
    if kind == "correct_value":
        if ("study" in spec) == ("where" in spec):
            c.add(path, None, "either 'study' (one trial) or 'where' (a filter: every trial it selects), not both")
        if "where" in spec:
            check_where(c, spec["where"], path + ("where",))
        if spec.get("table") not in TABLE_KEYS and "table" in spec:
            c.add(path + ("table",), spec["table"], f"one of {', '.join(TABLE_KEYS)}")
        if "column" in spec and not _is_text(spec["column"]):
            c.add(path + ("column",), spec["column"], "a column name")
        if "source" in spec and not _is_text(spec["source"]):
            c.add(path + ("source",), spec["source"], "where the corrected value comes from")
    if kind == "split_node":
        if "node" in spec and not (isinstance(spec["node"], str) and NODE_RE.fullmatch(spec["node"])):
            c.add(path + ("node",), spec["node"], "a node code of nodes.csv")
        into = spec.get("into")
        if "into" in spec and (not isinstance(into, list) or not into):
            c.add(path + ("into",), _short(into), "a list of {code, category, where} for the new nodes")
        for i, part in enumerate(into if isinstance(into, list) else []):
            q = path + ("into", i)
            if _mapping_keys(c, part, q, {"code": True, "category": True, "where": True}, "a new node"):
                if "code" in part and not (isinstance(part["code"], str) and NODE_RE.fullmatch(part["code"])):
                    c.add(q + ("code",), part["code"], "a node code of letters, digits, '_', '-' or '.'")
                if "category" in part and not _is_text(part["category"]):
                    c.add(q + ("category",), part["category"], "the new node's name in words")
                if "where" in part:
                    check_where(c, part["where"], q + ("where",))
    if kind == "merge_nodes":
        nodes = spec.get("nodes")
        if "nodes" in spec and (not isinstance(nodes, list) or len(nodes) < 2
                                or not all(isinstance(n, str) for n in nodes)):
            c.add(path + ("nodes",), _short(nodes), "a list of at least two node codes")
        if "into" in spec and not (isinstance(spec["into"], str) and NODE_RE.fullmatch(spec["into"])):
            c.add(path + ("into",), spec["into"], "a node code of letters, digits, '_', '-' or '.'")
        if "category" in spec and not _is_text(spec["category"]):
            c.add(path + ("category",), spec["category"], "the merged node's name in words")
    if kind == "timepoint_rule":
        if "injection" not in spec and "ablation" not in spec:
            c.add(path, None, "'injection' and/or 'ablation': the latest follow-up (weeks) to use")
        for k in ("injection", "ablation"):
            v = spec.get(k)
            if k in spec and not (_finite(v) and MIN_WEEKS <= v <= MAX_WEEKS):
                c.add(path + (k,), v, f"a number of weeks from {MIN_WEEKS:g} to {MAX_WEEKS:g}")
    if kind == "rule" and "path" in spec and not (isinstance(spec["path"], str) and PATH_RE.fullmatch(spec["path"])):
        c.add(path + ("path",), _short(spec["path"]), "a dotted path into settings/guideline.yaml, e.g. "
              "risk_of_bias.serious_share")
    if kind == "judgement":
        est = spec.get("estimate")
        if "estimate" in spec and not (isinstance(est, str) and re.fullmatch(ESTIMATE_PATTERN, est)):
            c.add(path + ("estimate",), _short(spec["estimate"]), "an estimate: outcome/population/procedure code, "
                  "e.g. pain/axial/joint-rf")
        if "domain" in spec and spec["domain"] not in JUDGED_DOMAINS:
            c.add(path + ("domain",), _short(spec["domain"]), f"one of {', '.join(JUDGED_DOMAINS)}")
        if "rating" in spec and spec["rating"] not in JUDGEMENT_RATINGS:
            c.add(path + ("rating",), _short(spec["rating"]), f"one of {', '.join(JUDGEMENT_RATINGS)} (rule: remove "
                  "the panel's judgement, so that the rule decides)")
    if kind == "mid":
        v = spec.get("pain")
        if "pain" in spec and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 10):
            c.add(path + ("pain",), v, "the pain MID in cm on the 10 cm scale, > 0 and <= 10")


def parse_scenario(text: str, file: str = "<inline>") -> Scenario:
    """Check the structure of a scenario given as YAML text; raises :class:`ScenarioInvalid`."""
    try:
        data, lines, dup = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioInvalid([ScenarioIssue(file, line, None, None, f"valid YAML ({problem})")], file) from None
    return scenario_from_data(data, file, lines, dup, text)


def scenario_from_data(data, file: str = "<inline>", lines: dict | None = None, dup=(), text: str = "") -> Scenario:
    """Check an already parsed scenario (e.g. written inline in a letter); raises :class:`ScenarioInvalid`."""
    lines = lines or {}
    c = _Collector(file, lines)
    for line, problem in dup:
        c.issues.append(ScenarioIssue(file, line, None, None, f"unique keys ({problem})"))
    if not isinstance(data, dict):
        c.add((), _short(data), "a YAML mapping with id, title, description and operations")
        raise ScenarioInvalid(c.issues, file)
    _mapping_keys(c, data, (), TOP_KEYS, "a scenario")
    sid = data.get("id")
    if "id" in data and not (isinstance(sid, str) and ID_RE.fullmatch(sid)):
        c.add(("id",), sid, "an id of lower-case letters, digits and '-' (it names the results directory)")
    for k in ("title", "description"):
        if k in data and not _is_text(data[k]):
            c.add((k,), data[k], f"a {k} in words")
    assumptions = data.get("assumptions") or []
    if not isinstance(assumptions, list) or not all(_is_text(a) for a in assumptions):
        c.add(("assumptions",), _short(assumptions), "a list of assumptions, each in words")
        assumptions = []
    ops_raw = data.get("operations")
    ops: list[Operation] = []
    if "operations" in data and (not isinstance(ops_raw, list) or not ops_raw):
        c.add(("operations",), _short(ops_raw), f"a non-empty list of operations: {', '.join(OPERATIONS)}")
    for i, op in enumerate(ops_raw if isinstance(ops_raw, list) else []):
        path = ("operations", i)
        if not isinstance(op, dict) or len(op) != 1:
            c.add(path, _short(op), f"a mapping with exactly one operation: {', '.join(OPERATIONS)}")
            continue
        (kind, spec), = op.items()
        if kind not in OPERATIONS:
            c.add(path + (kind,), kind, f"an operation: {', '.join(OPERATIONS)}")
            continue
        _check_operation(c, kind, spec, path + (kind,))
        ops.append(Operation(kind, spec, path + (kind,), line_of(lines, path + (kind,))))
    if c.issues:
        raise ScenarioInvalid(c.issues, file)
    return Scenario(id=sid, title=data["title"].strip(), description=data["description"].strip(),
                    operations=tuple(ops), assumptions=tuple(a.strip() for a in assumptions), file=file,
                    lines=lines, text=text)


def load_scenario(path: Path | str) -> Scenario:
    """Read and check the structure of a scenario file; raises :class:`ScenarioInvalid`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioInvalid([ScenarioIssue(str(path), None, None, None, "an existing scenario file")],
                              str(path)) from None
    except UnicodeDecodeError as exc:
        raise ScenarioInvalid([ScenarioIssue(str(path), None, None, None, f"UTF-8 text ({exc.reason})")],
                              str(path)) from None
    return parse_scenario(text, str(path))
