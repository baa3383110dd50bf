"""Load, index and plan: afresh, or in place when an edit moved no entry.

Most rebuilds follow a correction: a body, a title, a time. Such an edit keeps
every entry's place in the archive (its day, order, slug, tags, aliases and
draft state: ``index.place``), so the archive's shape (``index.Shape``) is the
one the last build stored, and the only page groups whose inputs changed are
those whose deps named an edited entry's old digest (``pages.dependents``).
Such a build parses and checks only the edited files, fills the stored shape
with entries, and plans only those groups. At 10k entries that skips about a
quarter of a one-entry rebuild: validating, indexing and planning the whole
archive, and keying every page group.

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

from sitegen.cache import BuildCache, ShapeRecord
from sitegen.config import SiteConfig
from sitegen.content import load_content
from sitegen.incremental import cached_parser, parse_new
from sitegen.index import Archive, archive_of, place, shape_of, topic_slugs
from sitegen.model import Content, Entry, Topic
from sitegen.pages import Plan, dependents, plan_pages
from sitegen.progress import Progress
from sitegen.scan import SourceFile


@dataclass(frozen=True)
class Planned:
    """The build's content, its archive and the plan of what to render."""

    content: Content
    archive: Archive
    plan: Plan
    #: The shape to store for the next build; None when the stored one still holds.
    shape: ShapeRecord | None
    #: Why the long way was taken ("" when the edit was taken in place), for the progress line and the tests.
    afresh: str


def load_and_plan(
    files: Sequence[SourceFile],
    known: Mapping[str, Entry],
    imported: Mapping[str, Entry],
    topics: tuple[Topic, ...],
    config: SiteConfig,
    cache: BuildCache,
    fingerprint: str,
    absent: Collection[str],
    progress: Progress,
) -> Planned:
    """Parse and check what changed, index, and plan the pages: in place if the edit allows it.

    ``known`` are the last build's entries by digest, ``imported`` what this build's import
    wrote, ``fingerprint`` the site's (config, theme, topics) and ``absent`` the last build's
    outputs that are gone.
    """
    reason = _why_not(imported, absent, cache, fingerprint)
    fresh: Mapping[str, Entry] = {}  # edited files parsed on the way in: the long way does not parse them again
    if not reason:
        edit, fresh = _in_place(files, known, topics, config, cache, progress)
        if isinstance(edit, Planned):
            progress.stage("index", f"the edit moved nothing: {len(edit.plan.groups):,} page groups to look at")
            return edit
        reason = edit
    progress.stage("index", f"the whole archive, as {reason}")
    parsed = parse_new(files, known, progress, {**imported, **fresh})
    content = load_content(list(files), topics, parse=cached_parser(parsed))
    shape = shape_of(content.entries, topic_slugs(topics))
    archive = archive_of(shape, {entry.path: entry for entry in content.entries}, topics)
    plan = plan_pages(archive, config)
    key = hashlib.sha256(repr((shape, config)).encode()).hexdigest()
    stored = None if reason == DAMAGED else cache.meta("shape")
    record = None if key == stored else ShapeRecord(key, shape, dependents(plan.groups, archive))
    return Planned(content, archive, plan, record, reason)


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
    known: Mapping[str, Entry],
    topics: tuple[Topic, ...],
    config: SiteConfig,
    cache: BuildCache,
    progress: Progress,
) -> tuple[Planned | str, Mapping[str, Entry]]:
    """The build's content, archive and plan from the stored shape, or why not; with the edited
    files' parses by digest, so that the long way, if taken, need not parse them again."""
    shape = cache.shape()
    if shape is None:
        return DAMAGED, {}
    if len(files) != len(shape.order) + len(shape.drafts) or not {source.rel for source in files}.issuperset(
        (*shape.order, *shape.drafts)
    ):
        return "entry files were added, removed or renamed", {}
    by_path = {entry.path: entry for entry in known.values()}
    edited = [source for source in files if (entry := by_path.get(source.rel)) is None or entry.digest != source.digest]
    fresh = parse_new(edited, known, progress, {})  # by path; on all cores when there are many
    by_digest = {entry.digest: entry for entry in fresh.values()}
    if len(fresh) != len(edited):
        return "an edited file has errors", by_digest  # the long way reports every one with file and line
    if any(path not in by_path or place(entry) != place(by_path[path]) for path, entry in fresh.items()):
        return (
            "an edit moved an entry (its day, order, slug, tags, aliases or draft state), or the cache lost it",
            by_digest,
        )
    found = cache.dependents([path for path, entry in fresh.items() if not entry.draft])
    if found is None:
        return DAMAGED, by_digest
    by_path.update(fresh)
    try:
        archive = archive_of(shape, by_path, topics)
    except (KeyError, IndexError, TypeError, ValueError):
        return DAMAGED, by_digest
    dirty = {name for names in found.values() for name in names}
    plan = plan_pages(archive, config, only=dirty)
    if len(plan.groups) != len(dirty):
        return DAMAGED, by_digest  # a group on record that this plan does not have: re-read them all
    content = Content(tuple(by_path[source.rel] for source in files), topics)
    return Planned(content, archive, plan, None, ""), by_digest
