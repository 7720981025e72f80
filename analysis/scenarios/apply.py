"""``apply_scenario``: the dataset as a scenario would have it, in memory; data/ is never modified.

Pure and cheap (a copy of the typed tables, the operations in order, the
dataset's own row checks on the result), so that robustness analyses can apply
many scenarios. Rows a scenario adds carry their provenance: the analysis
tables name the scenario file and line as their source, and every number's
source (or the reason it is assumed) is kept in :attr:`ScenarioDataset.sources`.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from analysis.certainty.rule_paths import RulePathError, check_rule_value, rule_value, with_rule
from analysis.dataset.fields import parse_cell, typed_table
from analysis.dataset.loader import Dataset, _public, load_dataset
from analysis.dataset.optional_tables import RESPONDERS
from analysis.dataset.read import RawTable
from analysis.dataset.responders import row_checks
from analysis.dataset.schema import TABLE_BY_NAME
from analysis.dataset.validate import CROSS_CHECKS
from analysis.scenarios.spec import (
    ARM_FILTER_COLUMNS,
    RANGE_KEYS,
    ROW_META,
    TABLE_KEYS,
    Operation,
    Scenario,
    ScenarioInvalid,
    ScenarioIssue,
    load_scenario,
)
from analysis.yamlines import dotted

OFFSET = 10_000_000  # _line of rows a scenario adds: OFFSET + k (k indexes ScenarioDataset.origins)
SPECS = {**TABLE_BY_NAME, "responders": RESPONDERS}
ADD_PARTS = (("study", "studies"), ("nodes", "nodes"), ("arms", "arms"), ("procedures", "procedures"),
             ("outcomes", "outcomes"), ("responders", "responders"))


@dataclass
class ScenarioDataset(Dataset):
    """A :class:`Dataset` under a scenario; ``log`` says what each operation did."""

    scenario_id: str = ""
    scenario_file: str = ""
    log: list = field(default_factory=list)  # one line of text per operation
    sources: list = field(default_factory=list)  # dicts: table, study, arm, column, value, source, assumed
    origins: dict = field(default_factory=dict, repr=False)  # k -> scenario file line of an added row
    rule_changes: list = field(default_factory=list)  # (path, old, new) per rule of settings/guideline.yaml
    judgement_changes: list = field(default_factory=list)  # (estimate, domain, old, new); "rule": no judgement
    no_ops: list = field(default_factory=list)  # (operation index, kind, why): operations that change nothing
    n_operations: int = 0

    @property
    def reproduces_guideline(self) -> bool:
        """Every operation changes nothing: the scenario is the guideline's own analysis."""
        return self.n_operations > 0 and len({i for i, _, _ in self.no_ops}) == self.n_operations

    def rules(self, rules: dict) -> dict:
        """The project's ``rules`` with this scenario's rule changes in force."""
        for path, _, new in self.rule_changes:
            rules = with_rule(rules, path, new)
        return rules

    def source_of(self, file: str, row: int) -> tuple[str, int]:
        return (self.scenario_file, self.origins[row - OFFSET]) if row >= OFFSET else (file, row)

    def _relabel(self, frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or "source_row" not in frame:
            return frame
        added = frame["source_row"] >= OFFSET
        if added.any():
            frame = frame.copy()
            frame.loc[added, "source_file"] = self.scenario_file
            frame.loc[added, "source_row"] = [self.origins[int(r) - OFFSET] for r in frame.loc[added, "source_row"]]
        return frame

    def analysis_arms(self, outcome: str = "pain", population: str = "axial") -> pd.DataFrame:
        return self._relabel(super().analysis_arms(outcome, population))

    def responder_arms(self, population: str = "axial", outcome: str = "pain_responder") -> pd.DataFrame:
        return self._relabel(super().responder_arms(population, outcome))


class _State:
    def __init__(self, ds: Dataset, sc: Scenario, rules: dict | None):
        self.ds, self.sc, self.rules = ds, sc, rules
        self.rule_changes: list[tuple] = []
        self.judgement_changes: list[tuple] = []
        self.no_ops: list[tuple] = []  # (operation index, kind, why) of operations that change nothing
        self.tables = {k: v.copy() for k, v in ds._tables.items()}
        if "responders" not in self.tables:
            self.tables["responders"] = pd.DataFrame(columns=["_line", *RESPONDERS.columns])
        self.guideline = copy.deepcopy(ds.guideline)
        self.issues: list[ScenarioIssue] = []
        self.log: list[str] = []
        self.sources: list[dict] = []
        self.origins: dict[int, int] = {}
        self.origin_paths: dict[int, tuple] = {}  # k -> path of the added row in the scenario
        self.touched: dict[tuple[str, int], tuple] = {}  # (table, _line) -> path of the operation

    def issue(self, path, value, expected):
        self.issues.append(self.sc.issue(path, value, expected))

    def no_op(self, op: Operation, why: str) -> None:
        """``op`` changes nothing: the guideline's analysis already does what it asks."""
        self.no_ops.append((op.path[1], op.kind, why))
        self.log.append(f"{op.kind}: no change ({why})")

    # -- filters -------------------------------------------------------------------------------------------
    def matching_studies(self, where: dict) -> set[str]:
        st = self.tables["studies"]
        ok = pd.Series(True, index=st.index)
        for col, cond in where.items():
            if col in ARM_FILTER_COLUMNS:
                ok &= st["id"].isin(self.studies_with_arm(col, cond))
            else:
                ok &= st[col].map(lambda v, c=cond: _matches(v, c))
        return set(st.loc[ok, "id"])

    def studies_with_arm(self, col: str, cond) -> set[str]:
        arms = self.arm_frame()
        return set(arms.loc[arms[col].map(lambda v: _matches(v, cond)), "study"])

    def arm_frame(self) -> pd.DataFrame:
        """Arms with their node (``node``) and procedure attributes (target, agent, technique)."""
        arms = self.tables["arms"][["study", "arm", "procedure", "_line"]].rename(columns={"procedure": "node"})
        proc = self.tables["procedures"][["study", "arm", "target", "agent", "technique"]]
        return arms.merge(proc, on=["study", "arm"], how="left")

    def arm_matches(self, where: dict) -> pd.Series:
        """Per row of arms.csv: does the arm (its own attributes, its study's columns) match ``where``?"""
        arms = self.arm_frame()
        st = self.tables["studies"].set_index("id")
        ok = pd.Series(True, index=arms.index)
        for col, cond in where.items():
            if col in ARM_FILTER_COLUMNS:
                ok &= arms[col].map(lambda v, c=cond: _matches(v, c))
            else:
                ok &= arms["study"].map(lambda s, c=col, k=cond: s in st.index and _matches(st.at[s, c], k))
        ok.index = self.tables["arms"].index
        return ok

    def remove_studies(self, ids: set[str]) -> None:
        for name, frame in self.tables.items():
            col = "id" if name == "studies" else ("study" if "study" in frame.columns else None)
            if col is not None:
                self.tables[name] = frame[~frame[col].isin(ids)].reset_index(drop=True)


NOT_REPORTED = "not_reported"  # the enumerated value of a column the trial did not report


def _matches(value, cond) -> bool:
    """Does a cell match a filter's condition (spec.check_where says which conditions there are)?"""
    if not isinstance(cond, dict):
        return value in (cond if isinstance(cond, list) else [cond])
    missing = value is None or value == NOT_REPORTED
    if "missing" in cond and cond["missing"] != missing:
        return False
    if "not" in cond and value in (cond["not"] if isinstance(cond["not"], list) else [cond["not"]]):
        return False
    if any(k in cond for k in RANGE_KEYS):
        if value is None:
            return False
        return ((cond.get("min") is None or value >= cond["min"]) and (cond.get("max") is None or value <= cond["max"])
                and (cond.get("before") is None or value < cond["before"])
                and (cond.get("after") is None or value > cond["after"]))
    return True


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _ids(ids) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:12]) + (f" and {len(ids) - 12} more" if len(ids) > 12 else "") if ids else "none"


# -- operations ----------------------------------------------------------------------------------------------
def op_exclude(s: _State, op: Operation) -> None:
    spec = op.spec
    ids: set[str] = set()
    if "where" in spec:
        ids |= s.matching_studies(spec["where"])
    known = set(s.tables["studies"]["id"])
    for i, sid in enumerate(spec.get("ids") or []):
        if sid not in known:
            s.issue(op.path + ("ids", i), sid, "the id of a study in the dataset (studies.csv)")
        ids.add(sid)
    ids &= known
    if not ids:
        s.no_op(op, "no trial in the analysis matches")
    s.remove_studies(ids)
    s.log.append(f"excluded {len(ids)} studies ({spec['reason'].strip()}): {_ids(ids)}")


def op_keep(s: _State, op: Operation) -> None:
    keep = s.matching_studies(op.spec["where"])
    drop = set(s.tables["studies"]["id"]) - keep
    if not drop:
        s.no_op(op, "every trial in the analysis already matches")
    s.remove_studies(drop)
    s.log.append(f"kept {len(keep)} studies, excluded {len(drop)} ({op.spec['reason'].strip()})")


def op_add_study(s: _State, op: Operation) -> None:
    spec = op.spec
    study = spec["study"]
    sid = study.get("id")
    if sid in set(s.tables["studies"]["id"]):
        s.issue(op.path + ("study", "id"), sid, "a study id not already in the dataset")
        return
    for part, table in ADD_PARTS:
        rows = spec.get(part)
        if rows is None:
            continue
        rows = [rows] if part == "study" else rows
        tspec = SPECS[table]
        raw_rows, lines = [], []
        for i, row in enumerate(rows):
            path = op.path + ((part,) if part == "study" else (part, i))
            for col in row:
                if col not in tspec.columns and col not in ROW_META:
                    s.issue(path + (col,), col, f"a column of {tspec.filename}: {', '.join(tspec.columns)}")
            values = {c: row.get(c) for c in tspec.columns}
            unreported = [f.name for f in tspec.fields
                          if f.name not in row and f.required and f.enum and NOT_REPORTED in f.enum]
            for c in unreported:  # what the letter does not report is said to be not reported, not guessed
                values[c] = NOT_REPORTED
                s.sources.append({"table": table, "study": sid, "arm": row.get("arm", ""), "column": c,
                                  "value": NOT_REPORTED, "source": "not reported (the scenario gives no value)",
                                  "assumed": False})
            if unreported:
                s.log.append(f"{sid}: not reported, so recorded as not_reported: {', '.join(unreported)}")
            if table == "responders" and values.get("source") is None:
                values["source"] = _provenance_text(row)
            if table != "studies" and table != "nodes" and values.get("study") is None:
                values["study"] = sid
            k = len(s.origins)
            s.origins[k], s.origin_paths[k] = s.sc.line(path), path
            raw_rows.append({c: _text(v) for c, v in values.items()})
            lines.append(OFFSET + k)
            _record_sources(s, table, row, values, sid)
        raw = RawTable(s.sc.file, tspec.columns, raw_rows, lines)
        frame, found = typed_table(tspec, raw)
        for iss in found:
            i = lines.index(iss.row) if iss.row in lines else 0
            path = (op.path + (part,) if part == "study" else op.path + (part, i)) + ((iss.column,) if iss.column else ())
            s.issues.append(ScenarioIssue(s.sc.file, s.sc.line(path), dotted(path), iss.value, iss.expected))
        s.tables[table] = pd.concat([s.tables[table], frame], ignore_index=True).astype(object)
        s.tables[table] = s.tables[table].where(s.tables[table].notna(), None)
    s.log.append(f"added study {sid}: {study.get('citation', '')}".strip())


def _provenance_text(row: dict) -> str:
    text = str(row.get("source") or "")
    assumed = row.get("assumed") or {}
    if assumed:
        text += ("; " if text else "") + "; ".join(f"ASSUMED {c}: {why}" for c, why in assumed.items())
    return text


def _record_sources(s: _State, table: str, row: dict, values: dict, sid) -> None:
    sources, assumed = row.get("sources") or {}, row.get("assumed") or {}
    for col, v in row.items():
        if col in ROW_META or v is None:
            continue
        if col in assumed:
            src, is_assumed = assumed[col], True
        else:
            src, is_assumed = sources.get(col, row.get("source") or ""), False
        s.sources.append({"table": table, "study": values.get("study") or values.get("id") or sid,
                          "arm": values.get("arm") or "", "column": col, "value": _text(v), "source": src,
                          "assumed": is_assumed})


def op_correct(s: _State, op: Operation) -> None:
    spec = op.spec
    name = spec["table"]
    frame = s.tables[name]
    tspec = SPECS[name]
    col = spec["column"]
    if col not in tspec.columns:
        s.issue(op.path + ("column",), col, f"a column of {tspec.filename}: {', '.join(tspec.columns)}")
        return
    key_cols = {"study": "id" if name == "studies" else "study"}
    mask = pd.Series(True, index=frame.index)
    if "where" in spec:
        mask &= frame[key_cols["study"]].isin(s.matching_studies(spec["where"]))
    for k in ("study", "arm", "outcome", "timepoint_weeks", "event"):
        if k not in spec:
            continue
        c = key_cols.get(k, k)
        if c not in frame.columns:
            s.issue(op.path + (k,), spec[k], f"only the keys {', '.join(TABLE_KEYS[name])} for {name}")
            return
        mask &= frame[c].map(lambda v, want=spec[k]: v == want or _text(v) == _text(want))
    if not mask.any():
        what = [f"{k} = {_text(spec[k])}" for k in ("study", "arm", "outcome", "timepoint_weeks", "event") if k in spec]
        if "where" in spec:
            what.insert(0, "the filter")
        s.issue(op.path + (("where",) if "where" in spec else ()), _text(spec.get("study")),
                f"a row of {tspec.filename} matching " + ", ".join(what))
        return
    f = tspec.field(col)
    value, ok = parse_cell(f, _text(spec["value"]))
    if not ok:
        s.issue(op.path + ("value",), _text(spec["value"]), f.expected() if _text(spec["value"]) else
                f"a value ({col} is required)")
        return
    if "was" in spec:
        was, _ = parse_cell(f, _text(spec["was"]))
        found = sorted({_text(v) for v in frame.loc[mask, col]})
        if any(v != was for v in frame.loc[mask, col]):
            s.issue(op.path + ("was",), _text(spec["was"]), f"the value in the dataset ({', '.join(found)})")
            return
    old = sorted({_text(v) for v in frame.loc[mask, col]})
    if old == [_text(value)]:
        s.no_op(op, "the dataset already holds this value")
        return
    frame = frame.copy()
    frame.loc[mask, col] = value
    s.tables[name] = frame
    for line in frame.loc[mask, "_line"]:
        s.touched[(tspec.filename, int(line))] = op.path
    studies = sorted(set(frame.loc[mask, key_cols["study"]]))
    for study in studies:
        s.sources.append({"table": name, "study": study, "arm": spec.get("arm", ""), "column": col,
                          "value": _text(value), "source": spec["source"], "assumed": False})
    who = (f"{spec['study']}{'/' + spec['arm'] if 'arm' in spec else ''}" if "study" in spec else
           f"the {len(studies)} studies the filter selects ({_ids(studies)})")
    s.log.append(f"corrected {name}.{col} of {who} ({int(mask.sum())} row(s)): {', '.join(old) or 'empty'} -> "
                 f"{_text(value)} (source: {spec['source'].strip()})")


def _node_kind(s: _State, code: str):
    nodes = s.tables["nodes"]
    hit = nodes.loc[nodes["code"] == code, "kind"]
    return None if hit.empty else hit.iloc[0]


def _add_node(s: _State, code: str, category: str, kind: str) -> None:
    k = len(s.origins)
    s.origins[k] = 0
    row = pd.DataFrame([{"_line": OFFSET + k, "code": code, "category": category, "kind": kind}])
    s.tables["nodes"] = pd.concat([s.tables["nodes"], row], ignore_index=True).astype(object)


def op_split(s: _State, op: Operation) -> None:
    node = op.spec["node"]
    kind = _node_kind(s, node)
    if kind is None:
        s.issue(op.path + ("node",), node, "a node code of nodes.csv: " + ", ".join(sorted(s.tables["nodes"]["code"])))
        return
    arms = s.tables["arms"].copy()
    todo = arms["procedure"] == node
    counts = []
    for i, part in enumerate(op.spec["into"]):
        code = part["code"]
        if _node_kind(s, code) is not None:
            s.issue(op.path + ("into", i, "code"), code, "a new node code (not already in nodes.csv)")
            continue
        hit = todo & s.arm_matches(part["where"])
        arms.loc[hit, "procedure"] = code
        for line in arms.loc[hit, "_line"]:
            s.touched[("arms.csv", int(line))] = op.path
        todo &= ~hit
        _add_node(s, code, part["category"].strip(), kind)
        counts.append(f"{int(hit.sum())} arm(s) to {code}")
    s.tables["arms"] = arms
    s.log.append(f"split {node}: " + "; ".join(counts) + f"; {int(todo.sum())} arm(s) stay in {node}")


def op_merge(s: _State, op: Operation) -> None:
    nodes, into = op.spec["nodes"], op.spec["into"]
    kinds = {}
    for i, n in enumerate(nodes):
        kinds[n] = _node_kind(s, n)
        if kinds[n] is None:
            s.issue(op.path + ("nodes", i), n, "a node code of nodes.csv: " + ", ".join(sorted(s.tables["nodes"]["code"])))
    if None in kinds.values():
        return
    arms = s.tables["arms"].copy()
    hit = arms["procedure"].isin(nodes)
    arms.loc[hit, "procedure"] = into
    for line in arms.loc[hit, "_line"]:
        s.touched[("arms.csv", int(line))] = op.path
    s.tables["arms"] = arms
    kind = "ablation" if "ablation" in kinds.values() else ("injection" if "injection" in kinds.values() else "control")
    keep = s.tables["nodes"][~s.tables["nodes"]["code"].isin([*nodes, into])]
    s.tables["nodes"] = keep.reset_index(drop=True)
    _add_node(s, into, op.spec["category"].strip(), kind)
    s.log.append(f"merged {', '.join(nodes)} into {into} ({int(hit.sum())} arms; kind {kind})")


def op_timepoint(s: _State, op: Operation) -> None:
    rules = s.guideline.setdefault("timepoint_rules", {})
    if all((rules.get(k) or {}).get("max_weeks") == op.spec[k] for k in ("injection", "ablation") if k in op.spec):
        s.no_op(op, "the guideline already uses this follow-up")
        return
    done = []
    for k in ("injection", "ablation"):
        if k in op.spec:
            old = (rules.get(k) or {}).get("max_weeks")
            rules[k] = {**(rules.get(k) or {}), "max_weeks": op.spec[k],
                        "rule": f"scenario: latest follow-up not exceeding {op.spec[k]} weeks"}
            done.append(f"{k} {old} -> {op.spec[k]} weeks")
    s.log.append(f"timepoint rule: {'; '.join(done)} ({op.spec['reason'].strip()})")


def op_mid(s: _State, op: Operation) -> None:
    mids = s.guideline.setdefault("mids", {})
    old = (mids.get("pain") or {}).get("value")
    if old == float(op.spec["pain"]):
        s.no_op(op, "the guideline already uses this minimal important difference")
        return
    mids["pain"] = {**(mids.get("pain") or {}), "value": float(op.spec["pain"]),
                    "source": f"scenario: {op.spec['reason'].strip()}"}
    s.log.append(f"pain MID {old} -> {op.spec['pain']} cm ({op.spec['reason'].strip()})")


def op_rule(s: _State, op: Operation) -> None:
    path, value = op.spec["path"], op.spec["value"]
    if s.rules is None:
        s.issue(op.path, path, "no rule change here: this scenario is applied without the project's rules")
        return
    try:
        old = rule_value(s.rules, path)
        check_rule_value(s.rules, path, value)
    except RulePathError as exc:
        s.issue(op.path + (("path",) if "rule of" in str(exc) or "dotted" in str(exc) else ("value",)),
                path if "rule of" in str(exc) else value, str(exc))
        return
    if old == value:
        s.no_op(op, "the rule already has this value")
        return
    s.rules = with_rule(s.rules, path, value)
    s.rule_changes.append((path, old, value))
    s.log.append(f"rule {path}: {_rule_text(old)} -> {_rule_text(value)} ({op.spec['reason'].strip()})")


def op_judgement(s: _State, op: Operation) -> None:
    est, domain, rating = op.spec["estimate"], op.spec["domain"], op.spec["rating"]
    table = s.tables.get("judgements")
    if table is None:
        table = pd.DataFrame(columns=["_line", "estimate", "domain", "rating", "rationale"])
    hit = (table["estimate"] == est) & (table["domain"] == domain)
    old = str(table.loc[hit, "rating"].iloc[0]) if hit.any() else "rule"
    if rating == "rule" and not hit.any():
        judged = sorted(f"{e} {d}" for e, d in zip(table["estimate"], table["domain"]))
        s.issue(op.path + ("estimate",), est, "an estimate and domain the panel judged (data/judgements.csv): "
                + (", ".join(judged) or "none"))
        return
    if est.rsplit("/", 1)[-1] not in set(s.tables["nodes"]["code"]):
        s.issue(op.path + ("estimate",), est, "a procedure code of nodes.csv after the last '/'")
        return
    if old == rating:
        s.no_op(op, "the panel's judgement already says this")
        return
    table = table[~hit]
    if rating != "rule":
        k = len(s.origins)
        s.origins[k], s.origin_paths[k] = s.sc.line(op.path), op.path
        row = {"_line": OFFSET + k, "estimate": est, "domain": domain, "rating": rating,
               "rationale": f"{op.spec['reason'].strip()} (scenario {s.sc.id}, not the panel)"}
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    s.tables["judgements"] = table.reset_index(drop=True)
    s.judgement_changes.append((est, domain, old, rating))
    s.log.append(f"judgement {est} {domain}: {old} -> {rating} ({op.spec['reason'].strip()})")


def _rule_text(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(_rule_text, value)) + "]"
    return "null" if value is None else _text(value)


APPLY = {"exclude_studies": op_exclude, "keep_studies": op_keep, "add_study": op_add_study,
         "correct_value": op_correct, "split_node": op_split, "merge_nodes": op_merge,
         "timepoint_rule": op_timepoint, "mid": op_mid, "rule": op_rule, "judgement": op_judgement}


def _row_issues(s: _State) -> None:
    """The dataset's own row checks on the result, reported against the scenario."""
    display = lambda name: f"{s.ds.path.name}/{name}"  # noqa: E731
    found = [i for check in CROSS_CHECKS for i in check(s.tables, display)] + row_checks(s.tables, display)
    for iss in found:
        name = iss.file.rsplit("/", 1)[-1]
        if iss.row is not None and iss.row >= OFFSET:
            path = s.origin_paths.get(iss.row - OFFSET)
            if path is not None and iss.column and path + (iss.column,) in s.sc.lines:
                path = path + (iss.column,)
            line = s.sc.line(path) if path is not None else s.origins.get(iss.row - OFFSET)
            field = dotted(path) if path is not None else None
            s.issues.append(ScenarioIssue(s.sc.file, line, field, iss.value,
                                          f"{iss.expected} ({name}, column {iss.column})"))
        elif (name, iss.row) in s.touched:
            path = s.touched[(name, iss.row)]
            s.issues.append(ScenarioIssue(s.sc.file, s.sc.line(path), dotted(path), None,
                                          f"a valid dataset after this operation; it leaves {iss.format()}"))
        else:
            s.issues.append(ScenarioIssue(s.sc.file, s.sc.line(("operations",)), "operations", None,
                                          f"a valid dataset after the operations; they leave {iss.format()}"))


# operations that only remove whole studies (every row of each, from every table) or change settings: the
# loaded dataset passed its checks, so what they leave passes them too, and the row checks are not re-run
ROWS_KEPT = ("exclude_studies", "keep_studies", "mid", "timepoint_rule", "rule")


def apply_scenario(dataset, scenario, check: bool = True, rules: dict | None = None) -> ScenarioDataset:
    """The dataset (a :class:`Dataset` or a package directory) under ``scenario`` (a :class:`Scenario` or file).

    ``rules``: the project's rules (settings/guideline.yaml), which a ``rule`` operation changes; the result's
    :meth:`ScenarioDataset.rules` gives them with the changes in force.

    Raises :class:`ScenarioInvalid` listing every problem (file, line, field, value, what was expected).
    ``check=False`` skips the dataset's row checks on the result (for callers applying many known-good
    scenarios); the operations' own checks always run.
    """
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(Path(dataset))
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    s = _State(ds, sc, rules)
    for op in sc.operations:
        APPLY[op.kind](s, op)
    if check and any(op.kind not in ROWS_KEPT for op in sc.operations):
        _row_issues(s)  # the dataset's row checks, also when an operation had problems: all issues at once
    if s.issues:
        raise ScenarioInvalid(s.issues, sc.file)
    h = hashlib.sha256((ds.data_hash + "\0" + (sc.text or repr(sc.operations))).encode()).hexdigest()
    tables = s.tables
    values = {f.name: getattr(ds, f.name) for f in fields(Dataset) if f.init}
    for name in values:
        if name in tables and isinstance(values[name], pd.DataFrame):
            values[name] = _public(tables[name])
    values.update(guideline=s.guideline, data_hash=h, _tables=tables)
    return ScenarioDataset(**values, scenario_id=sc.id, scenario_file=sc.file, log=s.log, sources=s.sources,
                           origins=s.origins, rule_changes=s.rule_changes,
                           judgement_changes=s.judgement_changes, no_ops=s.no_ops,
                           n_operations=len(sc.operations))
