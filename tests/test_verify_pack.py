"""rapidrec verify and pack (issue 9): a rebuild from scratch finds exactly what was altered, and a pack is
byte-identical, holds what a reviewer needs and never writes over anything it should not.

A clone of the session's rendered project (tests/conftest.py); in a module of its own so that its one
rebuild from scratch runs beside the other audit tests (pytest-xdist gives each module to one worker).
"""

import json
import re
import tarfile

import pytest

from tests.conftest import clone_project, rapidrec


@pytest.fixture(scope="module")
def project(rendered_project, tmp_path_factory):
    return clone_project(rendered_project.path, tmp_path_factory.mktemp("verify") / "project")


@pytest.fixture(scope="module")
def scenario_id(project):
    """One committed scenario run in the project, so that verify also rebuilds a scenario's results."""
    done = rapidrec("scenario", "scenarios/lumbar-only.yaml", "--no-figures", cwd=project)
    assert done.returncode == 0, done.stderr
    return "lumbar-only"


def test_verify_finds_exactly_the_altered_files_and_entries(project, scenario_id, tmp_path):
    """One rebuild from scratch (about a minute) serves both sides: everything the project holds -- results,
    figures, book, the scenario's results -- is rebuilt byte-identical, and the three altered files are named."""
    altered = clone_project(project, tmp_path / "altered")
    path = altered / "_results" / "numbers.json"
    reg = json.loads(path.read_text())
    reg["numbers"]["pain/axial/joint-rf/vs-sham/estimate"]["text"] = "9.99"
    path.write_text(json.dumps(reg, indent=2, sort_keys=True) + "\n")
    effects = altered / "_results" / "network" / "pain" / "axial" / "effects.csv"
    effects.write_text(effects.read_text().replace(",", ";", 3))
    figure = altered / "figures" / "forest-pain-axial.svg"
    figure.write_bytes(figure.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    done = rapidrec("verify", "--project", altered, cwd=altered)
    assert done.returncode == 1, done.stderr
    assert "_results/numbers.json: pain/axial/joint-rf/vs-sham/estimate: text" in done.stdout
    assert "_results/network/pain/axial/effects.csv:" in done.stdout
    differing = {line.split(":")[0] for line in done.stdout.splitlines() if line.strip()}
    assert differing == {"_results/numbers.json", "_results/network/pain/axial/effects.csv",
                         "figures/forest-pain-axial.svg"}, done.stdout
    compared = int(re.search(r"differences in (\d+) files", done.stderr).group(1))
    assert compared > 100  # results, book and the scenario's results were all compared


def test_two_packs_are_byte_identical_and_hold_what_a_reviewer_needs(project, tmp_path):
    a, b = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    assert rapidrec("pack", "--project", project, "--out", a).returncode == 0
    assert rapidrec("pack", "--project", project, "--out", b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    with tarfile.open(a) as tar:
        names = tar.getnames()
        readme = tar.extractfile("rapidrec-pack/README.md").read().decode()
    for need in ("data/studies.csv", "_results/numbers.json", "_results/provenance.csv",
                 "_results/environment.json", "_book/index.html", "_book/rapidrec-guideline.pdf"):
        assert f"rapidrec-pack/{need}" in names
    assert not any("/_work/" in n for n in names)
    assert "rapidrec verify" in readme and "rapidrec render" in readme


def test_pack_never_writes_over_the_project_or_an_unrelated_file(project, tmp_path):
    """`pack --out` refuses a path inside the project's inputs, results or book, a directory and an existing
    file it did not write (unless --force); an earlier pack is replaced. Nothing is changed by a refusal."""
    studies = project / "data" / "studies.csv"
    before = studies.read_bytes()
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("mine")
    for out, words in [(studies, "inside the project's data"), (project / "_results" / "p.tar.gz", "_results"),
                       (tmp_path, "an existing directory"), (unrelated, "did not write")]:
        done = rapidrec("pack", "--project", project, "--out", out)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert studies.read_bytes() == before and unrelated.read_text() == "mine"
    archive = tmp_path / "review.tar.gz"
    assert rapidrec("pack", "--project", project, "--out", archive).returncode == 0
    assert rapidrec("pack", "--project", project, "--out", archive).returncode == 0  # its own earlier pack
    assert rapidrec("pack", "--project", project, "--out", unrelated, "--force").returncode == 0


def test_pack_refuses_a_symbolic_link_that_leaves_the_project(project, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not the project's")
    link = project / "chapters" / "linked.txt"
    link.symlink_to(outside)
    try:
        done = rapidrec("pack", "--project", project, "--out", tmp_path / "p.tar.gz")
    finally:
        link.unlink()
    assert done.returncode == 2 and "chapters/linked.txt: a symbolic link" in done.stderr, done.stderr
    assert not (tmp_path / "p.tar.gz").exists()
