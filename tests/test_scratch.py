"""Scratch directories that a run killed hard left behind are removed when the next run takes the lock;
those of live runs, and anything not named as a scratch directory, are kept."""

from __future__ import annotations

import os
import subprocess
import sys

from analysis.project_lock import project_lock
from analysis.scratch import remove_leftovers, scratch_dir


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_the_scratch_directories_of_dead_runs_are_removed(tmp_path):
    dead = _dead_pid()
    mine = scratch_dir(tmp_path, "results")
    assert mine.name.startswith(f".results-rr{os.getpid()}-")
    left = [tmp_path / f".results-rr{dead}-abcd_123", tmp_path / f"._book.staging-rr{dead}-zz99zz99"]
    for path in left:
        (path / "sub").mkdir(parents=True)
        (path / "sub" / "f.txt").write_text("x")
    kept = [tmp_path / ".results-abcd1234", tmp_path / f"results-rr{dead}-abcd1234",  # not scratch names
            tmp_path / f".results-rr{dead}-abcd1234\n"]
    for path in kept:
        path.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("x")
    link = tmp_path / f".x-rr{dead}-abcdefgh"
    link.symlink_to(outside, target_is_directory=True)
    assert sorted(remove_leftovers(tmp_path, tmp_path / "missing")) == sorted(left)
    assert not any(p.exists() for p in left)
    assert mine.is_dir() and all(p.is_dir() for p in kept)
    assert link.is_symlink() and (outside / "keep.txt").is_file()  # a link is never followed nor removed


def test_taking_the_project_lock_removes_what_killed_runs_left(tmp_path):
    dead = _dead_pid()
    project = tmp_path / "project"
    leftovers = [project / f".results-rr{dead}-abcdefgh", project / "_cache" / "render" / "_book-scenarios"
                 / f".lumbar-only.work-rr{dead}-abcdefgh", project / "_results" / "scenarios"
                 / f".results-rr{dead}-abcdefgh"]
    for path in leftovers:
        path.mkdir(parents=True)
    said = []
    with project_lock(project, said.append):
        assert not any(p.exists() for p in leftovers)
        with project_lock(project, said.append):  # re-entered: nothing to do twice
            pass
    assert sorted(said) == sorted(f"removed {p.relative_to(project)}, left behind by a run that was killed"
                                  for p in leftovers)
