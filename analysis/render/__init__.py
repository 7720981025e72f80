"""Render the Quarto book (``_quarto.yml`` + ``chapters/*.qmd``) without Quarto.

Chain: .qmd -> notebook executed in a Jupyter kernel (nbclient) -> pandoc
markdown -> pandoc (HTML; Typst) with ``crossref.lua`` and citeproc -> typst -> PDF.

    from analysis.render import render_book, RenderError
    result = render_book(project_dir, out_dir=None, progress=print, formats=("html", "pdf"))
"""

from __future__ import annotations

from .book import RenderResult, load_config, render_book
from .errors import RenderError

__all__ = ["RenderError", "RenderResult", "load_config", "render_book"]
