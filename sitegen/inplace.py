"""Load, index and plan: afresh, or in place when an edit moved no entry.

Most rebuilds follow a correction: a body, a title, a time. Such an edit keeps
every entry's place in the archive (its day, order, slug, tags, aliases and
draft state: ``index.place``), so the archive's shape (``index.Shape``) is the
one the last build stored, and the only page groups whose inputs changed are
those whose deps named an edited entry's old digest (``pages.dependents``).
Such a build parses and checks only the edited files, fills the stored shape
with entries, and plans only those groups. At 10k entries that skips about a
quarter of a one-entry rebuild: validating, indexing and planning the whole
archive, and keying every page group. Without a memo (``sitegen build``) it
does not even unpack the cached parses: the shape is filled with pending
entries (``sitegen.pending``) that read theirs when a page asks, as long as
the file record the build started from is the one the cached parses are of
(not so after a failed build, or an import whose files are not read back yet).

Anything else takes the long way and stores the shape it made (when it
differs) for the next build: a new, moved, retagged or deleted entry; another
template, site.toml or topic list; an import; a missing output; a cache that
has no shape or a damaged one. Both ways give the same archive and the same
groups (the tests build both ways and compare).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import BuildCache, ShapeRecord
from sitegen.cacherows import folder_of
from sitegen.config import SiteConfig
from sitegen.content import load_content
from sitegen.incremental import cached_parser, parse_new
from sitegen.index import Archive, archive_of, place, shape_of, topic_slugs
from sitegen.model import Entry, Topic
from sitegen.pages import Plan, dependents, plan_pages
from sitegen.pending import CachedParses, pending_entries
from sitegen.progress import Progress
from sitegen.scan import KnownFiles, SourceFile


@dataclass(frozen=True)
class Planned:
    """The build's archive, the plan of what to render, and the parses for the cache to save."""

    archive: Archive
    plan: Plan
    #: The entries the cache saves: all of them, or after an edit in place the edited folders' (whole).
    entries: tuple[Entry, ...]
    #: What the cache held for ``entries``' folders when the build started, by digest (what they replace).
    known: Mapping[str, Entry]
    #: The shape to store for the next build; None when the stored one still holds.
    shape: ShapeRecord | None
    #: Why the long way was taken ("" when the edit was taken in place), for the progress line and the tests.
    afresh: str


def load_and_plan(
    files: Sequence[SourceFile],
    known_files: KnownFiles,
    imported: Mapping[str, Entry],
    topics: tuple[Topic, ...],
    config: SiteConfig,
    cache: BuildCache,
    fingerprint: str,
    absent: Collection[str],
    progress: Progress,
    root: Path,
) -> Planned:
    """Parse and check what changed, index, and plan the pages: in place if the edit allows it.

    ``known_files`` is the file record as this build found it, ``imported`` what this build's
    import wrote, ``fingerprint`` the site's (config, theme, topics), ``absent`` the last build's
    outputs that are gone, and ``root`` the entries folder.
    """
    reason = _why_not(imported, absent, cache, fingerprint)
    fresh: Mapping[str, Entry] = {}  # edited files parsed on the way in: the long way does not parse them again
    if not reason:
        edit, fresh = _in_place(files, known_files, topics, config, cache, progress, root)
        if isinstance(edit, Planned):
            progress.stage("index", f"the edit moved nothing: {len(edit.plan.groups):,} page groups to look at")
            return edit
        reason = edit
    progress.stage("index", f"the whole archive, as {reason}")
    known = cache.entries()
    parsed = parse_new(files, known, progress, {**imported, **fresh})
    content = load_content(list(files), topics, parse=cached_parser(parsed))
    shape = shape_of(content.entries, topic_slugs(topics))
    archive = archive_of(shape, {entry.path: entry for entry in content.entries}, topics)
    plan = plan_pages(archive, config)
    key = hashlib.sha256(repr((shape, config)).encode()).hexdigest()
    stored = None if reason == DAMAGED else cache.meta("shape")
    record = None if key == stored else ShapeRecord(key, shape, dependents(plan.groups, archive))
    return Planned(archive, plan, content.entries, known, record, reason)


#: Why the long way is taken when an edited entry's place differs from the cached parse's (or there is none).
MOVED = "an edit moved an entry (its day, order, slug, tags, aliases or draft state), or the cache lost it"
#: Why the long way is taken when the cache's shape, or its record of which groups each entry feeds, is
#: missing, unreadable or does not fit the entries: the long way then stores both afresh.
DAMAGED = "the cache's shape of the archive is missing or damaged"


def _why_not(imported: Mapping[str, Entry], absent: Collection[str], cache: BuildCache, fingerprint: str) -> str:
    """Why this build cannot be an edit in place, before looking at the entries ("" if it may be)."""
    if imported:
        return "new or changed dumps were imported"
    if absent:
        return f"{len(absent):,} outputs of the last build are gone"
    if cache.meta("fingerprint") != fingerprint:
        return "the first build, or site.toml, the theme or the topics changed"
    return ""


def _in_place(
    files: Sequence[SourceFile],
    known_files: KnownFiles,
    topics: tuple[Topic, ...],
    config: SiteConfig,
    cache: BuildCache,
    progress: Progress,
    root: Path,
) -> tuple[Planned | str, Mapping[str, Entry]]:
    """The build's archive, plan and parses to save from the stored shape, or why not; with the edited
    files' parses by digest, so that the long way, if taken, need not parse them again."""
    shape = cache.shape()
    if shape is None:
        return DAMAGED, {}
    if len(files) != len(shape.order) + len(shape.drafts) or not {source.rel for source in files}.issuperset(
        (*shape.order, *shape.drafts)
    ):
        return "entry files were added, removed or renamed", {}
    # The file record is a guide to the parses only if they are of it, and only where it holds a digest.
    guide = cache.memo is None and known_files.token == cache.parsed_token() != ""
    parses = CachedParses(cache, root) if guide and all(row[4] for row in known_files.files.values()) else None
    if parses is None:  # a warm process (whose memo holds every parse), or no guide: compare with every parse
        known = cache.entries()
        recorded = {entry.path: entry.digest for entry in known.values()}
    else:
        recorded = {rel: row[4] for rel, row in known_files.files.items()}
    edited = [source for source in files if recorded.get(source.rel) != source.digest]
    folders = {folder_of(source.rel) for source in edited}
    if parses is not None:  # the edited files' folders' parses of the files as recorded: to compare and save
        known = {
            entry.digest: entry
            for folder in folders
            for entry in parses.folder(folder).values()
            if recorded.get(entry.path) == entry.digest
        }
    by_path = {entry.path: entry for entry in known.values()}
    fresh = parse_new(edited, known, progress, {})  # by path; on all cores when there are many
    by_digest = {entry.digest: entry for entry in fresh.values()}
    if len(fresh) != len(edited):
        return "an edited file has errors", by_digest  # the long way reports every one with file and line
    if any(path not in by_path or place(entry) != place(by_path[path]) for path, entry in fresh.items()):
        return MOVED, by_digest
    found = cache.dependents([path for path, entry in fresh.items() if not entry.draft])
    if found is None:
        return DAMAGED, by_digest
    by_path.update(fresh)
    try:
        entries = by_path if parses is None else pending_entries(shape, _digests(files), parses) | by_path
        archive = archive_of(shape, entries, topics)
    except (KeyError, IndexError, TypeError, ValueError):
        return DAMAGED, by_digest
    dirty = {name for names in found.values() for name in names}
    plan = plan_pages(archive, config, only=dirty)
    if len(plan.groups) != len(dirty):
        return DAMAGED, by_digest  # a group on record that this plan does not have: re-read them all
    if parses is None:
        saved = tuple(by_path[source.rel] for source in files)
    else:  # the edited folders whole, as the cache stores a folder per row
        saved = tuple(
            by_path.get(source.rel) or parses(source.rel, source.digest)
            for source in files
            if folder_of(source.rel) in folders
        )
    return Planned(archive, plan, saved, known, None, ""), by_digest


def _digests(files: Sequence[SourceFile]) -> dict[str, str]:
    return {source.rel: source.digest for source in files}
