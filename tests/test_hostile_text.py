"""Untrusted text stays text: names from the data package and a critic's letter reach Markdown as literal
text, so neither HTML nor Typst nor a figure runs or formats any of it.

Hostile strings go into the data (a node's category, a panel judgement's rationale, a recommendation group's
heading) and into a letter's fields; the chapters' Markdown built from them is converted by pandoc, as the
renderer does, to HTML, Typst and plain text: the plain text must give back every string verbatim, the HTML
must hold no element or link the strings would make, and the Typst no directive.
"""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pypandoc
import pytest
import yaml

from analysis import show
from analysis.audit.links import LinkedTable, markdown_literal
from analysis.book import reading
from analysis.responses.show import citation_markdown
from tests.certainty_helpers import copy_package, run_grade

matplotlib.use("Agg")

HOSTILE = (
    "<script>alert('node')</script>",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(2)>",
    "`sham`{=typst} and ```{=html} <b>raw</b> ```",
    "#set text(fill: red) $\\undefinedmacro{x}$ *bold* @guyatt2008 | pipe ^sup^ ~sub~ {#id .class}",
)


def _pandoc(markdown: str, to: str) -> str:
    return pypandoc.convert_text(markdown, to, format="markdown", extra_args=["--wrap=none"])


def _assert_literal(markdown: str, strings=HOSTILE) -> None:
    plain = " ".join(_pandoc(markdown, "plain").split())
    for s in strings:
        assert " ".join(s.split()) in plain, s
    html = _pandoc(markdown, "html")
    assert not re.search(r"<(script|img|b)\b", html) and "javascript:" not in re.sub(r">[^<]*<", "><", html)
    assert 'data-cites="guyatt2008"' not in html and "<sup>sup</sup>" not in html and "<em>bold" not in html
    typst = _pandoc(markdown, "typst")
    assert "\n#set text(fill: red)" not in typst and "#set text" not in typst.replace("\\#set text", "")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The synthetic package with hostile words in the fields the book prints, analysed into results."""
    data = copy_package(tmp_path_factory.mktemp("hostile") / "data")
    nodes = pd.read_csv(data / "nodes.csv", dtype=str, keep_default_na=False)
    nodes.loc[nodes["code"] == "joint-rf", "category"] = HOSTILE[0] + " " + HOSTILE[1]
    nodes.loc[nodes["code"] == "epidural-la", "category"] = HOSTILE[2] + " " + HOSTILE[3]
    nodes.to_csv(data / "nodes.csv", index=False)
    judgements = pd.read_csv(data / "judgements.csv", dtype=str, keep_default_na=False)
    judgements.loc[0, "rationale"] = HOSTILE[4]
    judgements.to_csv(data / "judgements.csv", index=False)
    guideline = yaml.safe_load((data / "guideline.yaml").read_text(encoding="utf-8"))
    guideline["recommendation_groups"]["axial"][0]["heading"] = HOSTILE[4]
    (data / "guideline.yaml").write_text(yaml.safe_dump(guideline, sort_keys=False), encoding="utf-8")
    return run_grade(data)


def test_the_corpus_is_active_markup_when_not_escaped():
    """The check can fail: the same strings, unescaped, do make elements and directives."""
    with pytest.raises(AssertionError):
        _assert_literal(" ".join(HOSTILE))


def test_a_literal_is_every_string_verbatim():
    _assert_literal(" ".join(markdown_literal(s) for s in HOSTILE))


def test_data_text_in_the_chapters_stays_text(hostile):
    with reading(hostile.out):
        parts = [show.recommendations_overview(), show.recommendations_markdown("axial"),
                 show.sof_footnotes("axial"), show.summary_of_findings("axial")._repr_markdown_()]
    markdown = "\n\n".join(parts)
    _assert_literal(markdown)


def test_table_cells_stay_text():
    table = LinkedTable(["Name", "Note"], [[s, "x"] for s in HOSTILE])
    _assert_literal(table._repr_markdown_())


def test_a_letters_citation_stays_text():
    citation = {"authors": HOSTILE[0], "title": HOSTILE[4], "date": "2025-03", "published_in": [HOSTILE[2]],
                "url": "javascript:alert(1)`} [x](javascript:alert(2))"}
    _assert_literal(citation_markdown(citation), HOSTILE[:1] + HOSTILE[2:3])
    assert "href" not in _pandoc(citation_markdown(citation), "html")


def test_figure_labels_never_parse_as_mathtext():
    import matplotlib.pyplot as plt

    import analysis.figures  # noqa: F401  (sets the figures' text to literal)

    fig, ax = plt.subplots()
    ax.set_yticks([0], ["$\\undefinedmacro{x}$ and $x^2$"])
    fig.canvas.draw()  # mathtext would raise on the undefined macro
    assert ax.get_yticklabels()[0].get_text() == "$\\undefinedmacro{x}$ and $x^2$"
    plt.close(fig)


def test_a_letters_title_stays_text_in_its_answer_document():
    """The answer's project holds the title only in its _quarto.yml title, as literal text: no inline expression a
    renderer would run, no element, no Typst directive (the chapters' headings are our own words)."""
    from analysis.responses.document import _project_files

    title = "Reply `{python} __import__('os').system('touch PWNED')`\n" + " ".join(HOSTILE)
    files = _project_files("hostile", title, ("html", "pdf"))
    metadata = yaml.safe_load(files["_quarto.yml"])["book"]["title"]
    assert files["answer.qmd"].split("\n", 1)[0] == "# Every analysis in full {#sec-answer}"
    assert "`{python}" not in metadata
    _assert_literal(metadata, HOSTILE + ("Reply `{python} __import__('os').system('touch PWNED')`",))
