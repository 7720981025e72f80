"""The comparison of a scenario's results with the base case: every estimate, rating and recommendation.

Generic over the result tables both builds wrote: every ``network/<outcome>/<population>/effects.csv``
and, where they exist, ``certainty.csv``, ``recommendations.csv`` and ``robustness.csv`` (written by
other stages), plus the dataset counts and settings in ``numbers.json``. Rows are matched on their
key columns; each value is marked

- ``unchanged`` / ``changed``: numbers compared as printed (2 decimals), text exactly;
- ``no evidence under scenario``: the row exists in the base only (e.g. every trial of the node removed);
- ``new under scenario``: the row exists under the scenario only (e.g. a node made by a split).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.registry import format_number, load_numbers

KEY_CANDIDATES = ("outcome", "population", "network", "treatment", "treat1", "treat2", "comparison", "procedure",
                  "node", "code", "intervention", "study", "id", "recommendation_id")
EXTRA_TABLES = ("certainty.csv", "recommendations.csv", "robustness.csv")
SKIP_COLUMNS = ("source_row", "source_file")
COLUMNS = ["table", "key", "column", "base", "scenario", "difference", "change"]
UNCHANGED, CHANGED = "unchanged", "changed"
ONLY_BASE, ONLY_SCENARIO = "no evidence under scenario", "new under scenario"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, float) and math.isnan(v))


NOT_RUN = "not run"
NOT_COMPARED = "not compared"  # an analysis that one of the two runs skipped (e.g. robustness searches)


def _not_run(v) -> bool:
    return isinstance(v, str) and v.strip().lower() == NOT_RUN


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _brief(v, width: int = 60) -> str:
    """A value for the printed summary: integers without decimals, long text cut (comparison.csv has it all)."""
    if _is_number(v) and float(v).is_integer():
        return format_number(int(v), 0)
    text = _shown(v) or "(none)"
    return text if len(text) <= width else text[:width - 3] + "..."


def _shown(v, decimals: int = 2) -> str:
    if _missing(v):
        return ""
    return format_number(float(v), decimals) if _is_number(v) else str(v)


def compare_frames(table: str, base: pd.DataFrame | None, scen: pd.DataFrame | None,
                   extra_key: dict | None = None, decimals: int = 2) -> pd.DataFrame:
    """Long comparison of two versions of one result table (either may be None: absent)."""
    frames = [f for f in (base, scen) if f is not None]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    cols = list(dict.fromkeys(c for f in frames for c in f.columns if c not in SKIP_COLUMNS))
    keys = [c for c in KEY_CANDIDATES if all(c in f.columns for f in frames)]
    base = base if base is not None else pd.DataFrame(columns=frames[0].columns)
    scen = scen if scen is not None else pd.DataFrame(columns=frames[0].columns)
    if not keys:
        keys = ["row"]
        base, scen = base.assign(row=range(len(base))), scen.assign(row=range(len(scen)))
    values = [c for c in cols if c not in keys]
    merged = base.merge(scen, on=keys, how="outer", suffixes=("\0b", "\0s"), indicator=True, sort=False)
    prefix = ";".join(f"{k}={v}" for k, v in (extra_key or {}).items())
    rows = []
    for rec in merged.to_dict("records"):
        key = ";".join(x for x in (prefix, ";".join(f"{k}={rec[k]}" for k in keys)) if x)
        where = rec["_merge"]
        for c in values:
            b = rec.get(f"{c}\0b", rec.get(c)) if c in base.columns else None
            s = rec.get(f"{c}\0s", rec.get(c)) if c in scen.columns else None
            if where == "left_only":
                s, change = None, ONLY_BASE
            elif where == "right_only":
                b, change = None, ONLY_SCENARIO
            elif _missing(b) and _missing(s):
                change = UNCHANGED
            elif _not_run(b) or _not_run(s):
                change = NOT_COMPARED
            else:
                change = UNCHANGED if _shown(b, decimals) == _shown(s, decimals) else CHANGED
            diff = float(s) - float(b) if _is_number(b) and _is_number(s) else None
            rows.append({"table": table, "key": key, "column": c, "base": None if _missing(b) else b,
                         "scenario": None if _missing(s) else s, "difference": diff, "change": change})
    return pd.DataFrame(rows, columns=COLUMNS)


def _read(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if path.exists() else None


def compare_results(base_dir: Path, scen_dir: Path) -> pd.DataFrame:
    """Every compared value of two results directories (base first), in a stable order."""
    base_dir, scen_dir = Path(base_dir), Path(scen_dir)
    parts = []
    nets = sorted({p.relative_to(d).parent for d in (base_dir, scen_dir) for p in (d / "network").glob("*/*/effects.csv")})
    for rel in nets:
        _, outcome, population = rel.parts
        parts.append(compare_frames(f"{rel.as_posix()}/effects.csv", _read(base_dir / rel / "effects.csv"),
                                    _read(scen_dir / rel / "effects.csv"),
                                    {"outcome": outcome, "population": population}))
    for name in EXTRA_TABLES:
        b, s = _read(base_dir / name), _read(scen_dir / name)
        if b is not None or s is not None:
            parts.append(compare_frames(name, b, s))
    parts.append(compare_frames("numbers.json", _numbers(base_dir), _numbers(scen_dir)))
    out = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=COLUMNS)], ignore_index=True)
    return out


def _numbers(d: Path) -> pd.DataFrame | None:
    path = d / "numbers.json"
    if not path.exists():
        return None
    nums = load_numbers(path)
    ids = sorted(i for i in nums if i.startswith(("dataset/", "settings/")) or i.endswith("/n-trials"))
    return pd.DataFrame({"id": ids, "value": [nums[i]["value"] for i in ids]})


def without_evidence(comparison: pd.DataFrame) -> pd.DataFrame:
    """Treatments with a network estimate in the base case and none under the scenario."""
    eff = comparison[comparison["table"].str.endswith("effects.csv") & (comparison["column"] == "estimate")
                     & (comparison["change"] == ONLY_BASE)]
    rows = [dict(kv.split("=", 1) for kv in k.split(";")) for k in eff["key"]]
    return pd.DataFrame([{"outcome": r.get("outcome"), "population": r.get("population"),
                          "treatment": r.get("treatment")} for r in rows], columns=["outcome", "population", "treatment"])


def summary_text(comparison: pd.DataFrame, scenario, log: list[str], names: dict[str, str] | None = None) -> str:
    """A readable summary: what the scenario did, which estimates changed, and everything else that changed."""
    names = names or {}
    out = [f"Scenario {scenario.id}: {scenario.title}", ""]
    out += [f"  - {line}" for line in log]
    for a in scenario.assumptions:
        out.append(f"  ! assumption: {a}")
    out.append("")
    eff = comparison[comparison["table"].str.endswith("effects.csv")]
    for table, rows in eff.groupby("table", sort=True):
        est = rows[rows["column"].isin(["estimate", "odds_ratio"])]
        if est.empty:
            continue
        col = "odds_ratio" if (est["column"] == "odds_ratio").any() else "estimate"
        est = est[est["column"] == col]
        lo = rows[rows["column"] == ("or_low" if col == "odds_ratio" else "ci_low")].set_index("key")
        hi = rows[rows["column"] == ("or_high" if col == "odds_ratio" else "ci_high")].set_index("key")
        unit = "odds ratio vs sham" if col == "odds_ratio" else "mean difference vs sham, cm"
        out.append(f"{table.rsplit('/', 1)[0]} ({unit}):")
        for r in est.itertuples():
            key = dict(kv.split("=", 1) for kv in r.key.split(";"))
            t = key.get("treatment", r.key)

            def fmt(which):
                v, a, b = ((r.base, lo.at[r.key, "base"], hi.at[r.key, "base"]) if which == "base" else
                           (r.scenario, lo.at[r.key, "scenario"], hi.at[r.key, "scenario"]))
                return "no evidence" if _missing(v) else f"{_shown(v)} ({_shown(a)} to {_shown(b)})"

            mark = {UNCHANGED: " ", CHANGED: "*", ONLY_BASE: "-", ONLY_SCENARIO: "+"}[r.change]
            out.append(f" {mark} {names.get(t, t)}: {fmt('base')} -> {fmt('scenario')}")
    other = comparison[~comparison["table"].str.endswith("effects.csv") & (comparison["change"] != UNCHANGED)]
    if not other.empty:
        out += ["", "Other results that changed:"]
        for r in other.itertuples():
            out.append(f" {'*' if r.change == CHANGED else '-' if r.change == ONLY_BASE else '+'} {r.table} "
                       f"[{r.key}] {r.column}: {_brief(r.base)} -> {_brief(r.scenario)}")
    n = comparison["change"].value_counts()
    out += ["", "Legend: * changed, - no evidence under the scenario, + new under the scenario.",
            f"{int(n.get(CHANGED, 0))} value(s) changed, {int(n.get(ONLY_BASE, 0))} without evidence under the "
            f"scenario, {int(n.get(ONLY_SCENARIO, 0))} new, {int(n.get(UNCHANGED, 0))} unchanged."]
    return "\n".join(out)
