"""The HTML book in a real browser (Playwright driving Debian's chromium): it loads without console errors,
every link inside it lands on an element that exists, and no script runs, not even one smuggled into the
page's source (the Content-Security-Policy forbids scripts).

Needs ``/usr/bin/chromium`` (Debian package ``chromium``; `.ci/run` installs it). Without it the tests are
skipped, unless ``RAPIDREC_REQUIRE_BROWSER=1`` (set by `.ci/run`), which turns a missing browser into a
failure, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("RAPIDREC_REQUIRE_BROWSER") == "1"

if not Path(CHROMIUM).exists() and not REQUIRED:
    pytest.skip("chromium is not installed (apt-get install chromium); .ci/run requires it",
                allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402  (only with a browser to drive)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM}: no chromium to drive (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors


def test_every_page_loads_without_errors_and_every_internal_link_lands(browser, rendered_project):
    """Every page of the site (one per chapter): no console error, only the site's own two scripts, a sidebar
    and previous/next links, and every link to a page of the book lands on a page and an element that exist."""
    from analysis.render.site import site_pages

    book = rendered_project.path / "_book"
    pages = site_pages(book)
    assert len(pages) >= 10 and all(p.is_file() for p in pages)
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for path in pages:
        page, errors = _open(browser, path)
        ids[path.name] = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
        hrefs = page.evaluate("""() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))""")
        links += [(path.name, h) for h in hrefs if not h.startswith(("http:", "https:", "mailto:"))]
        scripts = page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
        assert scripts == ["search-index.js", "search.js"], path.name
        assert page.locator("nav#sidebar a").count() >= 10 and page.locator("nav.pager a").count() >= 1
        assert errors == [], (path.name, errors)
        page.close()
    assert "synthetic" in (book / "index.html").read_text(encoding="utf-8").lower()
    broken = []
    for source, href in links:
        target, _, anchor = href.partition("#")
        target = target or source
        if target == "audit.html":  # the complete audit trail, a page of its own (checked below)
            continue
        if target not in ids or (anchor and decode(anchor) not in ids[target]):
            broken.append((source, href))
    assert broken == []
    assert sum(1 for _, h in links if "#audit-" in h) > 400  # the numbers link to the audit appendix
    page, errors = _open(browser, book / "sec-summary.html")
    target = page.evaluate("""() => document.querySelector('a.rr-num').getAttribute('href')""")
    page.click(f'a.rr-num[href="{target}"] >> nth=0')  # crosses to the appendix's page, onto the entry
    page.wait_for_load_state("load")
    assert page.url.endswith(target) and page.evaluate("() => decodeURIComponent(location.hash)") == "#" + decode(
        target.partition("#")[2])
    assert errors == []
    page.close()


def decode(anchor: str) -> str:
    from urllib.parse import unquote

    return unquote(anchor)


def test_search_finds_a_section_and_its_result_leads_there(browser, rendered_project):
    page, errors = _open(browser, rendered_project.path / "_book" / "index.html")
    box = page.locator("#search-box")
    assert box.is_visible()  # the script revealed the search box
    box.fill("radiofrequency ablation")
    results = page.locator("#search-results li a")
    assert results.count() >= 3
    titles = [t.lower() for t in results.all_inner_texts()]
    assert any("radiofrequency" in t for t in titles), titles
    href = results.first.get_attribute("href")
    results.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(href)
    box = page.locator("#search-box")
    box.fill("no such word anywhere qqqzx")
    assert "No section contains" in page.inner_text("#search-results")
    box.fill('<img src=x onerror="window.pwned=1">')  # the query is shown as text, never as markup
    assert page.locator("#search-results img").count() == 0
    assert page.evaluate("() => window.pwned === undefined")
    assert errors == []
    page.close()


@pytest.mark.parametrize("width, shown", [(1280, "infographic"), (390, "infographic-phone")])
def test_a_phone_shows_the_infographic_laid_out_for_it(browser, rendered_project, width, shown):
    """At phone width the phone layout replaces the wide one (not the wide one shrunk), with its own alt text;
    the figure's number and caption stay; on a desktop the wide one shows."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((rendered_project.path / "_book" / "sec-summary.html").resolve().as_uri(), wait_until="load")
    visible = page.evaluate("""() => [...document.querySelectorAll('img')]
        .filter(i => i.getBoundingClientRect().width > 0)
        .map(i => [i.getAttribute('src'), i.getAttribute('alt'), i.getBoundingClientRect().width])""")
    caption = page.evaluate("() => document.querySelector('#fig-infographic figcaption')?.innerText || ''")
    page.close()
    folder = rendered_project.path / "figures"
    drawn = {(folder / f"{n}.svg").read_bytes(): n for n in ("infographic", "infographic-phone")}
    book = rendered_project.path / "_book"
    names = [drawn.get((book / src).read_bytes()) for src, _, _ in visible]
    assert names == [shown], names
    assert visible[0][1] and visible[0][2] <= width  # alternative text; no wider than the screen
    assert caption.startswith("Figure") and "Visual summary" in caption


def test_the_complete_audit_trail_loads_without_errors(browser, rendered_project):
    page, errors = _open(browser, rendered_project.path / "_book" / "audit.html")
    broken = page.evaluate("""() => [...document.querySelectorAll('a[href^="#"]')]
        .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
        .filter(id => id && !document.getElementById(id))""")
    assert broken == [] and page.evaluate("() => document.scripts.length") == 0
    assert errors == []
    page.close()


def test_a_script_in_the_page_does_not_run(browser, tmp_path):
    """The policy the renderer writes stops a script that escaping had missed (defence in depth)."""
    from analysis.render.pandoc import to_html

    work = tmp_path / "work"
    work.mkdir()
    (work / "book.md").write_text("---\ntitle: t\n---\n\nText <script>window.pwned = 1</script>\n\n"
                                  '<span onmouseover="window.pwned = 2">hover</span>\n', encoding="utf-8")
    out = to_html(work, tmp_path / "page.html")
    page, errors = _open(browser, out)
    page.hover("text=hover")
    assert page.evaluate("() => window.pwned === undefined")
    assert any("Content Security Policy" in e for e in errors)  # the browser refused, and said so
    page.close()


def test_a_script_in_a_page_of_the_site_or_its_search_index_does_not_run(browser, tmp_path):
    """The site's policy allows its own script files only: an inline script or handler in a page stays dead,
    and text that would end the search index's string (</script>, quotes) is data, shown as text."""
    from analysis.render.site import to_html_pages

    work = tmp_path / "work"
    work.mkdir()
    hostile = "</script><script>window.pwned = 3</script>\\u2028\"'"
    (work / "book.md").write_text(
        "---\ntitle: t\n---\n\n# One\n\nText <script>window.pwned = 1</script>\n\n"
        '<span onmouseover="window.pwned = 2">hover</span>\n\n# Two\n\nThe word ' + hostile.replace("<", "&lt;")
        + " here.\n", encoding="utf-8")
    site = tmp_path / "site"
    for rel, data in to_html_pages(work).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "one.html", "rapidrec.css", "search-index.js",
                                                     "search.js", "two.html"]
    page, errors = _open(browser, site / "one.html")
    page.hover("text=hover")
    assert page.evaluate("() => window.pwned === undefined")
    assert any("Content Security Policy" in e for e in errors)
    page.fill("#search-box", "window.pwned = 3")
    assert page.locator("#search-results li").count() == 1
    assert "<script>window.pwned = 3</script>" in page.inner_text("#search-results")
    assert page.evaluate("() => window.pwned === undefined")
    page.close()
