"""One module per ``rapidrec`` subcommand.

Each module defines ``NAME``, ``HELP``, ``EXAMPLE``, ``add_arguments(parser)`` and
``run(args) -> int``. The command line discovers them here, so adding a command
means adding a module; nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType


def progress(message: str) -> None:
    """Progress lines go to stderr so that stdout carries only what a command prints."""
    sys.stderr.write(f"[rapidrec] {message}\n")  # one write: lines from two threads never interleave
    sys.stderr.flush()


def discover() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "run") and hasattr(mod, "NAME"):
            mods.append(mod)
    return mods
