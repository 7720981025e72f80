"""Compile the Typst book to PDF with the ``typst`` package (embedded fonts only)."""

from __future__ import annotations

import os
from pathlib import Path

import typst

from .errors import RenderError


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH if set to a number (reproducible builds), else None."""
    try:
        return int(os.environ["SOURCE_DATE_EPOCH"])
    except (KeyError, ValueError):
        return None


def compile_pdf(typ: Path, pdf: Path, timestamp: int) -> list[str]:
    """Compile ``typ`` (root = its directory) to ``pdf`` created at ``timestamp`` (seconds since 1970, UTC);
    return typst's warnings."""
    try:
        _, warnings = typst.compile_with_warnings(
            str(typ), output=str(pdf), root=str(typ.parent), ignore_system_fonts=True,
            timestamp=timestamp)
    except typst.TypstError as e:
        hints = "\n".join(f"hint: {h}" for h in (getattr(e, "hints", None) or []))
        trace = "\n".join(str(t) for t in (getattr(e, "trace", None) or []))
        main = getattr(e, "diagnostic", None) or getattr(e, "message", None) or str(e)
        detail = "\n".join(x for x in (main, hints, trace) if x)
        raise RenderError(f"typst failed to compile {typ.name}", detail=detail) from None
    return [getattr(w, "message", str(w)) for w in warnings]
