"""Load stage: read every entry file and the topics into frozen ``Content``.

All problems in all files are collected and reported together, so an editor
fixing a batch of files sees every error in one run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from sitegen.errors import Problem, SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.model import Content, Entry
from sitegen.topics import load_topics

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


def load_content(site_dir: Path, parse: Callable[[bytes, Path, PurePosixPath], Entry] = parse_entry) -> Content:
    """Read and validate all entries and topics; raise one SitegenError listing every problem.

    ``parse`` is injectable so the build can put a digest-keyed cache in front of it.
    """
    root = site_dir / ENTRIES_DIR
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in entry_files(site_dir):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        try:
            entries.append(parse(path.read_bytes(), path, rel))
        except SitegenError as error:
            problems.extend(error.problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    problems.extend(_check_duplicates(entries, root))
    if problems:
        raise SitegenError.collect(problems)
    return Content(entries=tuple(entries), topics=load_topics(site_dir))
