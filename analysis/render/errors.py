"""The error every step of the renderer raises."""

from __future__ import annotations


class RenderError(Exception):
    """Rendering failed. ``str()`` is a readable multi-line message.

    Attributes: ``chapter`` (project-relative .qmd path or None), ``cell``
    (1-based number of the code cell within the chapter, or None), ``label``
    (the cell's ``#| label`` or None), ``detail`` (the underlying error text).
    """

    def __init__(self, summary: str, *, chapter: str | None = None, cell: int | None = None,
                 label: str | None = None, detail: str = "") -> None:
        self.summary = summary
        self.chapter = chapter
        self.cell = cell
        self.label = label
        self.detail = detail
        super().__init__(summary)

    def __str__(self) -> str:
        where = []
        if self.chapter:
            where.append(self.chapter)
        if self.cell is not None:
            where.append(f"cell {self.cell}" + (f" (label: {self.label})" if self.label else ""))
        head = ": ".join(where + [self.summary]) if where else self.summary
        return head + ("\n" + self.detail.rstrip() if self.detail else "")
