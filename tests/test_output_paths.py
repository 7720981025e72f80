"""Where `nma --out` and `pack --out` may write (analysis.output_paths): the refusals that protect what is not
the command's to replace. Each refusal is a message naming the path; nothing is written by a refusal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.errors import AnalysisError
from analysis.output_paths import PACKAGE_SOURCE, check_output_dir, check_output_file

PRODUCES = ("effects.csv", "heterogeneity.json")


def _never_ours(path: Path) -> bool:
    return False


def test_a_device_or_a_pipe_is_refused_even_with_force(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for out in (Path(os.devnull), fifo):
        with pytest.raises(AnalysisError, match="not a regular file or directory"):
            check_output_file(out, tmp_path / "project", _never_ours, force=True)
    (tmp_path / "out").mkdir()
    os.mkfifo(tmp_path / "out" / "effects.csv")  # a pipe under a name the command writes would block it
    with pytest.raises(AnalysisError, match="not a regular file"):
        check_output_dir(tmp_path / "out", PRODUCES, force=True)


def test_rapidrecs_own_code_is_refused_even_with_force(tmp_path):
    with pytest.raises(AnalysisError, match="rapidrec's own code"):
        check_output_file(PACKAGE_SOURCE / "cli.py", tmp_path, _never_ours, force=True)
    with pytest.raises(AnalysisError, match="rapidrec's own code"):
        check_output_dir(PACKAGE_SOURCE / "models", PRODUCES, force=True)


def test_a_folder_inside_a_data_package_is_refused_at_any_depth(tmp_path):
    package = tmp_path / "data"
    (package / "sub").mkdir(parents=True)
    (package / "datapackage.json").write_text("{}")
    for out, words in [(package, "a data package"), (package / "sub", "inside the data package"),
                       (package / "new" / "deeper", "inside the data package")]:
        with pytest.raises(AnalysisError, match=words):
            check_output_dir(out, PRODUCES, force=True)
    assert sorted(p.name for p in package.iterdir()) == ["datapackage.json", "sub"]  # nothing written


def test_an_ordinary_new_place_is_accepted(tmp_path):
    check_output_dir(tmp_path / "results", PRODUCES)
    check_output_file(tmp_path / "review.tar.gz", tmp_path / "project", _never_ours)


def test_a_checkouts_code_is_refused_even_with_force(tmp_path):
    """A project that is a checkout of rapidrec holds its code: `pack --out analysis/cli.py --force` is refused."""
    project = tmp_path / "project"
    (project / "analysis").mkdir(parents=True)
    (project / "analysis" / "cli.py").write_text("code")
    for out in (project / "analysis" / "cli.py", project / "pyproject.toml"):
        with pytest.raises(AnalysisError, match="inside the project's"):
            check_output_file(out, project, _never_ours, force=True)
    assert (project / "analysis" / "cli.py").read_text() == "code"
