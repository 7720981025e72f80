"""The panel judgements of the synthetic package (data/judgements.csv).

Where the rules of settings/guideline.yaml, applied to the synthetic trials,
do not give the published certainty (Wang et al. BMJ 2025;388:e079971; Busse et
al. BMJ 2025;388:e079970), a judgement records what a panel would plausibly
have decided and why. These are ours, not the guideline panel's.
"""

from __future__ import annotations

JUDGEMENTS = (
    ("pain/axial/joint-rf", "risk_of_bias", "serious",
     "trials with unblinded providers show larger effects than trials with blinded providers (credible subgroup "
     "effect, test of interaction p = 0.005 in the guideline), so the pooled effect is judged at risk of bias "
     "although most of the evidence comes from trials at low risk"),
    ("pain/radicular/drg-rf", "inconsistency", "not serious",
     "the prediction interval reaches only marginally beyond the MID for benefit; the panel judged the "
     "heterogeneity unimportant for a conclusion of little or no effect"),
    ("pain/radicular/epidural-la", "incoherence", "serious",
     "direct evidence comes from two small trials at high risk of bias; the panel rated down one level, a concern "
     "shared with imprecision (the CI reaches an important benefit), not two"),
    ("pain/radicular/epidural-la-steroid", "inconsistency", "not serious",
     "the prediction interval reaches only marginally beyond the MID for benefit; the panel judged the "
     "heterogeneity unimportant for a conclusion of little or no effect"),
    ("pain/radicular/epidural-la-steroid", "incoherence", "not serious",
     "direct evidence from 13 trials dominates the network estimate, the node-splitting test is not significant "
     "at 0.05, and both direct and indirect intervals overlap little or no effect"),
)


def judgement_rows() -> list[dict]:
    return [{"estimate": e, "domain": d, "rating": r, "rationale": why} for e, d, r, why in JUDGEMENTS]
