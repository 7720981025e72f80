"""Links from printed numbers to their audit-appendix entries, and tables built from registry ids."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

ANCHOR_PREFIX = "audit-"
STUDY_PREFIX = "audit-study-"
NUM_CLASS = "rr-num"
QUOTE_CLASS = "rr-quote"  # words quoted from the data package (e.g. a panel's rationale), not our sentences


def anchor(id: str) -> str:
    """The appendix anchor of a registry id ('/' -> ':'; ':' never occurs in an id, so this is one-to-one)."""
    return ANCHOR_PREFIX + id.replace("/", ":")


def id_from_anchor(name: str) -> str | None:
    """Inverse of :func:`anchor` (``None`` when ``name`` is not a number anchor)."""
    if not name.startswith(ANCHOR_PREFIX) or name.startswith(STUDY_PREFIX):
        return None
    return name[len(ANCHOR_PREFIX):].replace(":", "/")


def study_anchor(study: str) -> str:
    return STUDY_PREFIX + study


def link(id: str, text: str) -> str:
    """Markdown of a generated number: its text linking to its appendix entry."""
    return f"[{text}](#{anchor(id)}){{.{NUM_CLASS}}}"


class Num(str):
    """A registry number: behaves as its printed text; shown as inline output it is a link.

    ``str(num)`` and f-strings give the plain text (so generated sentences can
    use it). Jupyter (and therefore both Quarto and the built-in renderer)
    displays it through ``_repr_markdown_``, the link to the appendix entry.
    """

    id: str

    def __new__(cls, id: str, text: str):
        obj = super().__new__(cls, text)
        obj.id = id
        return obj

    @property
    def markdown(self) -> str:
        return link(self.id, str(self))

    def _repr_markdown_(self) -> str:
        return self.markdown


AUDIT_TRAIL = "audit.html"  # the complete audit trail beside the book (_book/audit.html and audit.pdf)


class TrailNum(Num):
    """A registry number the book prints without an entry in its appendix (a league table's cell: the appendix
    holds the numbers of the text, summary tables and forest plots): it links to its entry in the complete
    audit trail beside the book."""

    @property
    def markdown(self) -> str:
        return f"[{self}]({AUDIT_TRAIL}#{anchor(self.id)}){{.{NUM_CLASS}}}"


class Markup(str):
    """Markdown our code wrote on purpose (a bold section row, a citation): passed through as it is. Data never
    becomes Markup except through :func:`markdown_literal`."""

    @property
    def markdown(self) -> str:
        return str(self)


class NoteMarks(str):
    """Footnote letters after a cell's text (e.g. "a,b"): plain text as a string, superscript as Markdown."""

    @property
    def markdown(self) -> str:
        return f"^{self}^" if self else ""


def markdown_literal(text: str) -> str:
    """``text`` as Markdown that shows exactly that text: every ASCII punctuation mark backslash-escaped (pandoc
    lets any of them be escaped), runs of white space one space (a no-break space, written on purpose, stays)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", re.sub(r"[^\S\u00a0]+", " ", str(text)))


def quoted(text: str) -> str:
    """Markdown of words quoted from the data package: literal text in quotation marks, marked as a quote (its
    numerals are the source's, not generated numbers; see :mod:`analysis.audit.lint`)."""
    return f"\u201c[{markdown_literal(text)}]{{.{QUOTE_CLASS}}}\u201d"


@dataclass(frozen=True)
class Cell:
    """A table cell: literal text, or registry numbers joined by literal separators."""

    parts: tuple  # of str (literal) and Num (registry number)

    @property
    def text(self) -> str:
        return "".join(str(p) for p in self.parts)

    @property
    def markdown(self) -> str:
        return "".join(p.markdown if isinstance(p, (Num, NoteMarks, Markup)) else _esc(p) for p in self.parts)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.parts if isinstance(p, Num)]


def _esc(text: str) -> str:
    """Literal cell text (:func:`markdown_literal`): runs of white space one space, kept at the ends."""
    return markdown_literal(text)


class LinkedTable:
    """A display table whose number cells are registry entries; rendered as a pandoc pipe table.

    ``columns``: header names; ``rows``: lists of cells, each a :class:`Cell`, a
    :class:`Num` or plain text; ``right``: which columns are right-aligned.
    """

    def __init__(self, columns: list[str], rows: list[list], right: list[bool] | None = None):
        self.columns = list(columns)
        self.rows = [[c if isinstance(c, Cell) else Cell((c,)) for c in row] for row in rows]
        self.right = list(right) if right is not None else [False] * len(self.columns)

    @property
    def ids(self) -> list[str]:
        return [i for row in self.rows for c in row for i in c.ids]

    def frame(self):
        """The table as printed (plain text), as a pandas DataFrame."""
        return pd.DataFrame([[c.text for c in row] for row in self.rows], columns=self.columns)

    def _repr_markdown_(self) -> str:
        # a column is as wide as its longest cell (at most 36 characters), never narrower than its header's
        # longest word: a long header wraps rather than widening a column of short numbers
        widths = [max([3] + [len(w) for w in h.split()] + [len(r[i].text) for r in self.rows])
                  for i, h in enumerate(self.columns)]
        body = [[c.markdown for c in row] for row in self.rows]

        def line(values):
            return "| " + " | ".join(values) + " |"

        # pandoc sizes columns by their dashes: use the printed width, not the link markup
        rule = "|" + "|".join(("-" * (min(w, 36) + 1) + ":") if r else (":" + "-" * (min(w, 36) + 1))
                              for w, r in zip(widths, self.right)) + "|"
        return "\n".join([line([_esc(h) for h in self.columns]), rule] + [line(r) for r in body]) + "\n"
