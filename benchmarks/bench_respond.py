"""Wall time of `rapidrec respond` in the situations of issue 15, on a copy of the project after `rapidrec build`:

1. a new letter of seven claims, each with its own scenario (a smaller MID, a GRADE rule, a panel judgement
   removed, a time-point rule, trials before 2008 left out, lumbar trials only, and a new trial reported only
   as a mean difference with its 95% CI): `respond` runs the seven scenarios and renders both documents;
2. the same command again with nothing changed;
3. after editing only one claim's prose (its summary).

Run from the repository root:

    .venv/bin/python benchmarks/bench_respond.py [--repeats N]

The working tree is untouched: the project's inputs are copied into a temporary directory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.audit.verify import copy_inputs

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("rapidrec"))
STEPS = ("new seven-scenario letter", "nothing changed", "one claim's prose edited")

NEW_TRIAL = """\
          - add_study:
              study:
                id: BENCH-2026
                citation: A benchmark trial reported only as a mean difference (invented for this benchmark)
                synthetic: true
                year: 2026
                region: europe
                funding: not_reported
                enrolled_n: 80
                population: axial
                condition: facet_joint_syndrome
                spinal_region: lumbar
                pain_duration_reporting: chronic_only
                diagnostic_block: true
                block_threshold: relief_over_50
                blinding_patients: "yes"
                blinding_providers: "no"
                blinding_assessors: "yes"
                image_guidance: fluoroscopy
                rob_sequence: low
                rob_concealment: low
                rob_blinding_patients: low
                rob_blinding_providers: high
                rob_blinding_assessors: low
                rob_missing_data: low
                has_data: true
                source: invented for the benchmark
              arms:
                - {arm: a, procedure: joint-rf, n_randomised: 40, co_interventions: none, source: invented}
                - {arm: b, procedure: sham, n_randomised: 40, co_interventions: none, source: invented}
              procedures:
                - {arm: a, reported_intervention: radiofrequency denervation, target: facet_joint, agent: none,
                   technique: conventional_rf, source: invented}
                - {arm: b, reported_intervention: sham denervation, target: facet_joint, agent: none,
                   technique: sham_rf_no_current, source: invented}
              outcomes:
                - {arm: a, outcome: pain, timepoint_weeks: 26, instrument: vas_100mm, scale_min: 0, scale_max: 100,
                   higher_is_better: false, measure_type: final, statistic: difference_ci95, n_analysed: 38,
                   mean: -12.0, ci_low: -22.0, ci_high: -2.0, source: invented}
                - {arm: b, outcome: pain, timepoint_weeks: 26, instrument: vas_100mm, scale_min: 0, scale_max: 100,
                   higher_is_better: false, measure_type: final, statistic: reference, n_analysed: 39,
                   source: invented}
"""

CLAIMS = [
    ("smaller-mid", "analysis-choices", "The minimal important difference is too large.",
     "- mid: {pain: 1.0, reason: the letter's proposal}"),
    ("provider-blinding", "analysis-choices", "Unblinded providers should not count against certainty.",
     "- rule: {path: risk_of_bias.serious_share, value: 0.75, reason: the letter's proposal}"),
    ("panel-judgement", "analysis-choices", "The panel rated joint radiofrequency down without cause.",
     "- judgement: {estimate: pain/axial/joint-rf, domain: risk_of_bias, rating: rule, reason: the letter}"),
    ("follow-up", "analysis-choices", "Injections should be judged at three months.",
     "- timepoint_rule: {injection: 13, ablation: 26, reason: the letter's proposal}"),
    ("old-trials", "technical-fidelity", "Trials from before current techniques were outdated.",
     "- exclude_studies: {where: {year: {before: 2008}}, reason: the letter's proposal}"),
    ("lumbar", "pooling", "Lumbar and cervical trials should not be pooled.",
     "- keep_studies: {where: {spinal_region: lumbar}, reason: the letter's proposal}"),
    ("new-trial", "omitted-trial", "A new trial shows benefit.", None),
]


def letter_text() -> str:
    out = ["citation:", "  authors: A benchmark society", "  date: 2026-11-01", "  published_in: [Nowhere]",
           "title: A benchmark letter", "claims:"]
    for cid, category, summary, op in CLAIMS:
        out += [f"  - id: {cid}", f"    category: {category}", f"    summary: {summary}", "    scenarios:",
                f"      - id: bench-{cid}", f"        title: Benchmark {cid}",
                f"        description: The letter's proposal ({cid}).", "        operations:"]
        out.append(NEW_TRIAL.rstrip("\n") if op is None else f"          {op}")
    return "\n".join(out) + "\n"


def respond(project: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([CLI, "respond", "bench"], cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - t0


def one_run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        copy_inputs(ROOT, project)
        subprocess.run([CLI, "build"], cwd=project, check=True, capture_output=True)
        letter = project / "responses" / "bench" / "letter.yaml"
        letter.parent.mkdir(parents=True)
        letter.write_text(letter_text(), encoding="utf-8")
        times = {STEPS[0]: respond(project), STEPS[1]: respond(project)}
        letter.write_text(letter_text().replace("The minimal important difference is too large.",
                                                "The minimal important difference is far too large."),
                          encoding="utf-8")
        times[STEPS[2]] = respond(project)
        return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    runs = [one_run() for _ in range(args.repeats)]
    for step in STEPS:
        values = sorted(r[step] for r in runs)
        print(f"{step:28s} median {values[len(values) // 2]:6.1f} s  ({', '.join(f'{v:.1f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
