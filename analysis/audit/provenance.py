"""``_results/provenance.csv``: the extracted rows behind each study, written once per study.

One line per extracted row that an analysis used (``analysis`` = the network key
``outcome/population``) and one ``study`` line per study for its record in
``studies.csv``. Registry entries name their studies (and their analysis); the
audit joins them to these lines, so provenance is stored once, not in every entry.

Columns: study, analysis, arm, treatment, source_file, source_row, reported
(the values as extracted), used (the values the analysis used), conversion.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis.results_io import write_csv

COLUMNS = ["study", "analysis", "arm", "treatment", "source_file", "source_row", "reported", "used", "conversion"]
STUDY_RECORD = "study"
_KEYS = {"study", "arm", "treatment", "source_file", "source_row", "conversion", "measure_type"}  # not "used"
REPORTED = ["instrument", "scale_min", "scale_max", "measure_type", "statistic", "n_analysed", "mean", "sd", "se",
            "ci_low", "ci_high", "median", "q1", "q3", "timepoint_weeks"]


def _fmt(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:g}" if value != int(value) else str(int(value))
    return "" if value is None else str(value)


def _pairs(record: dict, keys) -> str:
    return "; ".join(f"{k}={_fmt(record[k])}" for k in keys if k in record and _fmt(record[k]) != "")


def _reported(outcomes: pd.DataFrame) -> dict[tuple[str, int], str]:
    """(file, line) -> the extracted values of that outcomes.csv line."""
    out = {}
    for rec in outcomes.to_dict("records"):
        out[("outcomes.csv", int(rec["source_row"]))] = _pairs(rec, REPORTED)
    return out


def register_rows(ctx, key: str, arms: pd.DataFrame) -> None:
    """Declare an analysis table (with source_file, source_row, conversion) fitted outside ``ctx.networks``."""
    ctx.__dict__.setdefault("provenance_tables", {})[key] = arms


def analysis_tables(ctx) -> dict[str, pd.DataFrame]:
    """Every analysis table of the build: fitted networks, registered tables, and any
    ``network/<outcome>/<population>/arms.csv`` with provenance columns that a stage wrote."""
    tables = {key: net.arms for key, net in ctx.networks.items()}
    tables.update(ctx.__dict__.get("provenance_tables", {}))
    for path in sorted(Path(ctx.out).glob("network/*/*/arms.csv")):
        key = f"{path.parent.parent.name}/{path.parent.name}"
        if key not in tables:
            arms = pd.read_csv(path)
            if {"study", "source_file", "source_row"} <= set(arms.columns):
                tables[key] = arms
    return tables


def provenance_table(ctx) -> pd.DataFrame:
    """Provenance lines for every study of the dataset and every row the fitted networks used."""
    ds = ctx.ds
    rows = []
    for rec in ds.studies.to_dict("records"):
        file, line = ds.source_of("studies.csv", int(rec["source_row"]))  # a study a scenario adds: its file
        rows.append({"study": str(rec["id"]), "analysis": STUDY_RECORD, "arm": "", "treatment": "",
                     "source_file": file, "source_row": line, "reported": "",
                     "used": _pairs(rec, ["enrolled_n", "has_data", "exclusion_reason"]), "conversion": ""})
    reported = _reported(ds.outcomes) if hasattr(ds, "outcomes") else {}
    for key, arms in sorted(analysis_tables(ctx).items()):
        value_cols = [c for c in arms.columns if c not in _KEYS]
        for rec in arms.to_dict("records"):
            src = (str(rec.get("source_file", "")), int(rec["source_row"]) if _fmt(rec.get("source_row")) else 0)
            rows.append({"study": str(rec["study"]), "analysis": key, "arm": _fmt(rec.get("arm")),
                         "treatment": _fmt(rec.get("treatment")), "source_file": src[0], "source_row": src[1],
                         "reported": reported.get(src, ""), "used": _pairs(rec, value_cols),
                         "conversion": _fmt(rec.get("conversion")) or "none"})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["_rec"] = (frame["analysis"] != STUDY_RECORD).astype(int)
    frame = frame.sort_values(["study", "_rec", "analysis", "source_file", "source_row", "arm"], kind="mergesort")
    return frame.drop(columns="_rec").reset_index(drop=True)


def write_provenance(ctx) -> None:
    """Write ``provenance.csv`` into the build's results directory (run after every stage)."""
    write_csv(provenance_table(ctx), ctx.out / "provenance.csv")
