"""The whole book rendered without Quarto, as `rapidrec render` does on a machine without it."""

import re
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import book_html

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = "The data are synthetic."


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def html_text(html: str) -> str:
    """The visible text of an HTML page (tags and embedded images removed), normalised."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return normalise(unescape(re.sub(r"<[^>]+>", "", html)))


def assert_numbered_and_referenced(text: str) -> None:
    """The axial effects table and forest plot carry chapter-numbered captions, cited by number in the prose."""
    table = re.search(r"Table (\d+\.\d+): Pain relief versus sham procedure, axial pain", text)
    figure = re.search(r"Figure (\d+\.\d+): Pain relief versus sham procedure for chronic axial", text)
    assert table and figure
    assert text.count(f"Table {table.group(1)}") >= 2  # the caption and at least one cross-reference
    assert text.count(f"Figure {figure.group(1)}") >= 2


@pytest.fixture(scope="module")
def rendered(rendered_project):
    project = rendered_project.path
    html = book_html(project / "_book")
    # the guideline's own chapters and its references (the answers to critics and the appendices are
    # checked by their own tests)
    pdf_text = normalise(rendered_project.pdf_text("About this document", "1 Summary", "2 Why this guideline is needed",
                                                   "3 The recommendations", "4 The evidence", "References"))
    return project, html, pdf_text, rendered_project.stderr


def test_render_reports_progress(rendered):
    _, _, _, stderr = rendered
    assert "chapters/evidence.qmd" in stderr


def test_html_says_the_data_are_synthetic(rendered):
    assert SYNTHETIC in rendered[1]


def test_pdf_says_the_data_are_synthetic_on_its_first_page(rendered):
    project = rendered[0]
    first = normalise(PdfReader(project / "_book" / "rapidrec-guideline.pdf").pages[0].extract_text())
    assert "synthetic" in first


def test_html_has_the_figure_the_citation_and_numbered_cross_references(rendered):
    html = rendered[1]
    assert re.search(r"<img src=\"figures/[^\"]+\.svg\"", html)  # the figures are files of the site
    text = html_text(html)
    assert "Wang et al. 2025" in text
    assert_numbered_and_referenced(text)
    assert re.search(r'href="(?:sec-[a-z-]+\.html)?#fig-forest-axial"', html)


def test_pdf_has_the_same_content(rendered):
    text = rendered[2]
    assert SYNTHETIC in text
    assert "Wang et al. 2025" in text
    assert_numbered_and_referenced(text)


def test_prose_numbers_come_from_the_registry(rendered):
    import json

    project, html, pdf_text, _ = rendered
    numbers = json.loads((project / "_results" / "numbers.json").read_text())["numbers"]
    for key in ("dataset/trials-eligible", "dataset/patients-analysed", "pain/axial/joint-rf/vs-sham/estimate"):
        text = numbers[key]["text"]
        assert text in html_text(html)
        assert text in pdf_text


def test_data_package_is_not_modified(rendered):
    project = rendered[0]
    for path in (ROOT / "data").rglob("*"):
        if path.is_file():
            assert (project / "data" / path.relative_to(ROOT / "data")).read_bytes() == path.read_bytes()


def test_the_sources_the_data_name_are_cited_and_listed(rendered):
    """The harms incidences come from the review data/guideline.yaml names: the text cites it (a link to its
    entry) and the reference list holds that entry."""
    import yaml

    project, html, pdf_text, _ = rendered
    source = yaml.safe_load((project / "data" / "guideline.yaml").read_text())["harms_observational"]["source"]
    author = source.split()[0]  # "Malam et al., ..."
    key = f"{author.lower()}2025"
    assert f'href="references.html#ref-{key}"' in html  # the in-text citation links to its entry
    entry = re.search(rf'<div id="ref-{key}"[^>]*class="csl-entry"[^>]*>(.*?)</div>', html, flags=re.S)
    assert entry, f"no reference-list entry for {key}"
    assert author in entry.group(1) and "non-randomized studies" in html_text(entry.group(1)).lower()
    assert f"{author} et al. 2025" in html_text(html)  # the citation as printed
    assert f"{author}, Faheem" in pdf_text  # the PDF's reference list holds it too
