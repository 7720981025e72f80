"""What the synthetic dataset must reproduce: published figures, and the values we had to assume.

Published numbers are copied from ``../shared/published/`` (sources there):
Table 2 of Busse et al. BMJ 2025;388:e079970 and the NMA abstract (BMJ
2025;388:e079971). ``ASSUMED_EFFECTS`` are our choices for rows whose estimate is
not in the public record; each is consistent with the published certainty and
statement and is listed as an assumption in data/README.md.
"""

from __future__ import annotations

TRIALS_ELIGIBLE = 132
TRIALS_ANALYSED = 81
PATIENTS_ANALYSED = 7977

# (median, q1, q3, trials reporting) of trial-level means
QUANTILES = {
    "enrolled_n": (64, 45, 110, 81),
    "age_mean": (48, 44, 56, 81),
    "women_percent": (59, 50, 67, 75),
    "baseline_pain_cm": (6.8, 5.9, 7.7, 81),
    "pain_duration_months": (46, 17, 98, 50),
}

CONDITIONS = {
    "axial": {"facet_joint_syndrome": 28, "sacroiliac_joint_syndrome": 9, "intervertebral_disc_syndrome": 3,
              "not_reported": 2, "spondylolisthesis": 1, "chronic_post_surgical_pain": 1, "mixed": 1},
    "radicular": {"disc_herniation_or_bulge": 24, "spinal_stenosis": 8, "chronic_post_surgical_pain": 1,
                  "mixed": 1},
    "mixed": {"mixed": 2},
}
DURATION_REPORTING = {"months_reported": 50, "chronic_only": 20, "at_least_80_percent_3_months": 11}
BLOCK_THRESHOLDS = {"relief_over_50": 13, "relief_over_75": 5, "relief_over_80": 6, "unclear": 6,
                    "positive_block_excluded": 2}
BLOCK_NOT_REQUIRED = 49
REGIONS = {"north_america": 26, "europe": 25, "asia": 23, "africa": 4, "south_america": 2, "australia": 1}
FUNDING = {"not_reported": 33, "unfunded": 25, "non_industry": 22, "industry": 1}

# pooled pain effect versus sham, cm on a 10 cm VAS: (estimate, ci_low, ci_high, certainty)
PUBLISHED_EFFECTS = {
    ("axial", "epidural-la"): (0.28, -1.18, 1.75, "moderate"),
    ("axial", "epidural-la-steroid"): (0.20, -1.11, 1.51, "moderate"),
    ("axial", "joint-steroid"): (0.83, -0.26, 1.93, "moderate"),
    ("axial", "im-la"): (-0.53, -1.97, 0.92, "low"),
    ("axial", "epidural-steroid"): (0.39, -0.94, 1.71, "low"),
    ("axial", "joint-la"): (0.63, -0.57, 1.83, "low"),
    ("axial", "joint-la-steroid"): (0.22, -0.42, 0.87, "low"),
    ("axial", "im-la-steroid"): (1.82, -0.29, 3.93, "low"),
}
ASSUMED_EFFECTS = {
    ("axial", "joint-rf"): (-0.62, -1.10, -0.14, "very low"),
    ("axial", "joint-rf-joint-la-steroid"): (-0.45, -1.75, 0.85, "not published"),
    ("radicular", "epidural-la-steroid"): (-0.25, -0.68, 0.18, "moderate"),
    ("radicular", "drg-rf"): (-0.15, -0.85, 0.55, "moderate"),
    ("radicular", "epidural-la"): (-0.35, -1.55, 0.85, "low"),
    ("radicular", "epidural-steroid"): (-0.45, -1.58, 0.68, "low"),
    ("radicular", "drg-rf-epidural-la"): (-0.50, -2.00, 1.00, "not published"),
    ("radicular", "drg-rf-epidural-la-steroid"): (-0.30, -1.60, 1.00, "not published"),
}
EFFECT_TOLERANCE = {"estimate": 0.05, "ci_low": 0.10, "ci_high": 0.10}

# joint radiofrequency versus sham, axial pain, by provider blinding (pairwise random effects)
SUBGROUP = {
    "unblinded": (4, -1.74, -2.73, -0.76),
    "blinded": (7, -0.23, -0.60, 0.14),
}
SUBGROUP_INTERACTION_P = 0.005
SUBGROUP_P_TOLERANCE = 0.003
