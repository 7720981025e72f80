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


def test_the_book_loads_without_errors_and_every_internal_link_lands(browser, rendered_project):
    page, errors = _open(browser, rendered_project.path / "_book" / "index.html")
    assert "synthetic" in page.inner_text("body").lower()
    broken = page.evaluate("""() => [...document.querySelectorAll('a[href^="#"]')]
        .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
        .filter(id => id && !document.getElementById(id))""")
    assert broken == []
    n_links = page.evaluate("""() => document.querySelectorAll('a[href^="#"]').length""")
    assert n_links > 100  # the numbers link to the audit appendix
    target = page.evaluate("""() => document.querySelector('a.rr-num').getAttribute('href')""")
    page.click(f'a.rr-num[href="{target}"] >> nth=0')
    assert page.evaluate("() => decodeURIComponent(location.hash)") == target
    assert page.evaluate("() => document.scripts.length") == 0
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
