"""``sitegen build``: the whole pipeline on one screen.

Load everything, then render from frozen data: import new dumps → scan and load entries
→ index → plan pages → render what changed → commit atomically → search index.
Each stage is one function in its own module; nothing happens behind this list.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import parallel
from sitegen.cache import BuildCache, Memo
from sitegen.cachefile import CACHE_DIR
from sitegen.config import load_config
from sitegen.content import ENTRIES_DIR
from sitegen.errors import SitegenError
from sitegen.fingerprint import import_inputs, inputs_key, site_fingerprint
from sitegen.model import Entry
from sitegen.output import Staging, absent_outputs, commit, recover
from sitegen.progress import Progress
from sitegen.scan import Reread, Sources, read_entry_files, reread, settled, unsettled
from sitegen.theme import find_theme
from sitegen.topics import load_topics

if TYPE_CHECKING:
    from sitegen.index import Archive


@dataclass(frozen=True)
class BuildResult:
    """What a build did, for the summary line, the dev server and the tests."""

    written: int
    unchanged: int
    removed: int
    pages: int
    seconds: float
    warnings: tuple[str, ...]
    #: How many of the written and removed files are the search index (the dev server reloads pages for the rest).
    search_changed: int = 0
    #: The search index may be behind the pages (deferred, or Pagefind could not run): a later build catches up.
    search_pending: bool = False

    def summary(self) -> str:
        return (
            f"built {self.pages:,} files: {self.written:,} written, {self.unchanged:,} unchanged, "
            f"{self.removed:,} removed in {self.seconds:.2f}s"
        )


@contextmanager
def build_lock(site_dir: Path) -> Iterator[None]:
    """One build per site at a time (``sitegen serve`` and a manual build may overlap)."""
    folder = site_dir / CACHE_DIR
    folder.mkdir(exist_ok=True)
    with (folder / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bytecode_dir(site_dir: Path) -> Path:
    folder = site_dir / CACHE_DIR / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_stage(site_dir: Path, cache: BuildCache, progress: Progress) -> tuple[Mapping[str, Entry], Sources | None]:
    """Import dumps that are new or changed, so building stays one command.

    Returns the entries the import wrote, parsed (by digest), so they are not parsed twice,
    and the importer's inputs as hashed for it (None: nothing was imported).
    """
    if not (site_dir / "content" / "raw").is_dir():
        return {}, None
    known = cache.import_files()
    key, inputs = import_inputs(site_dir, known)
    if key == cache.meta("import_inputs"):
        cache.record_import_files(inputs, known)  # files read again (too recent last time) need not be next time
        return {}, None  # no dump, manifest or topic changed since the last import: it would write nothing
    from sitegen.importer import import_dumps  # only sites with raw dumps need the importer

    report = import_dumps(site_dir, echo=progress.info, list_dumps=False, progress=progress)
    progress.stage("import", report.summary())
    # The inputs as hashed before the import: a dump saved while it ran must not pass for imported.
    cache.record_import_files(inputs, known, key)
    return report.parsed, inputs


def render_ahead(imported: Mapping[str, Entry], aside: ExitStack) -> Callable[[], Mapping[str, str]] | None:
    """A big import's body HTML, made on the other core while this one scans, loads and plans (a serial
    stretch) rather than at the start of render; None for a small import. ``aside`` stops it if unused.
    """
    if len(imported) < parallel.PARALLEL_MIN:
        return None
    from sitegen.incremental import render_bodies

    return aside.enter_context(parallel.background(render_bodies, list(imported.values())))


def reread_all(batches: Sequence[tuple[Sources, Sequence[int]]]) -> list[Reread | None]:
    """``reread`` for each batch (the entry files, the importer's dumps), in one background process."""
    return [reread(sources, pending) for sources, pending in batches]


def settle_all(
    batches: Sequence[tuple[Sources, Sequence[int]]], found: Sequence[Reread | None]
) -> list[Sources | None]:
    """Each batch with what ``reread_all`` found put in (None where it gave up)."""
    return [
        None if facts is None else settled(sources, pending, facts)
        for (sources, pending), facts in zip(batches, found, strict=True)
    ]


def check_outputs(cache: BuildCache, out_dir: Path) -> tuple[int, frozenset[str]]:
    """How many files the last build recorded, and which of them are no longer in place."""
    previous = cache.outputs()
    return len(previous), absent_outputs(out_dir, previous)


#: Warnings of one kind past this many are summed up in one line, so real problems stay visible.
MAX_TAG_WARNINGS = 10


def check_tags(site_dir: Path, archive: Archive, strict: bool, progress: Progress) -> None:
    """A tag no topic defines is a warning with file and line (an error with --strict)."""
    for entry, tag in archive.unknown_tags[:MAX_TAG_WARNINGS]:
        path = site_dir / ENTRIES_DIR / entry.path
        lines = path.read_text(encoding="utf-8").split("\n")
        line = next((number for number, text in enumerate(lines, 1) if text.startswith("tags:")), 1)
        message = f"tag '{tag}' is not a topic in content/topics.toml"
        if strict:
            raise SitegenError(path, line, message, "add it to content/topics.toml or remove the tag")
        progress.warn(f"{path}:{line}: {message}")
    more = len(archive.unknown_tags) - MAX_TAG_WARNINGS
    if more > 0:
        unknown = sorted({tag for _entry, tag in archive.unknown_tags})
        progress.warn(f"{more:,} more uses of tags no topic defines ({', '.join(unknown[:20])})")


def build(
    site_dir: Path,
    out_dir: Path | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    run_import: bool = True,
    search: bool = True,
    memo: Memo | None = None,
    entries_changed: Collection[str] | None = None,
) -> BuildResult:
    """Build the site in ``site_dir`` into ``out_dir`` (default ``public``); raise SitegenError on bad input.

    ``search=False`` leaves the search index as it is and the build not current (the next one indexes).
    A long-running caller passes the same ``memo`` to each build, so cache tables stay loaded between them,
    and with a file watcher ``entries_changed``: every path under content/entries touched since the last
    build's scan (None: scan them all).
    """
    progress = progress or Progress(quiet=True)
    out_dir = out_dir if out_dir is not None else site_dir / "public"
    config = load_config(site_dir, base_url)
    with build_lock(site_dir), BuildCache.open(site_dir, out_dir, progress, memo) as cache, ExitStack() as aside:
        if recover(out_dir):
            progress.warn(f"rolled back an interrupted build in {out_dir}")
        imported, dumps = import_stage(site_dir, cache, progress) if run_import else ({}, None)
        bodies = render_ahead(imported, aside)
        # Which outputs are gone is asked of the cache and the disk while the entries are scanned (two cores,
        # not one), unless a file watcher said which entries changed: then there is no scan to overlap.
        with parallel.background(check_outputs, cache, out_dir, fork=entries_changed is None) as outputs_check:
            # What the import just wrote is taken as it wrote it; ``reread`` reads it at the end, off this path.
            as_imported = {entry.path: digest for digest, entry in imported.items()}
            sources = read_entry_files(site_dir, known_files := cache.known_files(), entries_changed, as_imported)
            recorded_files = cache.record_files(sources, known_files)
            topics, theme = load_topics(site_dir), find_theme(site_dir, config.theme)
            fingerprint = site_fingerprint(config, theme, topics)
            inputs = inputs_key(fingerprint, [(source.rel, source.digest) for source in sources.files], strict)
            recorded, absent = outputs_check()
        # A dev server's first build renders from the archive even if nothing changed, to preview edits.
        wanted = memo is None or memo.rendered is not None
        if inputs == cache.meta("inputs") and wanted and recorded and not absent:
            cache.note_parsed(recorded_files)  # every file is as the last build parsed it, digest for digest
            return BuildResult(0, recorded, 0, recorded, progress.elapsed(), tuple(progress.warnings))
        # Imported only now: a build with nothing to do never pays Jinja's, Markdown's or Pagefind's start-up.
        from sitegen.assets import collect_assets
        from sitegen.incremental import EntryHtml, add_search, render_changed
        from sitegen.inplace import load_and_plan
        from sitegen.preview import RenderState
        from sitegen.records import complete, last_records
        from sitegen.render import Renderer
        from sitegen.search import OUTPUT_PREFIX as SEARCH_OUTPUT
        from sitegen.search import index_search

        root = site_dir / ENTRIES_DIR
        loaded = load_and_plan(
            sources.files, known_files, imported, topics, config, cache, fingerprint, absent, progress, root
        )
        archive, planned = loaded.archive, loaded.plan
        check_tags(site_dir, archive, strict, progress)
        assets, html = collect_assets(theme, cache), EntryHtml(cache, bodies)
        last = last_records(cache, planned, assets.files, recorded)
        previous, previous_groups = last.outputs, last.groups
        renderer = Renderer(config, archive, theme, assets.urls, html, bytecode_dir(site_dir))
        staging = Staging.begin(out_dir)
        try:
            rendered = render_changed(
                planned, assets.files, renderer, html, fingerprint, previous, previous_groups, absent, staging, progress
            )
            search_index = index_search(
                config, planned.entry_paths, staging.read, cache.meta("search"), progress, defer=not search
            )
            plan = add_search(rendered, search_index, previous, staging)
        except BaseException:
            recover(out_dir)  # drop the half-staged build; the previous site was never touched
            raise
        last, records = complete(cache, last, plan.records)
        commit(staging, plan.staged, plan.removed)
        # A build whose search index may be stale (Pagefind could not run) is not current: the next one retries.
        current, key = search_index.current, search_index.key
        meta = {"inputs": inputs if current else "", "fingerprint": fingerprint, **({"search": key} if key else {})}
        # Files an import wrote (and the dumps it read) moments ago are read again (see ``reread``) on the other
        # core while the cache is saved, so the next build can trust their stats instead of reading them.
        batches = [(sources, unsettled(sources)), *([(dumps, unsettled(dumps))] if dumps else [])]
        pending = sum(len(indices) for _sources, indices in batches)
        with parallel.background(reread_all, batches, fork=pending >= parallel.PARALLEL_MIN) as rereading:
            cache.save(
                entries=loaded.entries,
                known=loaded.known,
                digests={source.digest for source in sources.files},
                html=html.fresh,
                html_prefix=html.prefix,
                outputs=records,
                previous=last.outputs,
                groups=plan.groups,
                previous_groups=previous_groups,
                meta=meta,
                shape=loaded.shape,
            )
            found = rereading()
        settled_files, *settled_dumps = settle_all(batches, found)
        if settled_files is not None:
            cache.record_files(settled_files, recorded_files)
        if settled_dumps and settled_dumps[0] is not None:
            cache.record_import_files(settled_dumps[0], cache.import_files())
        if memo is not None:
            memo.rendered = RenderState(config, theme, assets.urls, archive, bytecode_dir(site_dir))
    progress.stage("write", f"{len(plan.staged):,} written, {len(plan.removed):,} removed")
    written, pages = len(plan.staged), len(records) + last.elsewhere
    return BuildResult(
        written,
        pages - written,
        len(plan.removed),
        pages,
        progress.elapsed(),
        tuple(progress.warnings),
        sum(1 for path in (*plan.staged, *plan.removed) if path.startswith(SEARCH_OUTPUT)),
        not search_index.current,
    )
