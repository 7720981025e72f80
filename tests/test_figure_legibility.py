"""Figures legible in print: the infographic's smallest text is at least 7 pt on an A4 page of text, and the
figure fits on one page with its caption."""

from __future__ import annotations

import pandas as pd
import pytest
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


def _cut_texts(fig) -> list[str]:
    """The texts of ``fig`` (legends included) that reach beyond its edges, so that a saved file cuts them."""
    fig.canvas.draw()
    renderer, box = fig.canvas.get_renderer(), fig.bbox
    undrawn = set()  # the labels of ticks outside an axis's limits, which matplotlib does not draw
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    cut = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and id(t) not in undrawn:
            b = t.get_window_extent(renderer)
            if b.x0 < box.x0 - 1 or b.x1 > box.x1 + 1 or b.y0 < box.y0 - 1 or b.y1 > box.y1 + 1:
                cut.append(t.get_text())
    return cut


@pytest.mark.parametrize("name", ["society-34", "pacific-spine", "example"])
def test_no_text_of_a_committed_letters_response_figure_is_cut(rendered_project, name):
    """Issue 15's text rules: figure legends (and every other label) are never cut at the figure's edge."""
    from analysis.responses.brief import response_figure

    with reading(rendered_project.path / "_results"):
        fig = response_figure(name)
    assert fig is not None and _cut_texts(fig) == []


def test_no_text_of_a_paired_forest_plot_is_cut():
    """Long procedure names and an odds-ratio axis (whose legend was once cut) stay inside the figure."""
    from analysis.figures.scenario_forest import paired_forest

    long = "dorsal root ganglion radiofrequency with epidural injection of local anaesthetic with steroids"
    base = pd.DataFrame({"treatment": ["a", "b"], "or": [16.0, 1.2], "or_low": [1.66, 0.4], "or_high": [154.6, 3.1]})
    scenario = pd.DataFrame({"treatment": ["a", "b"], "or": [4.94, 1.1], "or_low": [0.41, 0.5], "or_high": [59.9, 2.9]})
    fig = paired_forest(base, scenario, {"a": long, "b": "sham"}, columns=("or", "or_low", "or_high"), log=True,
                        xlabel="Odds ratio of at least 50% pain relief versus sham", title=f"{long}, radicular pain",
                        scenario_label="adding the trial of Ghahreman and colleagues (2010)")
    assert _cut_texts(fig) == []
