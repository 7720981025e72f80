"""A changed rule of ``settings/guideline.yaml``, and the panel judgements that keep it from a rating, in the
words of a response to a letter (no paths, codes or Python values; every number a registry entry).

    rule_sentence("risk_of_bias.domains", [..., "blinding_providers", ...], [...], number)
    # "This analysis changes the guideline's rule for risk of bias (the domains that count): blinding of
    #  providers no longer counts."

    rule_sentence("risk_of_bias.serious_share", 0.5, 0.75, number)
    # "This analysis changes the guideline's rule for risk of bias: the share of the evidence that rates an
    #  estimate down one level, from 0.50 to 0.75."

``number(path, which)`` gives the linked registry number of a rule's value (``which``: "base" or "scenario";
:func:`analysis.certainty.rule_paths.rule_id` names it).
"""

from __future__ import annotations

from typing import Callable

from analysis.certainty.levels import DOMAIN_WORDS
from analysis.certainty.rule_paths import is_number
from analysis.responses.paragraphs import join_words

SECTION_WORDS = {**DOMAIN_WORDS, "certainty": "the certainty rating", "classification": "the size of an effect",
                 "evidence_to_decision": "moving from evidence to a recommendation", "wording": "the wording"}
KEY_WORDS = {
    "domains": "the domains that count",
    "high_risk_domain_ratings": "the ratings of a domain that put a trial at high risk",
    "serious_share": "the share of the evidence that rates an estimate down one level",
    "very_serious_share": "the share of the evidence that rates an estimate down two levels",
    "thresholds_mid": "its thresholds, in minimal important differences",
    "prediction_interval": "the distribution of the prediction interval",
    "min_trials": "the fewest trials for a test of small-study effects",
    "egger_p": "the p-value of Egger's test below which it rates down",
    "side_p": "the p-value of the node-splitting test below which it rates down",
    "dbt_no_concerns_above": "the p-value of the design-by-treatment test above which there are no concerns",
    "dbt_major_at_or_below": "the p-value of the design-by-treatment test at or below which concerns are major",
    "not_estimable_levels": "the levels rated down when it cannot be tested",
    "small": "the smallest important effect, in minimal important differences",
    "moderate": "the smallest moderate effect, in minimal important differences",
    "large": "the smallest large effect, in minimal important differences",
    "start": "the level where rating starts",
    "same_cause_domains": "the domains rated down only once for a concern they share",
    "moderate_to_high": "the certainty of harms that counts as moderate or high",
}
VALUE_WORDS = {
    "sequence": "random sequence generation", "concealment": "allocation concealment",
    "blinding_patients": "blinding of patients", "blinding_providers": "blinding of providers",
    "blinding_assessors": "blinding of outcome assessors", "missing_data": "missing outcome data",
    "probably_high": "probably high", **DOMAIN_WORDS,
}


def _words(value) -> str:
    text = str(value)
    return VALUE_WORDS.get(text, text.replace("_", " "))


def _value(path: str, value, which: str, number: Callable[[str, str], str]) -> str:
    """A rule's value in words, its numbers linked."""
    if value is None:
        return "none (left to the panel)"
    if is_number(value):
        return number(path, which)
    if isinstance(value, list) and value:
        return join_words([_value(f"{path}.{i}", v, which, number) for i, v in enumerate(value)])
    if isinstance(value, list):
        return "none"
    return _words(value)


def rule_sentence(path: str, old, new, number: Callable[[str, str], str]) -> str:
    """What a scenario's change of the rule at ``path`` (from ``old`` to ``new``) does, in words."""
    section, _, rest = path.partition(".")
    key = rest.rsplit(".", 1)[-1] if rest else section
    head = f"This analysis changes the guideline's rule for {SECTION_WORDS.get(section, _words(section))}"
    is_words = lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)  # noqa: E731
    if is_words(old) and is_words(new):  # e.g. the risk-of-bias domains that count: what left, what came in
        gone, came = [x for x in old if x not in new], [x for x in new if x not in old]
        said = []
        if gone:
            said.append(f"{join_words([_words(x) for x in gone])} no longer {'counts' if len(gone) == 1 else 'count'}")
        if came:
            said.append(f"{join_words([_words(x) for x in came])} now {'counts' if len(came) == 1 else 'count'}")
        return f"{head} ({KEY_WORDS.get(key, _words(key))}): {'; '.join(said) or 'the same, reordered'}."
    what = KEY_WORDS.get(key, _words(key))
    return (f"{head}: {what}, from {_value(path, old, 'base', number)} to "
            f"{_value(path, new, 'scenario', number)}.")


def set_judgement_sentence(domain: str, estimate: str, rating: str) -> str:
    """What a scenario's ``judgement`` operation does (``estimate``: the procedure and population in words)."""
    what = DOMAIN_WORDS.get(domain, _words(domain))
    if rating == "rule":
        return f"It sets aside the panel's judgement of {what} for {estimate}, so that the guideline's rule decides."
    return f"It sets the judgement of {what} for {estimate} to {_words(rating)}."


def judgement_sentence(domain: str, estimates: list[str]) -> str:
    """Where panel judgements decide the domain whose rule changed (``estimates``: the procedures and
    populations they decide, in words): the judgement, not the rule, drives those ratings."""
    return (f"A panel judgement, not the rule, still decides {DOMAIN_WORDS.get(domain, _words(domain))} for "
            f"{join_words(estimates)}.")
