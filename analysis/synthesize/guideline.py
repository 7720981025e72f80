"""The content of ``data/guideline.yaml``: the panel's thresholds, rules and the harms evidence.

Numbers come from Busse et al. BMJ 2025;388:e079970 (``../shared/published/guideline_facts.yaml``)
unless an entry says ``assumption``.
"""

from __future__ import annotations

import yaml

HEADER = """\
# Guideline parameters read by rapidrec. Source: Busse et al. BMJ 2025;388:e079970 (BMJ Rapid
# Recommendation) and the linked reviews, unless an entry is marked as an assumption.
# Written by `rapidrec synthesize`; edit by hand only together with data/README.md.
"""

GUIDELINE = {
    "mids": {
        "pain": {"value": 1.5, "unit": "cm", "scale": "10 cm visual analogue scale",
                 "source": "guideline: minimally important difference 1.5 cm on a 10 cm VAS"},
        "physical_function": {"value": 10, "unit": "points", "scale": "0-100, higher = better",
                              "source": "assumption: not stated in the guideline; 10 points on a 0-100 scale "
                                        "(e.g. Oswestry Disability Index) is a commonly used anchor-based MID"},
    },
    "analysis_scales": {
        "pain": {"min": 0, "max": 10, "higher_is_better": False, "unit": "cm",
                 "note": "negative differences mean less pain"},
        "physical_function": {"min": 0, "max": 100, "higher_is_better": True, "unit": "points",
                              "note": "positive differences mean better function"},
    },
    "timepoint_rules": {
        "injection": {"max_weeks": 13, "rule": "follow-up closest to, not exceeding, 3 months"},
        "ablation": {"max_weeks": 26, "rule": "follow-up closest to, not exceeding, 6 months"},
        "source": "ISSLS 2024 conference abstract of the NMA",
    },
    "mixed_population_network": "radicular",
    "critical_outcomes": ["pain"],
    "important_outcomes": ["physical_function", "emotional_function", "role_function", "social_function",
                           "sleep_quality", "opioid_use", "adverse_events"],
    "harms_observational": {
        "source": "Malam et al., systematic review of non-randomised studies (BMJ Open, submitted)",
        "incidence_percent": {
            "deep_infection": {"value": 0.7, "certainty": "low"},
            "dural_puncture": {"value": 1.4, "certainty": "low"},
            "prolonged_pain_or_stiffness_over_48h": {"value": 8.6, "certainty": "low"},
            "temporary_altered_level_of_consciousness": {"value": 2.1, "certainty": "low"},
        },
        "catastrophic": {"events": "paraplegia, spinal cord infarction, death", "certainty": "very low",
                         "note": "very rare; US FDA: 90 serious events 1997-2014 after epidural corticosteroid "
                                 "injections, no denominator"},
        "randomised_trials_reporting_adverse_events": "about half of eligible trials",
    },
    "burden": {"certainty": "high",
               "description": "important, recurring burden: travel, discomfort, lost productivity, out-of-pocket "
                              "costs; repeat injections every 2 weeks to 3 months, nerve ablation about every "
                              "6 months"},
    "costs_usd": {"us_epidural_steroid_injection": ">1000, up to 5000", "us_radiofrequency_ablation": "about 6000",
                  "china_range": "3 to 538"},
    "values_and_preferences": {
        "statement": "most patients place high value on small but important pain relief and would accept the "
                     "typical risks and burden for a benefit approximating the MID",
        "rules": [
            {"benefit_certainty": ["moderate", "high"], "benefit": "important", "harm_or_burden": "moderate_to_high",
             "choice": "most would choose the procedure"},
            {"benefit_certainty": ["very low"], "benefit": "any", "harm_or_burden": "moderate_to_high",
             "choice": "almost all would decline"},
            {"benefit_certainty": ["low"], "benefit": "none", "harm_or_burden": "moderate_to_high",
             "choice": "almost all would decline"},
            {"benefit_certainty": ["low"], "benefit": "important", "harm_or_burden": "moderate_to_high",
             "choice": "a minority (<50%) would choose the procedure"},
        ],
    },
    "consensus": {"strong": "80% of panel", "conditional": "majority"},
    # the recommendations as the published guideline groups and orders them (axial, then radicular); a
    # procedure in no group (e.g. a node a scenario adds) is shown after the groups, on its own
    "recommendation_groups": {
        "source": "guideline: recommendations, in the published order",
        "axial": [
            {"heading": "joint radiofrequency ablation with or without joint-targeted injection of local anaesthetic "
                        "plus steroid", "procedures": ["joint-rf", "joint-rf-joint-la-steroid"]},
            {"heading": "epidural injection of local anaesthetic, steroids, or their combination",
             "procedures": ["epidural-la", "epidural-steroid", "epidural-la-steroid"]},
            {"heading": "joint-targeted injection of local anaesthetic, steroids, or their combination",
             "procedures": ["joint-la", "joint-steroid", "joint-la-steroid"]},
            {"heading": "intramuscular injection of local anaesthetic with or without steroids",
             "procedures": ["im-la", "im-la-steroid"]},
        ],
        "radicular": [
            {"heading": "dorsal root ganglion radiofrequency with or without epidural injection of local "
                        "anaesthetic or local anaesthetic plus steroids",
             "procedures": ["drg-rf", "drg-rf-epidural-la", "drg-rf-epidural-la-steroid"]},
            {"heading": "epidural injection of local anaesthetic, steroids, or their combination",
             "procedures": ["epidural-la", "epidural-steroid", "epidural-la-steroid"]},
        ],
    },
}


def guideline_text() -> str:
    return HEADER + yaml.safe_dump(GUIDELINE, sort_keys=False, allow_unicode=True, width=110)
