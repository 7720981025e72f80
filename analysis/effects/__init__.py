"""Effect sizes from arm-level and contrast-level data.

- :mod:`analysis.effects.arms` turns one study's arms into arm components
  (an effect on the measure's scale and a variance component) so that every
  contrast of two arms and the covariance of contrasts sharing an arm follow.
- :mod:`analysis.effects.measures` holds the measures (MD, SMD, OR, RR, RD).
- :mod:`analysis.effects.contrasts` builds the study contrasts with their
  within-study covariance, for arm-level or contrast-level input.
"""

from analysis.effects.contrasts import StudyContrasts, contrasts_from_arms, contrasts_from_pairs, without_information
from analysis.effects.measures import MEASURES, RATIO_MEASURES, pairwise_effect

__all__ = [
    "MEASURES",
    "RATIO_MEASURES",
    "StudyContrasts",
    "contrasts_from_arms",
    "contrasts_from_pairs",
    "pairwise_effect",
    "without_information",
]
