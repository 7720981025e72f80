"""Characteristics of the trials in the meta-analyses (the guideline's Table 2) and the flow of trials.

Pure functions of the studies table: counts of trials by category, and the
median (with quartiles) across trials of trial-level means. Quartiles are
numpy's linear-interpolation percentiles (R's type 7, the default of R's
``quantile``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.vocabulary import label

SUMMARIES = (  # column, row label, unit
    ("enrolled_n", "Patients enrolled per trial", "patients"),
    ("age_mean", "Age, mean (years)", "years"),
    ("women_percent", "Women (%)", "%"),
    ("baseline_pain_cm", "Baseline pain (cm, 10 cm VAS)", "cm"),
    ("pain_duration_months", "Pain duration, where reported (months)", "months"),
)
COUNTS = (  # section, column
    ("Presenting complaint, axial pain", ("condition", "axial")),
    ("Presenting complaint, radicular pain", ("condition", "radicular")),
    ("Presenting complaint, mixed axial and radicular pain", ("condition", "mixed")),
    ("Pain duration", ("pain_duration_reporting", None)),
    ("Positive diagnostic block required", ("block_threshold", None)),
    ("Location", ("region", None)),
    ("Funding", ("funding", None)),
)


@dataclass(frozen=True)
class Row:
    section: str
    item: str  # slug used in registry ids
    label: str
    kind: str  # "count" or "median"
    n: int  # trials counted, or trials reporting
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    unit: str = "trials"


def analysed(studies: pd.DataFrame) -> pd.DataFrame:
    return studies[studies["has_data"].astype(bool)]


def summary_rows(studies: pd.DataFrame) -> list[Row]:
    used = analysed(studies)
    rows = []
    for col, text, unit in SUMMARIES:
        values = pd.to_numeric(used[col], errors="coerce").dropna().to_numpy(float)
        if len(values) == 0:
            continue
        med, q1, q3 = np.percentile(values, [50, 25, 75])
        rows.append(Row("Trial characteristics", col.replace("_", "-"), text, "median", len(values),
                        float(med), float(q1), float(q3), unit))
    return rows


def count_rows(studies: pd.DataFrame) -> list[Row]:
    used = analysed(studies)
    rows = []
    for section, (col, population) in COUNTS:
        subset = used if population is None else used[used["population"] == population]
        if col == "block_threshold":
            block = subset["diagnostic_block"].astype(bool)
            rows.append(Row(section, "block-required", "Yes", "count", int(block.sum())))
            counts = subset.loc[block, col].fillna("unclear").value_counts()
            for code in sorted(counts.index, key=lambda c: (-counts[c], c)):
                rows.append(Row(section, f"block-{code}".replace("_", "-"), f"  {label(code)}", "count",
                                int(counts[code])))
            rows.append(Row(section, "block-not-required", "No or not reported", "count", int((~block).sum())))
            continue
        if population is not None:
            rows.append(Row(section, f"{population}-total", "Total", "count", len(subset)))
            if population == "mixed":
                continue
        counts = subset[col].fillna("not_reported").value_counts()
        for code in sorted(counts.index, key=lambda c: (-counts[c], c)):
            slug = f"{population + '-' if population else ''}{code}".replace("_", "-")
            rows.append(Row(section, slug, label(code), "count", int(counts[code])))
    return rows


def characteristics(studies: pd.DataFrame) -> list[Row]:
    return summary_rows(studies) + count_rows(studies)


@dataclass(frozen=True)
class FlowRow:
    item: str  # slug used in registry ids
    label: str
    trials: int


def trial_flow(studies: pd.DataFrame) -> tuple[FlowRow, ...]:
    """Eligible trials, trials without usable data by reason, and trials analysed."""
    used = analysed(studies)
    reasons = studies.loc[~studies["has_data"].astype(bool), "exclusion_reason"].fillna("not_reported")
    rows = [FlowRow("eligible", "Eligible randomised trials", len(studies))]
    for code, n in sorted(reasons.value_counts().items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(FlowRow(f"excluded-{code}".replace("_", "-"), label(code), int(n)))
    rows.append(FlowRow("analysed", "Trials in the meta-analyses", len(used)))
    for pop in ("axial", "radicular", "mixed"):
        rows.append(FlowRow(f"analysed-{pop}", label(pop), int((used["population"] == pop).sum())))
    return tuple(rows)


def flow_frame(rows) -> pd.DataFrame:
    """``trial_flow.csv``: item, label, trials."""
    return pd.DataFrame([(r.item, r.label, r.trials) for r in rows], columns=["item", "label", "trials"])
