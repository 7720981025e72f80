"""Numbers written as text: ASCII digits only, as a CSV writes them.

Python's ``int()`` and ``float()`` also accept ``1_000``, full-width digits (``１２``) and surrounding white space,
which no extraction form means; the data package's validator and ``rapidrec nma``'s reader both take a cell as a
number only when it matches these patterns.
"""

from __future__ import annotations

import re

INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def parse_number(value) -> float | None:
    """``value`` as a float (a number already, or text matching :data:`NUMBER`), or None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        return float(value)
    try:  # numpy scalars
        return float(value) if type(value).__module__ == "numpy" else None
    except (TypeError, ValueError):
        return None
