"""The optional ``judgements.csv`` table: GRADE judgements the panel made by hand.

Each row replaces the rule-based rating of one domain of one estimate
(:mod:`analysis.certainty.judgements`), with the rationale printed beside it.
``estimate`` is ``outcome/population/procedure-code`` (e.g.
``pain/axial/joint-rf``). A package without the file has no judgements.
"""

from __future__ import annotations

from analysis.dataset.issues import ValidationIssue
from analysis.dataset.schema import Field, Table

DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias", "incoherence")
RATINGS = ("not serious", "serious", "very serious")
ESTIMATE_PATTERN = r"^[a-z_]+/(axial|radicular)/[a-z0-9-]+$"

JUDGEMENTS = Table(
    "judgements",
    "Panel judgements that replace the rule-based GRADE rating of one domain of one estimate (optional table).",
    (
        Field("estimate", "string", "The estimate: outcome/population/procedure code (versus the reference)",
              required=True, pattern=ESTIMATE_PATTERN),
        Field("domain", "string", "GRADE domain", required=True, enum=DOMAINS),
        Field("rating", "string", "The panel's rating of the domain", required=True, enum=RATINGS),
        Field("rationale", "string", "Why, in words", required=True),
    ),
    ("estimate", "domain"),
)


def judgement_checks(tables: dict, display) -> list[ValidationIssue]:
    """Each judgement names an existing procedure code and has a unique estimate + domain."""
    t = tables.get("judgements")
    if t is None or t.empty or "nodes" not in tables:
        return []
    codes = set(tables["nodes"]["code"].astype(str))
    f = display(JUDGEMENTS.filename)
    issues, seen = [], {}
    for row in t.to_dict("records"):
        est, line = row.get("estimate"), row["_line"]
        if est and est.rsplit("/", 1)[-1] not in codes:
            issues.append(ValidationIssue(f, line, "estimate", est, "a procedure code of nodes.csv after the last '/'"))
        key = (est, row.get("domain"))
        if None not in key:
            if key in seen:
                issues.append(ValidationIssue(f, line, "estimate, domain", "/".join(key),
                                              f"one judgement per estimate and domain (already on row {seen[key]})"))
            seen.setdefault(key, line)
    return issues
