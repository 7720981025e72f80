"""GRADE informative statements: certainty and size of effect in words.

Santesso et al. J Clin Epidemiol 2020;119:126-135 (GRADE guidelines 26), the
wording Brignardello-Petersen et al. BMJ 2020;371:m3900 uses for conclusions
from a network meta-analysis: high "results in" / "reduces", moderate
"probably", low "may", very low "the evidence is very uncertain about".
Verbs per certainty are in settings/guideline.yaml (``wording``).
"""

from __future__ import annotations

from analysis.certainty.classification import Classification

# outcome -> (noun, (3rd person, base) for benefit, for harm)
OUTCOME_WORDS = {
    "pain": ("pain", {"benefit": ("reduces", "reduce"), "harm": ("increases", "increase")}),
    "physical_function": ("physical function", {"benefit": ("improves", "improve"), "harm": ("worsens", "worsen")}),
}
ADVERB = {"small": " slightly", "moderate": "", "large": " substantially"}


def outcome_noun(outcome: str) -> str:
    return OUTCOME_WORDS.get(outcome, (outcome.replace("_", " "), {}))[0]


def statement(procedure: str, outcome: str, classification: Classification, certainty: str, rules: dict,
              comparator: str = "sham procedure") -> str:
    """One sentence, e.g. 'Epidural steroid injection may result in little or no difference in pain compared
    with sham procedure.'"""
    w = rules["wording"]
    noun, verbs = OUTCOME_WORDS.get(outcome, (outcome.replace("_", " "),
                                              {"benefit": ("improves", "improve"), "harm": ("worsens", "worsen")}))
    if certainty == "very low":
        text = w["very_low"].format(procedure=procedure, outcome=noun, comparator=comparator)
    else:
        hedge = w["certainty_verbs"][certainty]
        form = 0 if not hedge or hedge.strip() == "probably" else 1
        if classification.direction == "none":
            verb = ("results", "result")[form]
            text = f"{procedure} {hedge}{verb} in little or no difference in {noun} compared with {comparator}"
        else:
            verb = verbs[classification.direction][form]
            text = f"{procedure} {hedge}{verb} {noun}{ADVERB[classification.magnitude]} compared with {comparator}"
    return text[0].upper() + text[1:] + "."
