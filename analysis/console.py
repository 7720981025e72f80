"""What rapidrec prints is text a terminal shows, never a control sequence it obeys.

Values from a data package, a letter or an ``nma`` input are quoted back in messages and summaries; an escape
character in them (``ESC[2J`` clears the screen, others retitle the window or rewrite earlier lines) would reach
the terminal as a command. Every control character except line feed and tab is written as its ``\\uXXXX`` escape
(which is also valid inside a JSON string), and a character the output's encoding cannot hold (e.g. with
``PYTHONIOENCODING=ascii``) as its backslash escape, instead of ending the command with an encoding error.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with every control character but line feed and tab as ``\\uXXXX``."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class VisibleText:
    """A text stream that writes :func:`visible` text to ``stream``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        text = visible(text)
        try:
            self._stream.write(text)
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            self._stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def __getattr__(self, name):  # flush, isatty, fileno, encoding, ...: the wrapped stream's
        return getattr(self._stream, name)


@contextmanager
def visible_output():
    """Standard output and error written as :class:`VisibleText` while the block runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleText(sys.stdout), VisibleText(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


__all__ = ["VisibleText", "visible", "visible_output"]
