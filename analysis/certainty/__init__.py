"""GRADE certainty of network estimates, one module per domain, combined by :mod:`rating`.

    from analysis.certainty import load_rules, assess_network
    rules = load_rules("settings/guideline.yaml")   # the project's rules
    for a in assess_network(net, ds.studies, rules, mid=1.5, higher_is_better=False, judgements=ds.judgements):
        a.certainty, a.classification.label, a.rating.reasons()
"""

from analysis.certainty.assess import Assessment, assess_network, estimate_id
from analysis.certainty.classification import Classification, classify
from analysis.certainty.config import load_rules
from analysis.certainty.rating import CertaintyRating, DomainRating, rate
from analysis.certainty.result import CertaintyResult, certainty_frame
from analysis.certainty.wording import statement

__all__ = ["Assessment", "CertaintyRating", "CertaintyResult", "Classification", "DomainRating", "assess_network",
           "certainty_frame", "classify", "estimate_id", "load_rules", "rate", "statement"]
