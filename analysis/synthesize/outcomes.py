"""Outcome and adverse-event rows of the synthetic trials.

Pain: the calibrated value sits at the timepoint the guideline's rule picks
(the latest follow-up not exceeding 13 weeks for injections, 26 weeks for
ablation); other follow-ups carry an earlier, larger or a later, attenuated
effect. Physical function (0-100, higher = better): improvement of about 5
points per cm of pain relief, plus noise; reported by about half the trials.
"""

from __future__ import annotations

from analysis.synthesize.calibrate import PainArm
from analysis.synthesize.design import Trial
from analysis.synthesize.reporting import Format, choose_function_format, report

PAIN_SCALE = {"min": 0, "max": 10, "higher_is_better": False}
FUNCTION_SCALE = {"min": 0, "max": 100, "higher_is_better": True}
INJECTION_SCHEDULES = ((12,), (4, 12), (2, 6, 12, 26), (4, 8, 24), (6, 12, 52), (1, 4, 13))
ABLATION_SCHEDULES = ((26,), (12, 26, 52), (4, 12, 24), (6, 26), (12, 24, 52))
LATER_EFFECT, EARLIER_EFFECT = 0.5, 1.2


def schedule(t: Trial, rng) -> tuple[tuple[int, ...], int]:
    """(follow-up weeks, the one the rule picks)."""
    options = ABLATION_SCHEDULES if t.is_ablation else INJECTION_SCHEDULES
    weeks = options[int(rng.integers(len(options)))]
    limit = 26 if t.is_ablation else 13
    return weeks, max(w for w in weeks if w <= limit)


def pain_rows(study: str, arms: list[tuple[PainArm, float, float]], fmt: Format, weeks, chosen) -> list[dict]:
    """Rows at every follow-up; the chosen one carries the calibrated mean unchanged."""
    rows = []
    for w in weeks:
        factor = 1.0 if w == chosen else (EARLIER_EFFECT if w < chosen else LATER_EFFECT)
        for a, mean, sd in arms:
            value = mean
            if w != chosen:
                value = min(max(a.start + (mean - a.start) * factor + (0.3 if w > chosen else 0.0), 0.2), 9.8)
            if fmt.measure_type == "change":
                value -= a.baseline
            rows.append({"study": study, "arm": a.arm, "outcome": "pain", "timepoint_weeks": w,
                         **report(value, sd, a.n, fmt, PAIN_SCALE)})
    return rows


def final_or_change(fmt: Format, arms: list[tuple[PainArm, float, float]]) -> Format:
    """Report change from baseline when a final mean would fall outside the scale."""
    if fmt.measure_type == "final" and any(not 0.05 <= m <= 9.95 for _, m, _ in arms):
        return Format(fmt.instrument, "change", fmt.statistic)
    return fmt


def function_rows(study: str, arms: list[tuple[PainArm, float, float]], cervical: bool, chosen: int,
                  rng) -> list[dict]:
    fmt = choose_function_format(cervical, rng)
    base = rng.uniform(42, 60) + rng.uniform(5, 12)
    sd = rng.uniform(14, 22)
    sham_level = arms[0][0].start
    rows = []
    for a, mean, _ in arms:
        value = base - 5 * (mean - sham_level) + rng.normal(0, 2)
        rows.append({"study": study, "arm": a.arm, "outcome": "physical_function", "timepoint_weeks": chosen,
                     **report(value, sd * rng.uniform(0.93, 1.07), a.n, fmt, FUNCTION_SCALE)})
    return rows


EVENT_RISK = {"control": 0.07, "injection": 0.12, "ablation": 0.18}
SPECIFIC = {"injection": ("vasovagal_reaction", 0.03), "ablation": ("post_procedural_pain", 0.10)}


def adverse_event_rows(study: str, arms: list[dict], kinds: dict[str, str], rng) -> list[dict]:
    rows = []
    report_specific = rng.random() < 0.5
    for a in arms:
        kind, n = kinds[a["node"]], a["n_analysed"]
        rows.append({"study": study, "arm": a["arm"], "event": "any_adverse_event",
                     "events": int(rng.binomial(n, EVENT_RISK[kind])), "n": n})
        if report_specific:
            for k, (event, p) in SPECIFIC.items():
                if any(kinds[b["node"]] == k for b in arms):
                    risk = p if kind == k else p / 3
                    rows.append({"study": study, "arm": a["arm"], "event": event,
                                 "events": int(rng.binomial(n, risk)), "n": n})
    return rows
