"""One error type for everything a user can get wrong.

Errors are data: a path, a line (when known), a message and an optional hint.
The CLI prints them as ``path:line: message`` and exits 2; nothing else in
sitegen formats user errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input; several may be reported at once."""

    path: Path | None
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class SitegenError(Exception):
    """A user error (bad input or config): printed as one line per problem, exit 2.

    It carries every problem found, so config files report all their errors at
    once instead of one per run.
    """

    def __init__(
        self,
        path: Path | str | None,
        line: int | None,
        message: str,
        hint: str = "",
        *,
        more: tuple[Problem, ...] = (),
    ) -> None:
        first = Problem(Path(path) if path is not None else None, line, message, hint)
        self.problems: tuple[Problem, ...] = (first, *more)
        super().__init__(str(first))

    @property
    def path(self) -> Path | None:
        return self.problems[0].path

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def message(self) -> str:
        return self.problems[0].message

    @property
    def hint(self) -> str:
        return self.problems[0].hint

    def __reduce__(self) -> tuple[object, tuple[list[Problem]]]:
        """Survive pickling, so an error raised in a build worker reaches the CLI intact."""
        return (SitegenError.collect, (list(self.problems),))

    @classmethod
    def collect(cls, problems: list[Problem]) -> SitegenError:
        """Build one error from a non-empty list of problems."""
        head, *rest = problems
        return cls(head.path, head.line, head.message, head.hint, more=tuple(rest))


class BuildFailed(Exception):
    """A build or check failed for a reason that is not the user's input (exit 1)."""


def toml_error(exc: Exception, path: Path) -> SitegenError:
    """A TOML parse error as a SitegenError with the line (3.11's TOMLDecodeError only says it in text)."""
    text = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)", text)
    line = int(match.group(1)) if match else getattr(exc, "lineno", None)
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", text) if match else text
    return SitegenError(path, line, f"invalid TOML: {message}")
