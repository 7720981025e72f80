"""Numerals that chapter prose may type by hand: the one place they are listed.

Each entry is a regular expression (matched case-sensitively against a line of
prose) and why it is allowed. A numeral is allowed when it lies inside a match.
Everything else that is a number must come from the registry (``book.num``).
Keep this list short: a new entry needs a reason a reviewer would accept.
"""

ALLOWLIST: tuple[tuple[str, str], ...] = (
    (r"\b95\s?% (?:CIs?|confidence intervals?|credible intervals?|prediction intervals?)\b",
     "names the interval's level, a convention rather than a result"),
    (r"\b10[\s\u00a0]?cm\b", "the 10 cm pain scale the estimates are expressed on"),
    (r"\b0\s?(?:to|[\u2013-])\s?100?(?:[\s\u00a0]?mm)?\b",
     "the range of a pain or function scale (0-10, 0 to 100, 0-100 mm)"),
    (r"\b100[\s\u00a0]?mm\b", "the 100 mm pain scale that extractions are rescaled from"),
    (r"[A-Z][A-Za-z'\u2019-]+(?: et al\.?| and [A-Z][A-Za-z'\u2019-]+)?,? \(?(?:19|20)\d{2}[a-z]?\)?",
     "the year in a narrative citation (Author et al. 2025, Author (2016))"),
    (r"\b34[- ]societ(?:y|ies)\b", "the name of the 34-society statement (a rapid response)"),
    (r"\bRelief over \d+%|\bAt least \d+% of patients with pain for \d+ months?",
     "labels of trial categories in the characteristics table (block threshold, pain duration): definitions"),
    (r"\bat least 50% (?:pain )?relief\b",
     "the definition of a responder in the trials (responders.csv definition relief_at_least_50_percent)"),
    (r"\bSYN-\d{3}\b", "the identifier of a trial in the data package (studies.csv id): a label, not a result"),
)
