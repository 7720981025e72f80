"""Auditing (issue 9): the registry behind every printed number, audit, lint, verify and pack.

A clone of the session's rendered project (tests/conftest.py) serves every test that needs a rendered
book; the study-removal tests only build (no render).
"""

import csv
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.audit.appendix import _feed
from analysis.audit.explain import AuditData
from analysis.audit.links import AUDIT_TRAIL, id_from_anchor, study_anchor
from analysis.audit.lint import book_sources, lint_files, lint_text
from tests.conftest import ROOT, book_html, clone_project, copy_project, rapidrec

NUM_LINK = re.compile(r'<a href="[^"#]*#(audit-[^"]+)" class="rr-num">([^<]*)</a>')
# the same, with the page it links to: the book's appendix, or the complete audit trail (AUDIT_TRAIL)
NUM_LINK_TO = re.compile(r'<a href="([^"#]*)#(audit-[^"]+)" class="rr-num">([^<]*)</a>')


@pytest.fixture(scope="module")
def project(rendered_project, tmp_path_factory):
    """A clone of the rendered project (its scenario results are this module's own)."""
    return clone_project(rendered_project.path, tmp_path_factory.mktemp("audit") / "project")


@pytest.fixture(scope="module")
def scenario_id(project):
    """One committed scenario run in the rendered project (its results go to _results/scenarios/<id>/)."""
    path = project / "scenarios" / "lumbar-only.yaml"
    if not path.exists():
        pytest.skip("no committed scenario lumbar-only.yaml")
    done = rapidrec("scenario", "scenarios/lumbar-only.yaml", "--no-figures", cwd=project)
    assert done.returncode == 0, done.stderr
    return "lumbar-only"


@pytest.fixture(scope="module")
def numbers(project):
    return json.loads((project / "_results" / "numbers.json").read_text())["numbers"]


@pytest.fixture(scope="module")
def html(project):
    return book_html(project / "_book")


# --- the registry and the book -------------------------------------------------------------------

def test_every_generated_number_in_the_html_has_a_registry_entry(html, numbers, trail):
    links = NUM_LINK_TO.findall(html)
    assert len(links) >= 20
    for page, anchor, text in links:
        id_ = id_from_anchor(anchor)
        assert id_ in numbers, anchor
        assert unescape(text) == numbers[id_]["text"], id_
        target = trail if page == AUDIT_TRAIL else html  # a league table's cell: the complete audit trail
        assert f'id="{anchor}"' in target, f"no entry for {id_} in {page or 'the book'}"


def test_every_number_printed_in_the_html_is_generated_or_allowlisted(html):
    from analysis.audit.lint import html_unlinked_numerals

    assert html_unlinked_numerals(html) == []


def test_only_words_quoted_from_the_data_may_carry_their_own_numerals():
    from analysis.audit.lint import html_unlinked_numerals

    page = '<body><p>The panel: \u201c<span class="rr-quote">p = 0.005 in 13 trials</span>\u201d, and 0.7 more.</p>'
    assert [f.split(" | ")[0] for f in html_unlinked_numerals(page)] == ["0.7"]


@pytest.fixture(scope="module")
def trail(project):
    """The complete audit trail beside the book."""
    return (project / "_book" / "audit.html").read_text(encoding="utf-8")


def test_every_registry_entry_and_every_cited_study_is_in_the_complete_audit_trail(project, trail, numbers):
    anchors = set(re.findall(r'id="(audit-[^"]+)"', trail))
    for id_ in numbers:
        assert f"audit-{id_.replace('/', ':')}" in anchors, id_
    for study in {s for e in numbers.values() for s in e.get("studies") or ()}:
        assert study_anchor(study) in anchors, study
    assert "synthetic" in trail[:20000] and (project / "_book" / "audit.pdf").is_file()


def test_a_trial_a_letter_adds_has_its_rows_in_the_complete_audit_trail(trail):
    """Ghahreman 2010 enters only through a letter's scenario: its extracted rows are shown like any trial's, at
    the lines of the scenario file that adds them (issue 15)."""
    start = trail.index('id="audit-study-GHAHREMAN-2010"')
    rows = trail[start:trail.index("</div>", start)]
    assert "scenarios/add-ghahreman-2010.yaml line" in rows and "data/scenarios" not in rows
    assert "events=16" in rows and rows.count("<li>") >= 4  # the study record and its three arms


def test_the_appendix_holds_the_numbers_the_book_prints_and_no_others(html, trail):
    """The book's links (text and tables) and the forest plots' numbers have entries; nothing else does. Its
    study names link to their extracted rows in the complete audit trail."""
    start = html.index('id="sec-audit"')
    body, appendix = html[:start], html[start:]
    linked = {id_from_anchor(a) for page, a, _ in NUM_LINK_TO.findall(body) if page != AUDIT_TRAIL}
    entries = {id_from_anchor(a) for a in re.findall(r'id="(audit-[^"]+)"', appendix)}
    assert linked <= entries and len(linked) > 400
    forest = re.compile(r"^[a-z_]+/(axial|radicular)/[^/]+/(n-trials|vs-sham/(estimate|ci-low|ci-high))$")
    assert [i for i in entries - linked if not forest.match(i)] == []
    rows = re.findall(r'href="audit\.html#(audit-study-[^"]+)"', appendix)
    assert rows and all(f'id="{a}"' in trail for a in set(rows))


def test_the_audit_appendix_is_at_most_a_fifth_of_the_pdf(rendered_project):
    pages = len(rendered_project.pdf.pages)
    assert (pages - rendered_project.appendix_page) / pages <= 0.20  # the appendix is the book's last part


def test_every_registry_id_named_by_a_chapter_resolves(numbers):
    pattern = re.compile(r'book\.(num|entry|size_against_mid)\(\s*"([^"]+)"')
    named = []
    for path in book_sources(ROOT):
        for kind, id_ in pattern.findall(path.read_text(encoding="utf-8")):
            named.append(f"{id_}/estimate" if kind == "size_against_mid" else id_)
    assert named
    missing = [i for i in named if i not in numbers]
    assert not missing


def test_table_cells_are_registry_entries(project, numbers, monkeypatch):
    from analysis import book

    monkeypatch.setenv(book.RESULTS_ENV, str(project / "_results"))
    book._numbers.cache_clear()
    try:
        for population in ("axial", "radicular"):
            t = book.effects_table("pain", population)
            frame = t.frame()
            assert len(t.ids) == 4 * len(frame)
            for row in t.rows:
                for cell in row[1:]:
                    assert cell.ids and cell.text == " to ".join(numbers[i]["text"] for i in cell.ids)
            # the forest plot's annotations are the same registry texts
            for r in book.network_rows("pain", population):
                assert all(str(r[f]) == numbers[r[f].id]["text"] for f in ("n_trials", "estimate", "ci_low"))
    finally:
        book._numbers.cache_clear()


def test_network_estimates_list_every_study_with_contributions_and_provenance(project, numbers):
    e = numbers["pain/axial/joint-rf/vs-sham/estimate"]
    assert e["studies"] == numbers["pain/axial/n-trials"]["studies"]  # every study of the network
    assert e["analysis"] == "pain/axial"
    assert abs(sum(e["contributions"].values()) - 100) < 1e-6
    assert set(e["contributions"]) <= set(e["studies"])
    prov = list(csv.DictReader(open(project / "_results" / "provenance.csv", encoding="utf-8")))
    in_axial = {r["study"] for r in prov if r["analysis"] == "pain/axial"}
    assert in_axial == set(e["studies"])
    assert any(r["conversion"].startswith("scale 0-100") for r in prov)
    for id_, entry in numbers.items():  # the scenario, settings and data hash travel with every entry
        assert {"scenario", "settings", "data_hash", "function", "value", "text", "unit"} <= set(entry), id_


def test_pdf_carries_the_audit_appendix(rendered_project):
    book = rendered_project
    assert "B Audit trail of every number" in book.pdf_chapters  # an appendix, in the PDF's outline
    assert "Audit trail of every number" in book.pdf_page(book.appendix_page)
    # long ids may break across lines (at '/'): compare without white space; an entry's id is its group's
    # common path, then its own part
    text = "".join("".join(book.pdf_page(i).split()) for i in range(book.appendix_page, len(book.pdf.pages)))
    assert re.search(r"pain/axial/joint-rf/vs-sham/:.{0,300}?estimate−0\.62", text)


def test_results_carry_no_timestamps(project):
    env = json.loads((project / "_results" / "environment.json").read_text())
    assert {"python", "platform", "packages"} <= set(env)
    stamp = re.compile(r"\b(19|20)\d\d-\d\d-\d\d[T ]\d\d:\d\d")
    for path in (project / "_results").rglob("*"):
        if path.is_file():
            assert not stamp.search(path.read_text(encoding="utf-8")), path


# --- rapidrec audit ------------------------------------------------------------------------------

def test_audit_explains_a_network_estimate_in_plain_words(project, numbers):
    id_ = "pain/axial/joint-rf/vs-sham/estimate"
    done = rapidrec("audit", id_, cwd=project)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    e = numbers[id_]
    top = max(e["contributions"], key=e["contributions"].get)
    for needle in (repr(e["value"]), e["text"], "analysis.models.network.fit_network", "Scenario: base",
                   e["data_hash"], "method = REML", top, f"{e['contributions'][top]:.2f}%",
                   "data/outcomes.csv line", "extracted:", "used:", "conversion:"):
        assert needle in out, needle


def test_audit_unknown_id_fails_with_closest_matches(project):
    done = rapidrec("audit", "pain/axial/joint-rf/estimate", cwd=project)
    assert done.returncode != 0
    assert "unknown number id" in done.stderr and "pain/axial/joint-rf/vs-sham/estimate" in done.stderr


def test_audit_study_lists_the_numbers_it_influences(project, numbers):
    done = rapidrec("audit", "--study", "SYN-008", cwd=project)
    assert done.returncode == 0, done.stderr
    listed = {line.split(" = ")[0].strip() for line in done.stdout.splitlines() if " = " in line}
    assert listed == {i for i, e in numbers.items() if "SYN-008" in e["studies"]}
    assert rapidrec("audit", "--study", "SYN-8", cwd=project).returncode != 0


def test_audit_works_under_a_scenario(project, scenario_id):
    done = rapidrec("audit", "pain/axial/n-trials", "--scenario", scenario_id, cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"Scenario: {scenario_id}." in done.stdout
    base = rapidrec("audit", "pain/axial/n-trials", cwd=project).stdout
    assert "Scenario: base." in base and base != done.stdout


def _studies_to_remove(data: AuditData) -> list[str]:
    n = data.numbers
    axial = n["pain/axial/joint-rf/vs-sham/estimate"]["contributions"]
    radicular_id = sorted(i for i in n if i.startswith("pain/radicular/") and i.endswith("/estimate"))[0]
    radicular = n[radicular_id]["contributions"]
    chosen = [max(axial, key=axial.get), max(radicular, key=radicular.get)]
    prov = data.provenance  # the data package's studies (not the trials only a letter's scenario adds)
    without = sorted(prov.loc[(prov["analysis"] == "study") & prov["used"].str.contains("has_data=False"), "study"])
    chosen.append(without[0])  # a trial without usable data still counts in the flow of trials
    return chosen


def _drop_study(data_dir: Path, study: str) -> None:
    """Remove every row of ``study`` from every table of the data package (a copy)."""
    for path in sorted(data_dir.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        key = next((rows[0].index(c) for c in ("study", "id") if c in rows[0]), None)
        if key is None:
            continue
        kept = [rows[0]] + [r for r in rows[1:] if r[key] != study]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(kept)


def test_removing_a_study_changes_only_the_numbers_audit_attributes_to_it(project, tmp_path):
    """Every number the base case computes (the answers' scenario numbers are copies of their scenarios'
    entries, checked by the next test; the copies here have no letters, so each build is a third as long)."""
    from analysis.build import build

    base = AuditData(project / "_results")
    own = {i: e for i, e in base.numbers.items() if not i.startswith("scenarios/")}
    assert len(own) > 500
    for study in _studies_to_remove(base):
        copy = copy_project(tmp_path / study)
        shutil.rmtree(copy / "responses")
        _drop_study(copy / "data", study)
        build(copy, figures=False)  # the figures hold no number of their own
        after = AuditData(copy / "_results").numbers
        changed = {i for i, e in own.items()
                   if i not in after or (after[i]["value"], after[i]["text"]) != (e["value"], e["text"])}
        said = set(base.numbers_of_study(study))
        assert changed, f"removing {study} changed no number"
        assert changed <= said, f"removing {study} changed numbers audit did not attribute to it: {changed - said}"


def test_the_answers_numbers_keep_their_scenarios_studies(project, numbers):
    """``scenarios/<id>/...`` entries are their scenario's own entries: value, text and the studies (with
    their contributions) that a removal would change them through."""
    copied = [i for i in numbers if i.startswith("scenarios/")]
    assert len(copied) > 100
    by_scenario: dict[str, dict] = {}
    for id_ in copied:
        sid, own = id_.split("/", 2)[1:]
        if sid not in by_scenario:
            path = project / "_results" / "responses" / "scenarios" / sid / "numbers.json"
            by_scenario[sid] = json.loads(path.read_text())["numbers"]
        source = by_scenario[sid][own]
        for field in ("value", "text", "unit", "studies", "contributions"):
            assert numbers[id_][field] == source[field], (id_, field)
        assert numbers[id_]["scenario"] == sid, id_
        if own.endswith(("/estimate", "/or")):  # an estimate is fed by the studies of its network
            assert numbers[id_]["studies"], id_


# --- rapidrec lint -------------------------------------------------------------------------------

def test_every_chapter_passes_the_lint():
    findings = lint_files(book_sources(ROOT), root=ROOT)
    assert not findings, "\n".join(map(str, findings))


def test_a_hand_typed_number_fails_the_lint(tmp_path):
    chapter = tmp_path / "evidence.qmd"
    text = (ROOT / "chapters" / "evidence.qmd").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "`{python} book.num(" in line)  # a line of prose
    lines.insert(at + 1, "The pooled effect was 1.23 cm in 17 trials.")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = rapidrec("lint", chapter, cwd=ROOT)
    assert done.returncode == 1
    assert f"evidence.qmd:{at + 2}:" in done.stdout and "'1.23'" in done.stdout and "'17'" in done.stdout


def test_lint_ignores_code_labels_citations_and_allowlisted_numerals():
    text = """---
title: "Chapter 2024"
---
# Evidence {#sec-3}

```{python}
x = 12
```

Pain fell (95% CI `{python} book.num("a/b")`) on a 10 cm scale [@wang2025, p. 33]; see @fig-4
and [the data](https://example.org/v2), as Busse et al. (2025) recommend. <!-- 99 -->
"""
    assert lint_text(text, "x.qmd") == []
    assert [f.numeral for f in lint_text(text + "It was 7.\n", "x.qmd")] == ["7"]


# --- rapidrec verify and pack --------------------------------------------------------------------

def test_an_allowed_phrase_broken_across_lines_is_still_allowed_and_others_are_located():
    findings = lint_text("# T\n\nPatients with at least\n50% relief, and 37 others in that 95%\nprediction interval.\n",
                         "x.qmd")
    assert [(f.line, f.column, f.numeral) for f in findings] == [(4, 17, "37")]


def test_a_damaged_results_file_is_a_message_saying_how_to_write_it_again(tmp_path):
    """numbers.json cut short (a full disk, an editor): `rapidrec audit` says which file and to build again."""
    from analysis.errors import AnalysisError
    from analysis.results_io import read_json

    path = tmp_path / "numbers.json"
    path.write_text('{"pain/axial/n-trials": {"value": 3, "text": "thr')
    with pytest.raises(AnalysisError, match=r"numbers.json: damaged \(Unterminated string.*`rapidrec build`"):
        read_json(path)


def test_an_entry_says_which_studies_of_its_network_feed_it_and_which_do_not(rendered_project):
    """In a sparse network an estimate can rest on one trial while the network has many: the entry names the
    contributors and counts the others as contributing nothing (not as 'contributing the rest')."""
    data = AuditData(rendered_project.path / "_results")
    sparse = [(i, e) for i, e in data.numbers.items() if i.endswith("/estimate") and e.get("contributions")
              and len(e["studies"]) > sum(v > 0 for v in e["contributions"].values()) >= 1
              and max(e["contributions"].values()) > 99.9]
    assert sparse, "no estimate fed by one study of a larger network"
    id_, e = sparse[0]
    text = _feed(id_, data, {})
    top = max(e["contributions"], key=e["contributions"].get)
    idle = len(e["studies"]) - sum(v > 0 for v in e["contributions"].values())
    assert f"Network of {len(e['studies'])} studies" in text and top in text and "100.0%" in text
    assert ("one other study" if idle == 1 else f"other {idle} studies") in text and "nothing to it directly (0%)" in text
    assert "the rest" not in text


def test_every_number_says_how_it_was_computed_and_where_it_is_printed(numbers, html, project):
    """Every kind of number the build registers has its formula or rule in words (issue 16); the book's
    appendix lists them, and each of its entries links back to the sections that print it."""
    from analysis.audit.formulas import how_computed

    missing = sorted({(e["function"], i.rsplit("/", 1)[-1]) for i, e in numbers.items() if how_computed(i, e) is None})
    assert missing == []
    words = how_computed("pain/axial/joint-rf/vs-sham/ci-low", numbers["pain/axial/joint-rf/vs-sham/ci-low"])
    assert "restricted maximum likelihood" in how_computed("pain/axial/tau2", numbers["pain/axial/tau2"])
    assert "95% critical value" in words and "standard error" in words
    start = html.index('id="sec-audit"')
    appendix = html[start:]
    assert "How each number is computed" in appendix and "Half the median enrolment" not in appendix[:200]
    entry = appendix[appendix.index('id="audit-pain:axial:joint-rf:vs-sham:estimate"'):]
    entry = entry[:entry.index("</div>")]
    assert "Printed in" in entry and 'href="sec-evidence.html' in entry, entry[-400:]
    # the complete audit trail beside the book links the same entry back to the book's page, and its PDF to the
    # book's PDF
    trail = (project / "_book" / "audit.html").read_text(encoding="utf-8")
    entry = trail[trail.index('id="audit-pain:axial:joint-rf:vs-sham:estimate"'):]
    entry = entry[:entry.index("</div>")]
    assert re.search(r'Printed in .*<a href="sec-evidence\.html">The\s+evidence</a>', entry, re.S), entry[-400:]

    def trail_entry(id_: str) -> str:
        entry = trail[trail.index(f'id="audit-{id_.replace("/", ":")}"'):]
        return entry[:entry.index("</div>")]

    # a league table's cell links to the trail, not the appendix; the trail links it back to its chapter
    league = html[html.index('id="sec-evidence"'):html.index('id="sec-harms"')]
    cell = re.search(r'href="audit\.html#audit-(pain:axial:league:[^"]+)"', league).group(1).replace(":", "/")
    assert re.search(r'Printed in .*<a href="sec-evidence\.html">The\s+evidence</a>', trail_entry(cell), re.S)
    never = next(i for i in numbers if i.startswith("physical_function/") and "/league/" in i)  # no table prints it
    assert "Printed in" not in trail_entry(never)
    uris = {str(a.get("/URI")).split("#")[0] for page in PdfReader(project / "_book" / "audit.pdf").pages
            for annot in page.get("/Annots") or [] if (a := annot.get_object().get("/A")) is not None}
    assert "rapidrec-guideline.pdf" in uris and not any(u.endswith(".html") or u == "index.pdf" for u in uris), uris
    done = rapidrec("audit", "pain/axial/joint-rf/vs-sham/estimate", cwd=project)
    assert done.returncode == 0 and "How: The pooled mean difference, first treatment minus second" in done.stdout
