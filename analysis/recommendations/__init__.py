"""Evidence to decision: direction and strength per procedure and population, with a generated rationale.

    from analysis.recommendations import recommend
    recs = recommend(certainty_results, ds.guideline, rules)   # Recommendation: direction, strength, rationale, ...
"""

from analysis.recommendations.absolute import control_baseline, control_risk, risk_difference_per_1000
from analysis.recommendations.decision import Decision, decide
from analysis.recommendations.harms import HarmsAndBurden, harms_and_burden
from analysis.recommendations.recommend import Recommendation, recommend, recommendations_frame

__all__ = ["Decision", "HarmsAndBurden", "control_baseline", "control_risk", "decide", "harms_and_burden",
           "Recommendation", "recommend", "recommendations_frame", "risk_difference_per_1000"]
