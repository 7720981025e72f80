"""rapidrec's analysis package: every computation behind the guideline book.

The pipeline runs in one direction: data package -> validated tables -> effect
sizes (:mod:`analysis.effects`) -> models (:mod:`analysis.models`) -> results
registry (:mod:`analysis.registry`) -> chapters, which only read and show.
"""

__version__ = "0.1.0"
