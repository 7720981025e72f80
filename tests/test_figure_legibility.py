"""Figures legible in print: the infographic's smallest text is at least 7 pt on an A4 page of text, and the
figure fits on one page with its caption."""

from __future__ import annotations

import pandas as pd
from matplotlib.text import Text

from analysis import show
from analysis.book import reading
from analysis.figures.infographic import MIN_FONT, PHONE_WIDTH, WIDTH

TEXT_WIDTH_IN = (21.0 - 2 * 2.5) / 2.54  # A4 minus the book's 2.5 cm margins (analysis/render/pandoc.py)
TEXT_HEIGHT_IN = (29.7 - 2 * 2.7) / 2.54
CAPTION_IN = 0.6


def test_the_infographic_prints_no_text_under_7_pt_and_fits_a_page(rendered_project):
    with reading(rendered_project.path / "_results"):
        fig = show.infographic()
    scale = TEXT_WIDTH_IN / WIDTH
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    assert len(sizes) > 50 and min(sizes) >= MIN_FONT
    assert min(sizes) * scale >= 7.0
    assert fig.get_size_inches()[1] * scale + CAPTION_IN <= TEXT_HEIGHT_IN
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "Does not apply to: acute spine pain" in texts and "Research needed" in texts  # as the published one


def test_the_phone_infographic_keeps_the_print_text_size_and_its_width(rendered_project):
    """Not the page shrunk: a narrower figure (every panel one below the other) with the same smallest text."""
    with reading(rendered_project.path / "_results"):
        fig = show.infographic(phone=True)
    assert fig.get_size_inches()[0] == PHONE_WIDTH < WIDTH
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip()]
    assert len(sizes) > 50 and min(sizes) >= MIN_FONT
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    for panel in ("Axial pain", "Radicular pain", "Research needed", "Does not apply to", "Harms and burden"):
        assert panel in texts


def test_the_research_needed_counts_the_procedures_of_low_certainty_from_the_results(rendered_project):
    """The infographic's research item counts, per population, the procedures whose effect on pain is of low or
    very low certainty in the certainty table (recomputed here from the CSV)."""
    results = rendered_project.path / "_results"
    cert = pd.read_csv(results / "certainty.csv")
    pain = cert[cert["outcome"] == "pain"]
    with reading(results):
        text = show.research_needed()[0]
    for population in ("axial", "radicular"):
        rows = pain[pain["population"] == population]
        n = int(rows["certainty"].isin(["low", "very low"]).sum())
        assert f"{n} of {len(rows)} for {population}" in text, text
