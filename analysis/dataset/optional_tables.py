"""The tables a data package may omit: their schemas, declared once, beside the required ones
(:mod:`analysis.dataset.schema`). Their checks and their use live in the modules that read them
(:mod:`analysis.dataset.responders`, :mod:`analysis.dataset.judgements`)."""

from __future__ import annotations

from analysis.dataset.judgements import JUDGEMENTS  # the panel's GRADE judgements
from analysis.dataset.other_guidance import OTHER_GUIDANCE  # cited data, not synthetic
from analysis.dataset.schema import MAX_PATIENTS, MAX_WEEKS, MIN_WEEKS, Field, ForeignKey, Table

RESPONDER_OUTCOMES = ("pain_responder",)
DEFINITIONS = ("relief_at_least_50_percent", "complete_relief")

RESPONDERS = Table(
    "responders",
    "Binary responder outcomes per arm and timepoint, for trials that report the proportion of responders "
    "(optional table).",
    (
        Field("study", "string", "Trial id", required=True),
        Field("arm", "string", "Arm id", required=True),
        Field("outcome", "string", "Responder outcome", required=True, enum=RESPONDER_OUTCOMES),
        Field("definition", "string", "What counted as a response", required=True, enum=DEFINITIONS),
        Field("timepoint_weeks", "number", "Weeks after the procedure (from under an hour to twenty years)",
              required=True, minimum=MIN_WEEKS, maximum=MAX_WEEKS),
        Field("responders", "integer", "Patients who responded", required=True, minimum=0, maximum=MAX_PATIENTS),
        Field("n", "integer", "Patients assessed", required=True, minimum=0, exclusive_minimum=True,
              maximum=MAX_PATIENTS),
        Field("source", "string", "Where the numbers come from ('synthetic' for generated rows)"),
    ),
    ("study", "arm", "outcome", "timepoint_weeks"),
    (ForeignKey(("study", "arm"), "arms", ("study", "arm")),),
)

OPTIONAL_TABLES: tuple[Table, ...] = (RESPONDERS, JUDGEMENTS, OTHER_GUIDANCE)
