"""Words the book prints for the data package's codes (one place, so every table says the same)."""

from __future__ import annotations

LABELS = {
    # populations and presenting complaints
    "axial": "Axial pain", "radicular": "Radicular pain", "mixed": "Mixed",
    "facet_joint_syndrome": "Facet joint syndrome", "sacroiliac_joint_syndrome": "Sacroiliac joint syndrome",
    "intervertebral_disc_syndrome": "Intervertebral disc syndrome", "spondylolisthesis": "Spondylolisthesis",
    "chronic_post_surgical_pain": "Chronic post-surgical pain", "disc_herniation_or_bulge": "Disc herniation or bulge",
    "spinal_stenosis": "Spinal stenosis", "not_reported": "Not reported",
    # pain duration
    "months_reported": "Duration reported", "chronic_only": "Reported only as chronic",
    "at_least_80_percent_3_months": "At least 80% of patients with pain for 3 months or more",
    # diagnostic blocks
    "relief_over_50": "Relief over 50%", "relief_over_75": "Relief over 75%", "relief_over_80": "Relief over 80%",
    "unclear": "Threshold unclear", "positive_block_excluded": "Positive block as an exclusion criterion",
    # location and funding
    "north_america": "North America", "europe": "Europe", "asia": "Asia", "africa": "Africa",
    "south_america": "South America", "australia": "Australia",
    "unfunded": "Unfunded", "non_industry": "Non-industry", "industry": "Industry",
    # harms
    "prolonged_pain_or_stiffness_over_48h": "Pain or stiffness lasting more than two days",
    "temporary_altered_level_of_consciousness": "Temporarily altered level of consciousness",
    # reasons a trial has no usable data
    "no_pain_outcome": "No pain outcome reported", "responder_outcome_only": "Only the proportion of responders reported",
    "no_measure_of_variability": "No measure of variability reported", "figures_only": "Results only in figures",
    "ineligible_comparator": "No eligible comparator arm", "crossover_without_first_period": "Crossover trial without first-period data",
}


def label(code) -> str:
    """The printed label of a code (the code itself, tidied, when none is defined)."""
    code = str(code)
    return LABELS.get(code, code.replace("_", " ").capitalize())
