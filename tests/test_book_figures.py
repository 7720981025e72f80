"""The book's figures: the build draws each into figures/ (SVG and PNG, stable names), the chapters include
those files, and a figure is drawn again only when the results or the code it is drawn from changed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pandas as pd
import pytest

from analysis import book_figures
from analysis.book import reading
from analysis.book_figures import FIGURES, MANIFEST, up_to_date, write_figures
from analysis.errors import AnalysisError
from analysis.show import figure


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_build_writes_every_figure_as_svg_and_png_with_a_stable_name(rendered_project):
    folder = rendered_project.path / "figures"
    names = {f.name for f in FIGURES}
    assert {"infographic", "forest-pain-axial", "league-pain-radicular", "robustness"} <= names
    assert {p.name for p in folder.iterdir()} == {MANIFEST} | {f"{n}.{ext}" for n in names for ext in ("svg", "png")}
    for name in names:
        svg = (folder / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<dc:date>" not in svg
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_chapters_show_the_files_in_figures(rendered_project):
    """Every figure of the book is one of figures/ byte for byte (the renderer copies what the chapter shows)."""
    in_book = {f.name for f in FIGURES if f.in_book}
    drawn = {_sha(p.read_bytes()): p.stem for p in (rendered_project.path / "figures").glob("*.svg")
             if p.stem in in_book}
    shown = {_sha(p.read_bytes()) for p in (rendered_project.path / "_book" / "figures").glob("*.svg")}
    assert set(drawn) <= shown, f"not in the book: {sorted(drawn[h] for h in set(drawn) - shown)}"


def test_numbers_written_on_a_figure_count_as_printed(rendered_project):
    """The forest plot writes each estimate; the audit appendix (numbers the book prints) holds them."""
    manifest = json.loads((rendered_project.path / "figures" / MANIFEST).read_text(encoding="utf-8"))
    printed = manifest["figures"]["forest-pain-axial"]["printed"]
    assert any(re.fullmatch(r"pain/axial/[a-z0-9_-]+/vs-sham/estimate", i) for i in printed)
    appendix = (rendered_project.path / "_book" / "sec-audit.html").read_text(encoding="utf-8")
    assert all(f'id="audit-{i.replace("/", ":")}"' in appendix for i in printed), printed


def test_figures_are_drawn_again_only_when_they_changed(rendered_project, tmp_path, monkeypatch):
    results = rendered_project.path / "_results"
    out = shutil.copytree(rendered_project.path / "figures", tmp_path / "figures")
    assert up_to_date(results, out)
    drawn = []
    monkeypatch.setattr(book_figures, "save_figure", lambda *a, **k: drawn.append(a[1].name) or [])
    write_figures(results, out)
    assert drawn == []  # unchanged: nothing drawn
    before = (out / "forest-pain-axial.svg").read_bytes()
    (out / "forest-pain-axial.svg").write_bytes(before.replace(b"</svg>", b"<!-- edited --></svg>"))
    assert not up_to_date(results, out)  # a changed file is detected, never served
    monkeypatch.undo()
    write_figures(results, out)
    assert (out / "forest-pain-axial.svg").read_bytes() == before  # drawn again, byte-identical
    assert up_to_date(results, out)


def test_redrawing_gives_byte_identical_files(rendered_project, tmp_path):
    write_figures(rendered_project.path / "_results", tmp_path / "again")
    for path in (rendered_project.path / "figures").glob("*.*g"):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_an_unknown_figure_is_an_error_naming_the_file_and_what_exists(rendered_project):
    with reading(rendered_project.path / "_results"), pytest.raises(AnalysisError) as err:
        figure("forest-pain-cervical")
    assert "figures/forest-pain-cervical.svg: no such figure" in str(err.value)
    assert "forest-pain-axial" in str(err.value) and "rapidrec build" in str(err.value)


def test_a_letter_changes_no_figure_but_a_result_of_the_analysis_does(rendered_project, tmp_path):
    """Answering a letter adds its scenarios' numbers and files to the results: the book's figures are not drawn
    again for that (respond stays fast), but a changed estimate of the analysis itself is a new key."""
    results = shutil.copytree(rendered_project.path / "_results", tmp_path / "_results")
    key = book_figures._key(results)
    path = results / "numbers.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    registry["numbers"]["scenarios/a-new-letter/pain/axial/joint-rf/vs-sham/estimate"] = \
        dict(registry["numbers"]["pain/axial/joint-rf/vs-sham/estimate"])
    path.write_text(json.dumps(registry), encoding="utf-8")
    letter = results / "responses" / "a-new-letter" / "letter.json"
    letter.parent.mkdir(parents=True)
    letter.write_text('{"title": "A new letter"}', encoding="utf-8")
    assert book_figures._key(results) == key
    registry["numbers"]["pain/axial/joint-rf/vs-sham/estimate"]["text"] = "\u22120.99"
    path.write_text(json.dumps(registry), encoding="utf-8")
    assert book_figures._key(results) != key


def test_the_league_table_is_a_table_of_every_pair_linking_to_the_complete_audit_trail(rendered_project):
    """Legible at any size (issue 16): a row per pair of procedures (sham aside), each number the registry's text
    in the registry's orientation, linking to the complete audit trail (the book's appendix stays short)."""
    from analysis.show import league_table

    with reading(rendered_project.path / "_results"):
        table = league_table("pain", "axial")
        effects = pd.read_csv(rendered_project.path / "_results" / "network" / "pain" / "axial" / "effects.csv")
        procedures = [t for t in effects["treatment"] if t != "sham"]
        assert len(table.rows) == len(procedures) * (len(procedures) - 1) // 2
        registry = json.loads((rendered_project.path / "_results" / "numbers.json").read_text())["numbers"]
        for row in table.rows:
            estimate = row[2].parts[0]
            assert estimate.id.startswith("pain/axial/league/") and str(estimate) == registry[estimate.id]["text"]
        markdown = table._repr_markdown_()
    assert markdown.count("](audit.html#audit-pain:axial:league:") == 3 * len(table.rows)
    evidence = (rendered_project.path / "_book" / "sec-evidence.html").read_text(encoding="utf-8")
    assert 'href="audit.html#audit-pain:axial:league:' in evidence and 'id="tbl-league-axial"' in evidence


def test_an_unchanged_build_does_not_read_the_registry_again_to_check_the_figures(rendered_project, tmp_path,
                                                                                   monkeypatch):
    """While the results' recorded digest and the code are those the figures were drawn from, checking them costs
    no re-reading of the registry; another digest makes the check compute the key again."""
    results = rendered_project.path / "_results"
    out = rendered_project.path / "figures"
    calls = []
    real = book_figures._key
    monkeypatch.setattr(book_figures, "_key", lambda r: calls.append(r) or real(r))
    assert up_to_date(results, out) and calls == []
    copy = shutil.copytree(results, tmp_path / "_results", ignore=shutil.ignore_patterns("responses", "scenarios"))
    stamp = json.loads((copy / ".inputs.json").read_text())
    (copy / ".inputs.json").write_text(json.dumps({**stamp, "files": "another digest"}))
    # the key is computed, and it is the same: the answers left out of the copy are not what figures show
    assert up_to_date(copy, out) and calls == [copy]
