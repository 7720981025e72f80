"""The analysis-ready arm table of one outcome and population.

One row per arm of each study with usable data: ``study, treatment, n, mean,
sd`` on the outcome's analysis scale, the ``timepoint_weeks`` the rule chose,
``measure_type`` (``final`` values or ``change`` from baseline, as reported; ``difference`` for the two
arms that reproduce a trial reported only as a difference, :func:`analysis.dataset.normalise.difference_arms`) and
provenance (``source_file``, ``source_row`` = CSV line, ``conversion``).
"""

from __future__ import annotations

import pandas as pd

from analysis.dataset.normalise import analysis_values, difference_arms, rescale
from analysis.dataset.schema import DIFFERENCE_STATISTICS
from analysis.dataset.timepoints import rule_limits, select_timepoints, study_rules

DEFAULT_SCALES = {
    "pain": {"min": 0, "max": 10, "higher_is_better": False, "unit": "cm"},
}
DEFAULT_SCALE = {"min": 0, "max": 100, "higher_is_better": True, "unit": "points"}
COLUMNS = ["study", "arm", "treatment", "n", "mean", "sd", "timepoint_weeks", "measure_type", "source_file",
           "source_row", "conversion"]


def analysis_scale(guideline: dict | None, outcome: str) -> dict:
    scales = (guideline or {}).get("analysis_scales") or {}
    return scales.get(outcome) or DEFAULT_SCALES.get(outcome) or DEFAULT_SCALE


def population_studies(studies: pd.DataFrame, population: str, guideline: dict | None) -> list[str]:
    """Ids of usable studies analysed in ``population``'s network (mixed trials go where guideline.yaml says)."""
    mixed_to = (guideline or {}).get("mixed_population_network", "radicular")
    pops = studies["population"].where(studies["population"] != "mixed", mixed_to)
    usable = studies["has_data"].astype(bool)
    return sorted(studies.loc[usable & (pops == population), "id"].astype(str))


def build_analysis_arms(tables: dict[str, pd.DataFrame], guideline: dict | None, outcome: str,
                        population: str, source_file: str = "outcomes.csv") -> pd.DataFrame:
    ids = set(population_studies(tables["studies"], population, guideline))
    out = tables["outcomes"]
    out = out[(out["outcome"] == outcome) & out["study"].isin(ids)]
    rules = study_rules(tables["arms"], tables["nodes"])
    chosen = select_timepoints(out, rules, rule_limits(guideline))
    procedure = {(s, a): p for s, a, p in tables["arms"][["study", "arm", "procedure"]].itertuples(index=False)}
    scale = analysis_scale(guideline, outcome)
    rows = []
    records = chosen.to_dict("records")
    pairs = {r["study"]: r for r in records if r["statistic"] in DIFFERENCE_STATISTICS}
    reference = {r["study"]: r for r in records if r["statistic"] == "reference"}
    for rec in records:
        if rec["study"] in pairs:  # a trial reported as a difference: two arms that reproduce it
            diff, ref = pairs[rec["study"]], reference[rec["study"]]
            delta, sd, notes = difference_arms(diff, ref)
            level, sd, more = rescale(delta if rec is diff else 0.0, sd, rec, scale)
            mean, measure_type, conversion = level, "difference", "; ".join(notes + more)
        else:
            mean, sd, conversion = analysis_values(rec, scale)
            measure_type = rec["measure_type"]
        rows.append({"study": rec["study"], "arm": rec["arm"], "treatment": procedure[(rec["study"], rec["arm"])],
                     "n": int(rec["n_analysed"]), "mean": mean, "sd": sd,
                     "timepoint_weeks": float(rec["timepoint_weeks"]), "measure_type": measure_type,
                     "source_file": source_file,
                     "source_row": int(rec["_line"]), "conversion": conversion})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["study", "treatment", "arm"], kind="mergesort").reset_index(drop=True)
