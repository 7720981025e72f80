"""Worker processes for the parallel parts of a build (robustness re-runs, scenarios) that die with their run.

A forked worker outlives a parent killed with SIGKILL, and goes on holding its memory (two robustness workers
of 115 MB each were seen living on as orphans). On Linux each worker asks the kernel, first thing, to kill it
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and exits at once if the parent is already gone. Elsewhere
the workers are plain forked processes.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` forked processes that die with this one."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                               initializer=_die_with_parent, initargs=(os.getpid(),))


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: no such call
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


__all__ = ["can_fork", "worker_pool"]
