"""Worker processes die with the run that started them (analysis.workers)."""

import os
import subprocess
import sys
import time

import pytest

from analysis.workers import can_fork

PARENT = """
import os, signal, time
from analysis.workers import worker_pool
pool = worker_pool(1)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 600)
time.sleep(0.5)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not (can_fork() and sys.platform.startswith("linux")), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_when_its_parent_is_killed():
    done = subprocess.run([sys.executable, "-c", PARENT], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    worker = int(done.stdout.split()[0])
    for _ in range(100):  # the kernel signals at once; allow up to 10 s on a loaded machine
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker), f"worker {worker} outlived its killed parent"
    assert worker != os.getpid()
