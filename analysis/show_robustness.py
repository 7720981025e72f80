"""Display of the robustness analysis (chapters/robustness.qmd): what evidence would change each
recommendation. Reads only ``_results/robustness.csv`` and registry numbers; computes nothing."""

from __future__ import annotations

import math

import pandas as pd

from analysis.audit.links import Cell, LinkedTable
from analysis.audit.links import markdown_literal as md
from analysis.book import entry, has, manifest, num, results_dir, table, treatment_names
from analysis.figures.robustness_plot import robustness_plot

NONE = "none"


def available() -> bool:
    return (results_dir() / "robustness.csv").exists()


def _summary() -> pd.DataFrame:
    return table("robustness.csv")


def _full(s: pd.DataFrame) -> bool:
    return not (s["trial_n_per_arm"].astype(str) == "not run").any()


def _stem(r) -> str:
    return f"robustness/{r.population}/{r.code}"


def robustness_table(population: str):
    """Per procedure: its recommendation and estimate; the shift of the estimate that changes the
    recommendation (and to what); the study whose own estimate would need the smallest change; the
    smallest new trial at the MID; the effect a typical trial would have to show; single exclusions that
    change it. Every number is a registry entry."""
    ref, names = manifest()["settings"]["reference"], treatment_names()
    s = _summary()
    s = s[s["population"] == population].sort_values("estimate")
    full = _full(s)
    rows = []
    for r in s.itertuples():
        stem, est = _stem(r), f"pain/{r.population}/{r.code}/vs-{ref}"
        md = Cell((num(f"{est}/estimate"), " (", num(f"{est}/ci-low"), " to ", num(f"{est}/ci-high"), ")"))
        shift = (Cell((num(f"{stem}/recommendation-down"), " \u2192 ", f"{r.recommendation_after} ({r.certainty_after})"))
                 if has(f"{stem}/recommendation-down") else "no plausible change")
        if has(f"{stem}/pivotal-study-required"):  # its own result (first arm minus second) now -> needed
            first, second = str(r.pivotal_contrast).split(" vs ")
            contrast = "" if (first, second) == (r.code, ref) else \
                f" ({names.get(first, first)} minus {names.get(second, second)})"  # the header's contrast otherwise
            study = Cell((f"{r.pivotal_study}{contrast}: ", num(f"{stem}/pivotal-study-observed"), " \u2192 ",
                          num(f"{stem}/pivotal-study-required")))
        else:
            study = "none plausible"
        if full:
            trial = (num(f"{stem}/trial-n-per-arm") if has(f"{stem}/trial-n-per-arm")
                     else Cell(("none up to ", num("robustness/max-n-per-arm"))))  # (a column only if one does)
            typical = (num(f"{stem}/typical-trial-effect") if has(f"{stem}/typical-trial-effect")
                       else "no plausible trial")
            loo = r.loo_changes if isinstance(r.loo_changes, str) and r.loo_changes else NONE
        else:
            trial = typical = loo = "not run under a scenario"
        rows.append([f"{r.procedure} ({r.recommendation})", md, shift, study, trial, typical, loo])
    columns = ["Procedure (recommendation)", "Mean difference, cm (95% CI)",
               "Shift that changes the recommendation, cm (to)", "Study: its own result now \u2192 needed, cm",
               "Smallest new trial at the MID, per arm", "Effect a typical trial must show, cm",
               "Single exclusions that change it"]
    right = [False, True, False, False, True, True, False]
    if full and entry("robustness/trial-flips")["value"] == 0:  # the text says no trial of any size does
        columns, right, rows = columns[:4] + columns[5:], right[:4] + right[5:], [r[:4] + r[5:] for r in rows]
    return LinkedTable(columns, rows, right=right)


def robustness_figure():
    """The current estimate and CI of every procedure against the MID, the threshold marked."""
    ref = manifest()["settings"]["reference"]
    s = _summary()
    rows = []
    for r in s.itertuples():
        est = f"pain/{r.population}/{r.code}/vs-{ref}"
        flip_id = f"{_stem(r)}/flip-estimate"
        flips = has(flip_id)
        rows.append({"population": r.population, "treatment": r.code,
                     **{f: entry(f"{est}/{f.replace('_', '-')}")["value"] for f in ("estimate", "ci_low", "ci_high")},
                     "flip": entry(flip_id)["value"] if flips else math.nan,
                     "annotation": f"{num(f'{_stem(r)}/recommendation-down')} cm" if flips else "none"})
    return robustness_plot(pd.DataFrame(rows), float(manifest()["settings"]["pain_mid_cm"]), treatment_names())


def _recommendations(id: str) -> str:
    """'recommendation on 1 procedure' / 'recommendations on 3 procedures' (the count linked)."""
    one = entry(id)["value"] == 1
    return f"recommendation{'' if one else 's'} on {num(id).markdown} procedure{'' if one else 's'}"


def summary_markdown() -> str:
    """The chapter's findings in words, every number a linked registry entry; each sentence is chosen by
    the results (nothing is asserted that the results do not show)."""
    s = _summary()
    n = num("robustness/recommendations").markdown
    mid = num("settings/pain-mid").markdown
    every = entry("robustness/plausible-shifts")["value"] == entry("robustness/recommendations")["value"]
    lead = (f"All {n} recommendations would change" if every else
            f"Of the recommendations on {n} procedures, {num('robustness/plausible-shifts').markdown} would change")
    parts = [f"{lead} if the pooled estimate moved to an effect a trial could show. Under the panel's values and "
             f"preferences, a recommendation changes only when the estimate reaches an important benefit (the MID, {mid} cm) with at least "
             f"low certainty, so each threshold is the distance to that point, further where the certainty "
             f"there would be very low."]
    if _full(s):
        trial = entry("robustness/trial-flips")["value"]
        top = num("robustness/max-n-per-arm").markdown
        size = num("robustness/typical-n-per-arm").markdown
        if trial == 0:
            parts.append(f"No new sham-controlled trial at low risk of bias that shows exactly the MID, even with "
                         f"{top} patients per arm, changes any recommendation: pooled with the existing trials, "
                         f"a result at the MID pulls the estimate towards the MID but not past it.")
        else:
            parts.append(f"A new sham-controlled trial at low risk of bias showing exactly the MID changes the "
                         f"{_recommendations('robustness/trial-flips')} (up to {top} patients per arm; sizes in the "
                         "tables).")
        parts.append(f"A trial of typical size ({size} patients per arm, half the median enrolment of the "
                     f"included trials) would change the {_recommendations('robustness/typical-trial-flips')}, if "
                     "it showed the effect in the tables.")
        loo = s[s["loo_changes"].fillna("") != ""]
        if loo.empty:
            parts.append("Leaving out any single study changes no recommendation.")
        else:
            items = "; ".join(f"{md(r.procedure)} ({md(r.population)}): {md(r.loo_changes)}" for r in loo.itertuples())
            parts.append(f"Leaving out a single study changes the {_recommendations('robustness/loo-changes')}: "
                         f"{items}. No other single exclusion changes any recommendation.")
    else:
        parts.append("Under this scenario only the threshold analysis was run; the new-trial searches and the "
                     "leave-one-out pass run with the base analysis.")
    return "\n\n".join(parts)
