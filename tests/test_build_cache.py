"""Computed once (issue 14): the cache, the up-to-date check of a build, and the chapters' freeze.

The cache itself is tested on a small function; the build and the render on clones of the session's
rendered project (tests/conftest.py), so that each test recomputes only what it changes.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys

import pytest

from analysis.build import build
from analysis.cache import Cache
from analysis.project import RESULTS_STAMP
from tests.conftest import book_html, clone_project, rapidrec


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, value):
        def compute():
            self.calls += 1
            return {"value": value, "squares": [i * i for i in range(value)]}
        return compute


def _entries(cache: Cache) -> list:
    return sorted(cache.location.rglob("output.pkl"))


def test_a_value_is_computed_once_per_key(tmp_path):
    cache, count = Cache(tmp_path), Counter()
    first = cache.get("squares", {"n": 5}, count(5))
    again = Cache(tmp_path).get("squares", {"n": 5}, count(5))  # another process would see the same
    assert first == again == {"value": 5, "squares": [0, 1, 4, 9, 16]} and count.calls == 1
    assert cache.contains("squares", {"n": 5}) and not cache.contains("squares", {"n": 6})
    assert cache.get("squares", {"n": 6}, count(6))["value"] == 6 and count.calls == 2
    assert cache.get("other", {"n": 5}, count(5)) == first and count.calls == 3  # the name is part of the key


def test_no_cache_computes_every_time(tmp_path):
    cache, count = Cache(None), Counter()
    cache.get("squares", {"n": 3}, count(3))
    cache.get("squares", {"n": 3}, count(3))
    assert count.calls == 2 and not cache.contains("squares", {"n": 3})


@pytest.mark.parametrize("damage", ["garbage", "edited value"])
def test_a_damaged_entry_is_recomputed_never_served(tmp_path, damage):
    cache, count = Cache(tmp_path), Counter()
    cache.get("squares", {"n": 4}, count(4))
    (entry,) = _entries(cache)
    if damage == "garbage":
        entry.write_bytes(b"not a pickle")
    else:  # a well-formed entry whose value no longer matches its digest
        digest, blob = pickle.loads(entry.read_bytes())
        entry.write_bytes(pickle.dumps((digest, pickle.dumps({"value": 99, "squares": []}))))
    value = cache.get("squares", {"n": 4}, count(4))
    assert value == {"value": 4, "squares": [0, 1, 4, 9]} and count.calls == 2
    digest, blob = pickle.loads(entry.read_bytes())  # replaced by a sound entry
    assert hashlib.sha256(blob).hexdigest() == digest and pickle.loads(blob) == value


def test_joblibs_own_files_damaged_empty_the_store_and_the_value_is_recomputed(tmp_path):
    """Every file of the store overwritten (joblib's record of the function's code, its metadata, the entries):
    the next process empties the store and computes the value again, instead of a decoding error. Each step runs
    in a new process, as builds do: joblib records and checks a function's code once per process."""
    script = ("import sys; from analysis.cache import Cache; calls = []\n"
              "v = Cache(sys.argv[1]).get('squares', {'n': 4}, lambda: calls.append(1) or {'value': 4})\n"
              "assert v == {'value': 4} and calls == [1], (v, calls)\n"
              "assert Cache(sys.argv[1]).contains('squares', {'n': 4})\n")

    def computed_in_a_new_process():
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    computed_in_a_new_process()
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != ".gitignore"]
    assert any(p.name == "func_code.py" for p in files), files
    for p in files:
        p.write_bytes(b"\xa8\xd8 not what joblib wrote")
    computed_in_a_new_process()


@pytest.fixture(scope="module")
def project(rendered_project, tmp_path_factory):
    return clone_project(rendered_project.path, tmp_path_factory.mktemp("cache") / "project")


def test_an_unchanged_build_reuses_everything(project):
    before = {p: p.read_bytes() for p in (project / "_results").rglob("*") if p.is_file()}
    said = []
    build(project, progress=said.append)
    assert any("up to date" in m for m in said) and not any("network meta-analysis" in m for m in said)
    assert {p: p.read_bytes() for p in (project / "_results").rglob("*") if p.is_file()} == before


def test_an_edited_result_file_is_not_taken_as_up_to_date(project, tmp_path):
    clone = clone_project(project, tmp_path / "p")
    effects = clone / "_results" / "network" / "pain" / "axial" / "effects.csv"
    original = (project / "_results" / "network" / "pain" / "axial" / "effects.csv").read_bytes()
    effects.write_text("edited\n")
    said = []
    build(clone, progress=said.append)
    assert not any("up to date" in m for m in said)
    assert any("robustness: unchanged since the last build" in m for m in said)  # its inputs did not change
    assert effects.read_bytes() == original
    stamp = json.loads((clone / "_results" / RESULTS_STAMP).read_text())
    assert set(stamp) == {"inputs", "files"}


def test_a_changed_letter_reruns_only_its_scenarios(project, tmp_path):
    clone = clone_project(project, tmp_path / "p")
    letter = clone / "responses" / "example" / "letter.yaml"
    text = letter.read_text(encoding="utf-8")
    marker = "        title: A minimal important difference of three millimetres"
    assert marker in text
    letter.write_text(text.replace(marker, marker + ", reworded", 1), encoding="utf-8")
    said = []
    build(clone, progress=said.append)
    ran = [m for m in said if ": done (" in m]
    reused = [m for m in said if "unchanged, results reused" in m]
    assert len(ran) == 1 and ran[0].startswith("scenario example-smaller-mid: done"), said
    assert len(reused) >= 10
    assert any("robustness: unchanged since the last build" in m for m in said)


def test_editing_one_chapter_executes_only_that_chapter(project, tmp_path):
    clone = clone_project(project, tmp_path / "p")
    chapter = clone / "chapters" / "harms.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added by a test.\n", encoding="utf-8")
    done = rapidrec("render", "--quarto", "never", cwd=clone)
    assert done.returncode == 0, done.stderr
    executed = [line for line in done.stderr.splitlines() if "executing " in line]
    assert executed == ["[rapidrec] executing chapters/harms.qmd (6/13)"], done.stderr
    assert "up to date" in done.stderr
    assert "A sentence added by a test." in (clone / "_book" / "sec-harms.html").read_text(encoding="utf-8")
    # every other chapter's output is the same as in the full render
    before, after = book_html(project / "_book"), book_html(clone / "_book")
    assert after.replace("<p>A sentence added by a test.</p>\n", "") == before


def test_a_scenario_file_anywhere_in_the_project_is_part_of_the_inputs(project, tmp_path):
    """A letter may name a scenario file outside scenarios/: editing it makes the results out of date."""
    from analysis.build import inputs_key, letter_inputs
    from analysis.certainty import load_rules
    from analysis.settings import Settings

    clone = clone_project(project, tmp_path / "p")
    extra = clone / "extra" / "x.yaml"
    extra.parent.mkdir()
    extra.write_text("id: x\n", encoding="utf-8")
    rules = load_rules(clone / "settings" / "guideline.yaml")
    before = inputs_key(clone, Settings(), rules, None)
    assert "extra/x.yaml" in letter_inputs(clone)
    assert not any(name.startswith(("_", "data/")) for name in letter_inputs(clone))
    extra.write_text("id: y\n", encoding="utf-8")
    assert inputs_key(clone, Settings(), rules, None) != before
