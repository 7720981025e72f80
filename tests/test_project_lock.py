"""One run at a time per project: a second process waits for the first to release the project's lock."""

from __future__ import annotations

import subprocess
import sys
import time

from analysis.project_lock import project_lock

CHILD = """
import sys, time
from analysis.project_lock import project_lock
with project_lock(sys.argv[1], progress=lambda m: print(m, flush=True)):
    print("acquired", flush=True)
"""


def test_a_second_run_waits_for_the_first_and_says_so(tmp_path):
    with project_lock(tmp_path):
        with project_lock(tmp_path):  # re-entrant in one process (a render that builds)
            child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
            time.sleep(1.5)
            assert child.poll() is None  # still waiting
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0
    lines = out.splitlines()
    assert lines[0].startswith("waiting for another run on this project to finish (process ")
    assert lines[-1] == "acquired"
