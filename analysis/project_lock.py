"""One run at a time per project: builds and renders of the same project wait for each other.

Two runs writing the same ``_results/``, ``_cache/`` or ``_book/`` at once could mix their files. Each run
holds an exclusive lock on ``_cache/run.lock`` (an advisory ``flock``, released by the operating system if
the process dies) while it writes; a second run waits, saying which process it waits for. Taking the lock
removes the scratch directories that runs killed hard left behind (:func:`analysis.scratch.remove_leftovers`).
Re-entrant within one process (a render that builds, a scenario that builds the base case first). Where
``fcntl`` does not exist (Windows), runs are not serialised.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from analysis.project import cache_dir, scratch_parents
from analysis.scratch import remove_leftovers

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

LOCK_FILE = "run.lock"
_held: dict[Path, int] = {}  # project -> depth of the lock held by this process
_guard = threading.Lock()


@contextmanager
def project_lock(project_dir: Path, progress: Callable[[str], None] = lambda m: None):
    """Hold the project's run lock for the block (waiting for another process's run to finish first)."""
    key = Path(project_dir).resolve()
    with _guard:
        depth = _held.get(key, 0)
        _held[key] = depth + 1
    if depth or fcntl is None:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path = cache_dir(key) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            progress(f"waiting for another run on this project to finish ({holder})")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(f"process {os.getpid()}\n")
        fh.flush()
        for path in remove_leftovers(*scratch_parents(key)):  # of runs killed hard (kill -9, power loss)
            progress(f"removed {path.relative_to(key)}, left behind by a run that was killed")
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
            with _guard:
                _held[key] -= 1
