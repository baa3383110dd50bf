"""Load stage: read every entry file and the topics into frozen ``Content``.

All problems in all files are collected and reported together, so an editor
fixing a batch of files sees every error in one run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.errors import Problem, SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.model import Content, Entry, Topic

ENTRIES_DIR = Path("content") / "entries"
#: Report at most this many entry problems; past that the output stops helping.
MAX_PROBLEMS = 50


def _walk(root: str, rel: str = "") -> list[str]:
    """Relative POSIX paths of the ``*.md`` files under ``root``; plain strings, as pathlib is slow at 50k files."""
    found: list[str] = []
    with os.scandir(os.path.join(root, rel) if rel else root) as scan:
        for item in scan:
            if item.name.startswith("."):
                continue
            name = f"{rel}/{item.name}" if rel else item.name
            if item.is_dir(follow_symlinks=False):
                found.extend(_walk(root, name))
            elif item.name.endswith(".md") and item.is_file(follow_symlinks=False):
                found.append(name)
    return found


def entry_files(site_dir: Path) -> list[Path]:
    """Every ``*.md`` under content/entries, in a stable order (output must not depend on the file system).

    Hidden files and folders are skipped (editor litter), and so are symlinks: an
    entry is a file in the site, never a pointer to somewhere else.
    """
    root = site_dir / ENTRIES_DIR
    if not root.is_dir():
        return []
    return [root / rel for rel in sorted(_walk(str(root)))]


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

    #: Path relative to content/entries, POSIX style.
    rel: str
    raw: bytes
    root: Path

    @property
    def path(self) -> Path:
        return self.root / self.rel

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


def read_entry_files(site_dir: Path) -> list[SourceFile]:
    """Every entry file's bytes, in a stable order."""
    root = site_dir / ENTRIES_DIR
    if not root.is_dir():
        return []
    files = []
    for rel in sorted(_walk(str(root))):
        with open(os.path.join(root, rel), "rb") as handle:
            files.append(SourceFile(rel, handle.read(), root))
    return files


def parse_file(raw: bytes, root: Path, rel: str) -> Entry:
    """Parse one entry file given its folder and relative path."""
    return parse_entry(raw, root / rel, PurePosixPath(rel))


def load_content(
    files: list[SourceFile],
    topics: tuple[Topic, ...],
    parse: Callable[[bytes, Path, str], Entry] | None = None,
) -> Content:
    """Validate all entries; raise one SitegenError listing every problem (up to MAX_PROBLEMS).

    ``parse`` is injectable so the build can put a digest-keyed cache in front of it.
    """
    parse = parse or parse_file
    entries: list[Entry] = []
    problems: list[Problem] = []
    for source in files:
        try:
            entries.append(parse(source.raw, source.root, source.rel))
        except SitegenError as error:
            problems.extend(error.problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    if files:
        problems.extend(_check_duplicates(entries, files[0].root))
    if problems:
        raise SitegenError.collect(problems)
    return Content(entries=tuple(entries), topics=topics)
