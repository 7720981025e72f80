"""The optional ``other_guidance.csv`` table: other organisations' guidance, as cited data.

Real, published guidance (not synthetic), one row per recommendation as we
summarise it, each with the bibliography key of its source in
``references.bib``. The book's introduction shows it.
"""

from __future__ import annotations

from analysis.dataset.schema import Field, Table

OTHER_GUIDANCE = Table(
    "other_guidance",
    "Other organisations' guidance on interventional procedures for chronic spine pain (cited data, optional).",
    (
        Field("organisation", "string", "The organisation that issued the guidance", required=True),
        Field("year", "integer", "Year of publication", required=True, minimum=1990, maximum=2100),
        Field("citation", "string", "Bibliography key of the source in references.bib", required=True,
              pattern=r"^[a-z][a-z0-9]*$"),
        Field("procedures", "string", "The procedures the recommendation covers", required=True),
        Field("recommendation", "string", "The recommendation, summarised in our words", required=True),
    ),
    ("citation", "procedures"),
)
