"""Progress output: per-stage counts on a terminal, one summary line otherwise.

Passed explicitly to the stages that report (no global logger), so tests and
the dev server can silence or capture it.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Reports stages as they finish; ``quiet`` keeps only warnings and the summary."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = not quiet and self.stream.isatty()
        self.quiet = quiet
        self.started = time.perf_counter()
        self.warnings: list[str] = []

    def stage(self, name: str, detail: str = "") -> None:
        """One finished stage, e.g. ``render  1,234 pages``; shown only on a terminal."""
        if self.live:
            elapsed = time.perf_counter() - self.started
            print(f"  {name:<8} {detail}  ({elapsed:.2f}s)", file=self.stream, flush=True)

    def count(self, name: str, done: int, total: int) -> None:
        """A running counter for long stages; redrawn in place on a terminal."""
        if self.live and total >= 500 and (done == total or done % 250 == 0):
            end = "\n" if done == total else "\r"
            print(f"  {name:<8} {done:,}/{total:,}", end=end, file=self.stream, flush=True)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        print(f"warning: {message}", file=self.stream, flush=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            print(message, file=self.stream, flush=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started
