"""Fast unit tests of the renderer pieces (no kernel)."""

from __future__ import annotations

import os
import subprocess

import pandas as pd
import pytest

from analysis.render import RenderError
from analysis.render.assemble import mark_chapter, pipe_table
from analysis.render.book import book_entries
from analysis.render.pandoc import CROSSREF, pandoc_path
from analysis.render.qmd import Code, Markdown, QmdError, inline_expressions, parse, substitute_inline

QMD = '''---
title: "Chapter"
execute:
  echo: true
---

Intro with `{python} n` and `{python} f"{x:.2f}"`.

```{python}
#| label: fig-a
#| fig-cap: "A caption"
plot()
```

````markdown
```{python}
not_a_cell()
```
````

```python
also_not_a_cell(`{python} 1`)
```
'''


def test_parse_qmd():
    qmd = parse(QMD, "c.qmd")
    assert qmd.front == {"title": "Chapter", "execute": {"echo": True}}
    kinds = [type(b) for b in qmd.blocks]
    assert kinds == [Markdown, Code, Markdown]
    cell = qmd.cells[0]
    assert cell.options == {"label": "fig-a", "fig-cap": "A caption"}
    assert cell.source == "plot()" and cell.label == "fig-a" and cell.line == 9
    assert "not_a_cell()" in qmd.blocks[2].text
    assert inline_expressions(qmd.blocks[0].text) == ["n", 'f"{x:.2f}"']
    assert inline_expressions(qmd.blocks[2].text) == []  # inside code fences


def test_substitute_inline():
    text = "a `{python} x` b `{python} y`\n```\n`{python} z`\n```\n"
    assert substitute_inline(text, ["1", "2"]) == "a 1 b 2\n```\n`{python} z`\n```\n"


def test_parse_errors():
    with pytest.raises(QmdError, match="c.qmd:1"):
        parse("```{python}\nx = 1\n", "c.qmd")
    with pytest.raises(QmdError, match="cell options"):
        parse("```{python}\n#| label: [unclosed\nx\n```\n", "c.qmd")
    with pytest.raises(QmdError, match="unsupported"):
        parse("```{r}\n1\n```\n", "c.qmd")


def test_pipe_table():
    df = pd.DataFrame({"Study": ["A|B", "C"], "n": [10, 200], "rr": [0.8123456, float("nan")]})
    assert pipe_table(df) == (
        "| Study |   n |       rr |\n"
        "|:------|----:|---------:|\n"
        "| A\\|B  |  10 | 0.812346 |\n"
        "| C     | 200 |          |\n")
    indexed = df.set_index("Study")
    assert pipe_table(indexed).splitlines()[0].startswith("| Study |")


def test_mark_chapter():
    md = "```\n# not a header\n```\n\n# Title {#sec-x}\n\ntext\n"
    assert "# Title {#sec-x .appendix}" in mark_chapter(md, None, ("appendix",))
    assert mark_chapter("text\n", "From YAML", ("unnumbered",)).startswith(
        "# From YAML {.unnumbered}\n")


def test_book_entries_parts_and_appendices():
    entries = book_entries({"chapters": ["index.qmd", {"part": "Evidence",
                                                       "chapters": ["a.qmd", "b.qmd"]}],
                            "appendices": ["x.qmd"]})
    assert [(e.path, e.title, e.classes) for e in entries] == [
        ("index.qmd", None, ("unnumbered",)),
        (None, "Evidence", ("unnumbered", "part")),
        ("a.qmd", None, ()), ("b.qmd", None, ()),
        (None, "Appendices", ("unnumbered", "part")),
        ("x.qmd", None, ("appendix",)),
    ]
    with pytest.raises(RenderError, match="unique"):
        book_entries({"chapters": ["a/x.qmd", "b/x.qmd"]})


def _pandoc(md: str, to: str) -> str:
    proc = subprocess.run([pandoc_path(), "-f", "markdown", "-t", to, "--number-sections",
                           "--lua-filter", str(CROSSREF), "--fail-if-warnings"],
                          input=md, capture_output=True, text=True, check=True)
    return " ".join(proc.stdout.replace("\xa0", " ").split())


CROSSREF_MD = """# Preface {.unnumbered}

## Background

See @fig-a, [@tbl-b; @fig-c], @sec-two and @sec-app.

# One

![A](a.png){#fig-a}

| x |
|---|
| 1 |

: B {#tbl-b}

# Two {#sec-two}

# Appendix {.appendix #sec-app}

## Sub

![C](c.png){#fig-c}
"""


def test_crossref_filter_html():
    html = _pandoc(CROSSREF_MD, "html")
    assert "Figure 1.1: A" in html and "Table 1.1: B" in html and "Figure A.1: C" in html
    assert '<a href="#fig-a">Figure 1.1</a>' in html, html
    assert "Table 1.1</a> and <a" in html
    assert '<a href="#sec-two">Chapter 2</a>' in html
    assert '<a href="#sec-app">Appendix A</a>' in html
    assert 'data-number="A.1"' in html  # appendix sub-sections are lettered
    assert '<h2 class="unnumbered" id="background">' in html


def test_crossref_filter_typst():
    typ = _pandoc(CROSSREF_MD, "typst")
    assert '#set heading(numbering: "A.1")' in typ
    assert "#link(<fig-a>)[Figure~1.1]" in typ


def test_crossref_unknown_label_fails():
    proc = subprocess.run([pandoc_path(), "-t", "html", "--lua-filter", str(CROSSREF),
                           "--fail-if-warnings"], input="See @fig-zzz.\n",
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "fig-zzz" in proc.stderr


def test_pandoc_is_resolved_once_and_never_an_old_pandoc_on_path(tmp_path, monkeypatch):
    """CI regression: pypandoc's own search sets its global to each candidate it tries (an old `pandoc` on PATH
    first), so the HTML and Typst threads could run different pandocs. Every thread gets the same, new one."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis.render import pandoc as pandoc_module

    fake = tmp_path / "pandoc"
    fake.write_text("#!/bin/sh\necho 'pandoc 2.17.1.1'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("PYPANDOC_PANDOC", raising=False)
    pandoc_module._resolve_pandoc.cache_clear()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            paths = set(pool.map(lambda _: pandoc_path(), range(16)))
        assert len(paths) == 1 and str(fake) not in paths
        version = pandoc_module.check_pandoc()
        assert version.startswith("pandoc 3."), version
        monkeypatch.setenv("PYPANDOC_PANDOC", str(fake))  # a user's choice is honoured, and checked before work
        pandoc_module._resolve_pandoc.cache_clear()
        with pytest.raises(RenderError, match=r"reports 'pandoc 2\.17\.1\.1'; rapidrec needs pandoc >= 3\.1\.2"):
            pandoc_module.check_pandoc()
    finally:
        pandoc_module._resolve_pandoc.cache_clear()
