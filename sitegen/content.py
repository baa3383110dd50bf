"""Load stage: parse and validate every entry file into frozen ``Content``.

All problems in all files are collected and reported together, so an editor
fixing a batch of files sees every error in one run. Which files there are, and
which changed, is the scan stage's (``sitegen.scan``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sitegen.errors import Problem, SitegenError
from sitegen.model import Content, Entry, Topic

if TYPE_CHECKING:
    from sitegen.scan import SourceFile

ENTRIES_DIR = Path("content") / "entries"
#: Report at most this many entry problems; past that the output stops helping.
MAX_PROBLEMS = 50


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
    return problems + _check_aliases(entries, root)


def _check_aliases(entries: list[Entry], root: Path) -> list[Problem]:
    """Each published URL is made by one page: an alias may not be an entry's URL or another alias."""
    published = [entry for entry in entries if not entry.draft]
    taken: dict[str, Entry] = {entry.url: entry for entry in published}
    problems = []
    for entry in published:
        for alias in entry.aliases:
            target = alias.strip("/") + "/"
            other = taken.get(target)
            if other is None:
                taken[target] = entry
                continue
            what = "this entry's own URL" if other is entry else f"already a URL of {other.path}"
            problems.append(Problem(root / entry.path, 1, f"alias '{alias}' is {what}"))
    return problems


def parse_file(raw: bytes, root: Path, rel: str) -> Entry:
    """Parse one entry file given its folder and relative path."""
    # Loaded here: YAML's start-up is for builds that parse, and a no-op build doesn't.
    from sitegen.canonical import read_entry  # parse_entry, without PyYAML for import's canonical front matter

    return read_entry(raw, root / rel, PurePosixPath(rel))


def _parse_source(source: SourceFile) -> Entry:
    return parse_file(source.read(), source.root, source.rel)


def load_content(
    files: list[SourceFile],
    topics: tuple[Topic, ...],
    parse: Callable[[SourceFile], Entry] = _parse_source,
) -> Content:
    """Validate all entries; raise one SitegenError listing every problem (up to MAX_PROBLEMS).

    ``parse`` is injectable so the build can put a digest-keyed cache in front of it.
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    for source in files:
        try:
            entries.append(parse(source))
        except SitegenError as error:
            problems.extend(error.problems)
        if len(problems) >= MAX_PROBLEMS:
            break
    if files:
        problems.extend(_check_duplicates(entries, files[0].root))
    if problems:
        raise SitegenError.collect(problems)
    return Content(entries=tuple(entries), topics=topics)
