"""Load stage: read every entry file and the topics into frozen ``Content``.

All problems in all files are collected and reported together, so an editor
fixing a batch of files sees every error in one run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.errors import Problem, SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.model import Content, Entry, Topic

ENTRIES_DIR = Path("content") / "entries"
#: Report at most this many entry problems; past that the output stops helping.
MAX_PROBLEMS = 50


def entry_files(site_dir: Path) -> list[Path]:
    """Every ``*.md`` under content/entries, in a stable order (output must not depend on the file system)."""
    root = site_dir / ENTRIES_DIR
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*.md") if path.is_file() and not path.name.startswith("."))


def _check_duplicates(entries: list[Entry], root: Path) -> list[Problem]:
    seen: dict[tuple[str, str], Entry] = {}
    problems = []
    for entry in entries:
        key = (entry.day_url, entry.slug)
        if key in seen:
            other = seen[key]
            problems.append(
                Problem(root / entry.path, 1, f"duplicate slug '{entry.slug}' on {entry.date} (also in {other.path})")
            )
        else:
            seen[key] = entry
    return problems


@dataclass(frozen=True)
class SourceFile:
    """One entry file's bytes, read once per build."""

    path: Path
    rel: PurePosixPath
    raw: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def read_entry_files(site_dir: Path) -> list[SourceFile]:
    """Every entry file's bytes, in a stable order."""
    root = site_dir / ENTRIES_DIR
    return [
        SourceFile(path, PurePosixPath(path.relative_to(root).as_posix()), path.read_bytes())
        for path in entry_files(site_dir)
    ]


def load_content(
    files: list[SourceFile],
    topics: tuple[Topic, ...],
    parse: Callable[[bytes, Path, PurePosixPath], Entry] = parse_entry,
) -> Content:
    """Validate all entries; raise one SitegenError listing every problem (up to MAX_PROBLEMS).

    ``parse`` is injectable so the build can put a digest-keyed cache in front of it.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for source in files:
        try:
            entries.append(parse(source.raw, source.path, source.rel))
        except SitegenError as error:
            problems.extend(error.problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    if files:
        problems.extend(_check_duplicates(entries, files[0].path.parents[len(files[0].rel.parts) - 1]))
    if problems:
        raise SitegenError.collect(problems)
    return Content(entries=tuple(entries), topics=topics)
