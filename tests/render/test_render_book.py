"""End-to-end tests of analysis.render on the minibook fixture (real kernel, pandoc, typst)."""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.render import RenderError, render_book
from tests.conftest import book_html

MINIBOOK = Path(__file__).with_name("minibook")
EXPECTED = [
    "Figure 1.1: Risk ratios by study",   # numbered figure caption
    "Figure 1.1 shows the estimates",      # resolved @fig- reference
    "Table 1.1: Included studies",         # DataFrame table caption
    "Table 1.2: Events by arm",            # output: asis table caption
    "Table 1.1 lists the studies",
    "Higgins et al.",                      # citeproc in-text citation
    "Measuring Inconsistency in Meta-Analyses",  # bibliography entry
    "pooled 3 studies",                    # inline expressions
    "risk ratio was 0.82",
    "results are in Chapter 1",            # @sec- reference
    "Details are in Section 1.1",
    "Alpha 2019",
]


def norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("&nbsp;", " ").split())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("mini")
    project = root / "minibook"
    shutil.copytree(MINIBOOK, project)
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")  # the setup cell must still produce inline figures
        result = render_book(project, progress=messages.append)
    return project, result, messages


def test_result_and_layout(rendered):
    project, result, messages = rendered
    out = project / "_book"
    assert result.html == out / "index.html" and result.html.is_file()
    assert result.pdf == out / "book.pdf" and result.pdf.is_file()
    assert result.chapters == ("index.qmd", "chapters/results.qmd", "references.qmd")
    assert result.seconds > 0
    assert "executing chapters/results.qmd (2/3)" in messages
    # what a reader needs, no more: the PDF and the site (a page per chapter, its figures, style and search)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "book.pdf", "figures", "figures/results-1.svg", "index.html", "rapidrec.css", "references.html",
        "search-index.js", "search.js", "sec-results.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700
    assert result.work == project / "_cache" / "render" / "_book"  # the intermediates, for debugging
    assert (result.work / "notebooks" / "results.ipynb").is_file()
    assert (result.work / "references.bib").is_file()
    assert not [p for p in project.iterdir() if p.name.startswith("._book")]  # no staging left
    assert [p.name for p in result.work.parent.iterdir()] == ["_book"]  # nor a stray work directory


def test_html_contents(rendered):
    _, result, _ = rendered
    html = book_html(result.html.parent)
    assert 'src="figures/results-1.svg"' in html
    text = norm(htmllib.unescape(re.sub(r"<[^>]+>", "", html)))
    for snippet in EXPECTED:
        assert snippet in text, snippet
    assert 'href="#fig-forest"' in html and 'id="fig-forest"' in html
    assert "all checks passed: True" in html  # echo: true cell shows code and stdout
    assert 'print("all checks passed:", pooled < 1)' in text
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", html)  # nothing from the web


def test_pdf_contents(rendered):
    _, result, _ = rendered
    reader = PdfReader(result.pdf)
    text = norm(" ".join(page.extract_text() for page in reader.pages))
    for snippet in EXPECTED:
        assert snippet in text, snippet
    assert reader.metadata.title == "Minibook"
    assert reader.metadata.creation_date.isoformat().startswith("2024-05-01T00:00:00")  # the book's date
    first = norm(reader.pages[0].extract_text())  # title page: title, author, date, abstract
    for snippet in ("Minibook", "Rapidrec Tests", "May 1, 2024", "exercises every feature"):
        assert snippet in first, snippet


def test_rerender_is_byte_identical_and_replaces(rendered):
    project, result, _ = rendered
    work = result.work
    before = {p: p.read_bytes() for p in (*result.html.parent.rglob("*.*"), work / "book.typ",
                                          work / "figures" / "results-1.svg")}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MPLBACKEND", "Agg")
        again = render_book(project)
    assert again.html == result.html
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path.name} differs between renders"
    svg = (work / "figures" / "results-1.svg").read_text()
    assert "<dc:date>" not in svg
    height = float(re.search(r'<svg[^>]* height="([\d.]+)pt"', svg).group(1))
    assert height < 200  # #| fig-height: 2.6 (inches) was honoured


def _book(tmp_path: Path, chapters: dict[str, str]) -> Path:
    project = tmp_path / "book"
    project.mkdir()
    listing = "\n".join(f"    - {name}" for name in chapters)
    (project / "_quarto.yml").write_text(
        "project:\n  type: book\nbook:\n  title: T\n  chapters:\n" + listing
        + "\nexecute:\n  echo: false\n", encoding="utf-8")
    for name, text in chapters.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    return project


BROKEN = """# Broken

```{python}
x = 1
```

```{python}
#| label: calc
y = x / 0
```
"""


def test_failing_cell_names_chapter_cell_and_exception(tmp_path):
    project = _book(tmp_path, {"index.qmd": "# Preface {.unnumbered}\n\nHi.\n",
                               "chapters/broken.qmd": BROKEN})
    out = project / "_book"
    out.mkdir()
    (out / "index.html").write_text("previous render")
    with pytest.raises(RenderError) as info:
        render_book(project, formats=("html",))
    err = info.value
    assert (err.chapter, err.cell, err.label) == ("chapters/broken.qmd", 2, "calc")
    message = str(err)
    for part in ("chapters/broken.qmd", "cell 2", "calc", "ZeroDivisionError", "division by zero"):
        assert part in message, part
    assert (out / "index.html").read_text() == "previous render"  # previous output untouched
    assert sorted(p.name for p in project.iterdir()) == ["_book", "_cache", "_quarto.yml", "chapters",
                                                         "index.qmd"]
    assert (project / "_cache" / "render" / "_book" / "notebooks" / "kernel.log").is_file()  # to debug it


def test_failure_leaves_no_out_dir(tmp_path):
    project = _book(tmp_path, {"index.qmd": "# Preface {.unnumbered}\n\nSee @fig-missing.\n"})
    with pytest.raises(RenderError) as info:
        render_book(project, formats=("html",))
    assert "fig-missing" in str(info.value)
    assert sorted(p.name for p in project.iterdir()) == ["_cache", "_quarto.yml", "index.qmd"]  # no _book
    assert [p.name for p in (project / "_cache" / "render").iterdir()] == ["_book"]  # its intermediates only


def test_unknown_reference_fails_pdf_too(tmp_path):
    project = _book(tmp_path, {"index.qmd": "# Preface {.unnumbered}\n\nSee @tbl-nope.\n"})
    with pytest.raises(RenderError, match="tbl-nope"):
        render_book(project, formats=("pdf",))


def test_failing_inline_expression(tmp_path):
    project = _book(tmp_path, {"index.qmd": "# P {.unnumbered}\n\nValue `{python} 1 + 1`, "
                                            "`{python} undefined_name`.\n"})
    with pytest.raises(RenderError) as info:
        render_book(project, formats=("html",))
    message = str(info.value)
    assert "index.qmd" in message and "undefined_name" in message and "NameError" in message


def test_chapters_share_one_kernel_but_start_clean(tmp_path):
    """A chapter sees nothing an earlier chapter left: names, print options, working directory, seed."""
    leave = ("```{python}\nimport os\nimport numpy as np\nimport pandas as pd\nleft = 1\n"
             "pd.set_option('display.precision', 2)\nnp.set_printoptions(precision=2)\n"
             "os.chdir('/')\nnp.random.seed(123)\n```\n")
    check = ("```{python}\n#| output: asis\nimport os\nimport numpy as np\nimport pandas as pd\n"
             "print('left' in dir(), pd.get_option('display.precision'), np.get_printoptions()['precision'],\n"
             "      os.getcwd() == OS_CWD, float(np.random.random()) == FIRST)\n```\n")
    import numpy as np

    np.random.seed(0)
    first = float(np.random.random())  # what a chapter starting clean draws first
    project = _book(tmp_path, {"index.qmd": "# P {.unnumbered}\n\nHi.\n", "a.qmd": "# A\n\n" + leave,
                               "b.qmd": "# B\n\n" + check})
    text = (project / "b.qmd").read_text()
    (project / "b.qmd").write_text(text.replace("OS_CWD", repr(str(project.resolve())))
                                   .replace("FIRST", repr(first)))
    result = render_book(project, formats=("html",))
    html = norm(book_html(result.html.parent))
    assert "False 6 8 True True" in html


def test_content_for_one_format_and_alternative_text(tmp_path):
    """Quarto's conditional content (content-visible / content-hidden with when-format) reaches only its format,
    and fig-alt becomes the image's alternative text; date-format sets how the book's date is written."""
    figure = ("```{python}\n#| fig-alt: \"A line rising from left to right\"\nimport matplotlib.pyplot as plt\n"
              "plt.plot([0, 1], [0, 1]);\n```\n")
    chapter = ("# A\n\n::: {.content-visible when-format=\"html\"}\nOnly-in-the-web-page.\n\n" + figure + ":::\n\n"
               "::: {.content-hidden when-format=\"html\"}\nOnly-in-the-PDF.\n:::\n\nBoth-formats.\n")
    project = _book(tmp_path, {"index.qmd": "# P {.unnumbered}\n\nHi.\n", "a.qmd": chapter})
    config = project / "_quarto.yml"
    config.write_text(config.read_text().replace("  title: T\n", "  title: T\n  date: 2026-12-01\n")
                      + "date-format: \"D MMMM YYYY\"\n", encoding="utf-8")
    result = render_book(project)
    html = book_html(result.html.parent)
    pdf = norm(" ".join(page.extract_text() for page in PdfReader(result.pdf).pages))
    assert "Only-in-the-web-page." in html and "Only-in-the-PDF." not in html and "Both-formats." in html
    assert 'alt="A line rising from left to right"' in html
    assert "Only-in-the-PDF." in pdf and "Only-in-the-web-page." not in pdf and "Both-formats." in pdf
    assert "1 December 2026" in pdf and "1 December 2026" in html


def test_a_link_to_a_companion_web_page_opens_its_pdf_in_the_pdf(tmp_path):
    """audit.html#x in the web page; audit.pdf in the PDF (a PDF reader cannot follow an HTML page)."""
    project = _book(tmp_path, {"index.qmd": "# P {.unnumbered}\n\nSee [the trail](audit.html#audit-x) and "
                               "[the site](https://example.org/a.html#b).\n"})
    result = render_book(project)
    html = book_html(result.html.parent)
    links = [a.get("/URI") for page in PdfReader(result.pdf).pages for annot in page.get("/Annots") or []
             if (a := annot.get_object().get("/A")) is not None]
    assert 'href="audit.html#audit-x"' in html
    assert "audit.pdf" in links and "https://example.org/a.html#b" in links and not any("audit.html" in str(u) for u in links)


@pytest.mark.parametrize("book_pdf", ["guideline.pdf", None])
def test_a_companion_documents_links_to_the_books_pages_open_the_books_pdf(tmp_path, book_pdf):
    """From a document beside the book (the complete audit trail), index.html and sec-*.html are the book's
    pages: in the PDF they open the book's PDF when the document names it, and are plain text otherwise."""
    project = _book(tmp_path, {"index.qmd": "# P {.unnumbered}\n\nSee [the evidence](sec-evidence.html) and "
                               "[the book](index.html).\n"})
    if book_pdf:
        config = project / "_quarto.yml"
        config.write_text(config.read_text() + f"rapidrec-book-pdf: {book_pdf}\n", encoding="utf-8")
    result = render_book(project)
    links = [str(a.get("/URI")) for page in PdfReader(result.pdf).pages for annot in page.get("/Annots") or []
             if (a := annot.get_object().get("/A")) is not None]
    text = " ".join(page.extract_text() for page in PdfReader(result.pdf).pages)
    assert 'href="sec-evidence.html"' in book_html(result.html.parent)
    assert "the evidence" in text and "the book" in text
    assert links == ([book_pdf, book_pdf] if book_pdf else []), links
