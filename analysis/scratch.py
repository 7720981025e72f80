"""Hidden scratch directories of a run, and the removal of those a killed run left behind.

A run writes what it makes into a hidden directory beside where it goes (``_results/``, ``_book/``, the
render's intermediates, a letter's answer) and renames it into place only when everything worked. A run that
is killed hard (SIGKILL, power loss) cannot remove its scratch directory; the directory's name carries the
process id of the run that made it (``.<what>-rr<pid>-<random>``), and :func:`remove_leftovers` deletes
those whose process no longer exists. It runs when a run takes the project's lock.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

_NAME = re.compile(r"\..+-rr(?P<pid>\d+)-[a-z0-9_]{8}")


def scratch_dir(parent: Path, what: str) -> Path:
    """A new, empty hidden directory ``parent/.<what>-rr<pid>-<random>`` (mode 0700)."""
    return Path(tempfile.mkdtemp(prefix=f".{what}-rr{os.getpid()}-", dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(*parents: Path) -> list[Path]:
    """Delete the scratch directories in ``parents`` whose run is no longer running; returns them."""
    removed = []
    for parent in parents:
        try:
            entries = list(Path(parent).iterdir())
        except (FileNotFoundError, NotADirectoryError):
            continue
        for path in entries:
            match = _NAME.fullmatch(path.name)
            if match and path.is_dir() and not path.is_symlink() and not _alive(int(match["pid"])):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed
