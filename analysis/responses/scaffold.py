"""``rapidrec respond new NAME``: a letter file to fill in from the letter alone.

The scaffold is a valid letter with no claims yet (so that ``rapidrec build`` keeps working while it is
being filled in), followed by a commented example of a claim of every category and an empty scenario
written inline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analysis.errors import AnalysisError
from analysis.responses.letter import CATEGORIES, ID_RE, LETTER_FILE, RESPONSES_DIR

TEMPLATE = """\
# The letter {name}, answered by rapidrec. Fill this file in from the letter alone, then run
#     rapidrec respond {name}
# which checks it (every problem with its line and field), runs every scenario it names and renders the
# answer into _responses/{name}/: response.html|pdf (what you would post) and appendix.html|pdf (every
# analysis in full, with the audit trail). Write every summary and answer in your own words: the
# letter's facts carry over, its sentences do not. Text the answer prints must not contain hand-typed
# numbers (write small counts as words); numbers come from the analysis.
citation:
  authors: Name of the society or of the authors, as signed
  # title: The letter's title, if it has one
  date: {today}                      # when it was published: YYYY-MM-DD (or YYYY-MM, or YYYY)
  published_in:                         # where: a journal, a rapid response, a website (one or more)
    - Where the letter was published
  # url: https://...
# title: The heading of the answer (default: "The letter of <authors>")
# summary: >-
#   The letter in two or three sentences, in your own words.
claims: []   # replace [] by the claims, one list item each, like the examples below
#
# Categories:
{categories}
#
# Examples, one of each category. Scenarios are files under scenarios/ (see scenarios/README.md for
# every operation) or are written inline, under the claim, in the same format.
#
# claims:
#   - id: pooling-regions                 # lower-case letters, digits and '-'; unique in the letter
#     where: Heterogeneity                # the letter's section or point (the heading of the answer)
#     category: pooling
#     summary: >-
#       Trials of different spinal regions were pooled, so an effect in one region may be hidden.
#     scenarios:
#       - scenarios/lumbar-only.yaml
#       - scenarios/cervical-only.yaml
#   - id: omitted-trial
#     category: omitted-trial
#     summary: The review left out a trial the letter names.
#     scenarios:
#       - scenarios/add-ghahreman-2010.yaml   # add_study: the trial with a source for every number
#   - id: extraction-error
#     category: extraction-error
#     summary: A trial's value was extracted wrongly.
#     scenarios:
#       - scenarios/lord-1996-extraction.yaml # correct_value: the value, what it was, and its source
#   - id: outdated-techniques
#     category: technical-fidelity
#     estimate: pain/axial/joint-rf       # optional: the estimate the claim is about (its paragraph reports it)
#     summary: Conclusions draw on abandoned techniques.
#     scenarios:
#       - scenarios/exclude-pulsed-rf.yaml
#   - id: epidural-approach
#     category: subgroups
#     summary: Epidural approaches differ and should be analysed apart.
#     scenarios:
#       - scenarios/split-epidural-approach.yaml
#   - id: provider-blinding
#     category: analysis-choices
#     summary: Unblinded providers should not count against the certainty of the evidence.
#     scenarios:
#       - id: {name}-no-provider-blinding
#         title: Provider blinding not counted in risk of bias
#         description: >-
#           Rates risk of bias without the blinding of providers (a rule of settings/guideline.yaml).
#         operations:
#           - rule: {{path: risk_of_bias.domains, reason: the letter's proposal,
#                     value: [sequence, concealment, blinding_patients, blinding_assessors, missing_data]}}
#   - id: expertise
#     category: expertise-process
#     summary: The authors lack clinical expertise in the procedures.
#     answer: >-                          # required: why no analysis of the data can settle it
#       Who wrote the review is a question of process, which no analysis of the trials can settle.
#   - id: retraction
#     category: not-addressable
#     summary: The guideline should be retracted.
#     answer: Retraction is a judgement for the journal, not a question the data can answer.
#   - id: my-claim
#     category: pooling
#     summary: The claim in your own words.
#     scenarios:
#       - id: {name}-my-scenario          # an empty scenario, written inline: give it its operations
#         title: What the scenario does
#         description: >-
#           Which claim it tests, and how.
#         operations:
#           - exclude_studies: {{where: {{spinal_region: cervical}}, reason: why}}
#           # every other operation, one line each (scenarios/README.md says what each field takes; a
#           # filter's columns and their values: rapidrec scenario --filters):
#           # - keep_studies: {{where: {{image_guidance: {{not: [none, not_reported]}}}}, reason: why}}
#           # - exclude_studies: {{where: {{block_threshold: {{missing: true}}}}, reason: why}}
#           # - correct_value: {{table: studies, study: SYN-001, column: year, value: 2004,
#           #                   source: where the right value is printed}}   # was: the value it replaces
#           # - correct_value: {{table: studies, where: {{rf_technique: pulsed}}, column: rf_electrode_placement,
#           #                   value: parallel, source: why it holds for every trial selected}}
#           # - mid: {{pain: 1.0, reason: why}}
#           # - timepoint_rule: {{injection: 13, ablation: 26, reason: why}}
#           # - rule: {{path: publication_bias.egger_p, value: 0.05, reason: why}}
#           # - judgement: {{estimate: pain/axial/joint-rf, domain: risk_of_bias, rating: rule, reason: why}}
#           # - split_node: {{node: joint-rf, into: [{{code: joint-rf-medial-branch,
#           #                category: medial branch radiofrequency, where: {{rf_target: medial_branch}}}}]}}
#           # - merge_nodes: {{nodes: [epidural-la, epidural-steroid], into: epidural-any, category: any epidural}}
#           # - add_study: {{study: {{id: ..., citation: ..., year: ..., source: ...}}, arms: [...], procedures: [...],
#           #               outcomes: [{{arm: a, statistic: difference_ci95, mean: ..., ci_low: ..., ci_high: ...}},
#           #                          {{arm: b, statistic: reference}}]}}   # a trial reported as a difference
#     answer: >-                            # optional beside scenarios: your words, printed after the analysis
#       What the authors add to what the analysis shows.
"""


def scaffold_text(name: str, today: dt.date | None = None) -> str:
    width = max(len(k) for k in CATEGORIES)
    cats = "\n".join(f"#   {k:<{width}}  {v}" for k, v in CATEGORIES.items())
    return TEMPLATE.format(name=name, today=(today or dt.date.today()).isoformat(), categories=cats)


def scaffold(project_dir: Path, name: str, force: bool = False) -> Path:
    """Write ``responses/<name>/letter.yaml``; refuses to overwrite an existing letter unless ``force``."""
    if not ID_RE.fullmatch(name) or name == "new":
        raise AnalysisError(f"a letter name is lower-case letters, digits and '-' (and not 'new'), got {name!r}")
    path = Path(project_dir) / RESPONSES_DIR / name / LETTER_FILE
    if path.exists() and not force:
        raise AnalysisError(f"{path} exists; edit it, or use --force to start again")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(name), encoding="utf-8")
    return path
