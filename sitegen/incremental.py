"""Incremental work by content hash: what can be reused from the last build, and what must be redone.

- Entry files are parsed again only when their bytes changed (digest-keyed).
- Entry bodies are rendered to HTML again only when their bytes or the
  Markdown settings changed.
- A page is rendered again only when its key (site fingerprint + its own
  dependencies) changed or its output file is missing or altered; and it is
  staged for writing only when the rendered bytes differ from what is on disk.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sitegen import parallel
from sitegen.cache import BuildCache
from sitegen.cacherows import GroupRecord, OutputRecord
from sitegen.content import parse_file
from sitegen.errors import SitegenError
from sitegen.fingerprint import markdown_key
from sitegen.model import Entry
from sitegen.output import Staging, on_disk, same_on_disk
from sitegen.pages import Page, Plan
from sitegen.progress import Progress
from sitegen.render import Renderer
from sitegen.scan import SourceFile
from sitegen.search import OUTPUT_PREFIX as SEARCH_OUTPUT
from sitegen.search import SearchIndex


def cached_parser(parsed: Mapping[str, Entry]) -> Callable[[SourceFile], Entry]:
    """A parser for ``load_content`` that takes what ``parse_new`` found for each path."""

    def parse(source: SourceFile) -> Entry:
        entry = parsed.get(source.rel)
        return entry if entry is not None else parse_file(source.read(), source.root, source.rel)

    return parse


def parse_new(
    files: Sequence[SourceFile], known: Mapping[str, Entry], progress: Progress, imported: Mapping[str, Entry]
) -> dict[str, Entry]:
    """Each file's entry by path: the cached (or just imported) parse of identical bytes at the same
    path, else a fresh parse, made on all cores when there are many (a first build).

    A file that fails to parse is left out: ``load_content`` parses it again in
    order and reports every problem with file and line.
    """

    def parse(source: SourceFile) -> Entry | None:
        try:
            return parse_file(source.read(), source.root, source.rel)
        except SitegenError:
            return None

    parsed: dict[str, Entry] = {}
    missing: list[SourceFile] = []
    for source in files:
        entry = known.get(source.digest) or imported.get(source.digest)
        if entry is not None and entry.path == source.rel:
            parsed[source.rel] = entry
        else:
            missing.append(source)
    for source, fresh in zip(missing, parallel.map_items(parse, missing, progress, "parse"), strict=True):
        if fresh is not None:
            parsed[source.rel] = fresh
    return parsed


class EntryHtml:
    """Rendered body HTML by entry, from memory, then the cache, then Markdown.

    Large builds ``prefetch`` everything (taking the bodies a big import had
    rendered ahead, and rendering any still missing on all cores) before pages
    are forked out to workers; small ones look up lazily.
    """

    def __init__(self, cache: BuildCache, ahead: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.cache = cache
        #: Body HTML by digest rendered ahead of the build's render stage (see ``render_bodies``), asked for
        #: only by ``prefetch``.
        self.ahead = ahead
        # Markdown settings and the libraries that apply them: an upgrade renders bodies afresh.
        self.prefix = markdown_key() + ":"
        self.known: dict[str, str] = {}
        #: Newly rendered HTML, to be saved with the build.
        self.fresh: dict[str, str] = {}

    def __call__(self, entry: Entry) -> str:
        key = self.prefix + entry.digest
        html = self.known.get(key)
        if html is None:
            html = self.cache.html(key)
            if html is None:
                from sitegen.markdown import render_markdown  # loaded only when a body is not cached

                html = self.fresh[key] = render_markdown(entry.body)
            self.known[key] = html
        return html

    def prefetch(self, entries: Sequence[Entry], progress: Progress) -> None:
        self.known.update(self.cache.all_html())
        uncached = [entry for entry in entries if self.prefix + entry.digest not in self.known]
        rendered = dict(self.ahead()) if self.ahead is not None else {}  # by digest
        missing = [entry for entry in uncached if entry.digest not in rendered]
        if missing:
            from sitegen.markdown import render_markdown  # loaded only when a body is not cached

            bodies = parallel.map_items(render_markdown, [entry.body for entry in missing], progress, "markdown")
            rendered.update(zip((entry.digest for entry in missing), bodies, strict=True))
        for digest, html in rendered.items():
            if self.prefix + digest not in self.known:
                self.known[self.prefix + digest] = self.fresh[self.prefix + digest] = html
        progress.stage("markdown", f"{len(uncached):,} rendered, {len(entries) - len(uncached):,} cached")


def render_bodies(entries: Sequence[Entry]) -> dict[str, str]:
    """Each entry's body HTML by digest: a first import's, made on the other core while the build
    scans, loads and plans on this one (that stretch is serial), rather than at the start of render.
    """
    from sitegen.markdown import render_markdown

    return {entry.digest: render_markdown(entry.body) for entry in entries}


@dataclass(frozen=True)
class RenderPlan:
    """The outcome of rendering: what was staged, what to prune, and the new records."""

    staged: list[str]
    removed: list[str]
    records: dict[str, OutputRecord]
    groups: dict[str, GroupRecord]


class _Job(NamedTuple):
    """One output to look at: a page to render, or static bytes (a named tuple: 60k are made per first build)."""

    path: str
    #: The page's key; "" for a page the last build did not make, which is keyed as it is rendered.
    key: str
    page: Page | None
    data: bytes | None


def render_changed(
    plan: Plan,
    static_files: Mapping[str, bytes],
    renderer: Renderer,
    html: EntryHtml,
    fingerprint: str,
    previous: Mapping[str, OutputRecord],
    previous_groups: Mapping[str, GroupRecord],
    absent: Collection[str],
    staging: Staging,
    progress: Progress,
) -> RenderPlan:
    """Render pages whose key changed, stage those whose bytes changed, keep the rest.

    A group whose key is unchanged and whose outputs are all in place (none of them
    ``absent``) keeps its records without its pages being made; the others are
    looked at page by page. A plan of some groups only keeps every other group's records.
    """
    out_dir = staging.out_dir
    jobs = [_Job(path, hashlib.sha256(data).hexdigest(), None, data) for path, data in static_files.items()]
    records: dict[str, OutputRecord] = {}
    groups: dict[str, GroupRecord] = {}
    if not plan.complete:  # an edit in place: the groups not planned stand as the last build left them
        # The search index is no page group: ``add_search`` keeps it, or replaces it and prunes the old one.
        records.update((path, record) for path, record in previous.items() if not path.startswith(SEARCH_OUTPUT))
        groups.update(previous_groups)
        for group in plan.groups:
            for path in previous_groups.get(group.name, ("", ()))[1]:
                records.pop(path, None)
    for group in plan.groups:
        key = group.key(fingerprint)
        known = previous_groups.get(group.name)
        if known is not None and known[0] == key and all(p in previous and p not in absent for p in known[1]):
            records.update((path, previous[path]) for path in known[1])
            groups[group.name] = known
            continue
        pages = group.expand()
        groups[group.name] = (key, tuple(page.path for page in pages))
        # A page the last build did not make has no key to compare: it is keyed where it is rendered, on all cores.
        jobs += [_Job(page.path, page.key(fingerprint) if page.path in previous else "", page, None) for page in pages]
    kept = len(records)
    dirty: list[_Job] = []
    for job in jobs:
        record = previous.get(job.path)
        if record is not None and record.page_key == job.key and job.path not in absent:
            records[job.path] = record
        else:
            dirty.append(job)

    made: set[str] = set()  # per process: forked workers each get their own copy

    def produce(job: _Job) -> tuple[str, OutputRecord, bool]:
        data = job.data if job.data is not None else renderer.render(job.page)  # type: ignore[arg-type]
        sha = hashlib.sha256(data).hexdigest()
        record = previous.get(job.path)
        if staging.tree:
            same = False  # the output folder does not exist yet
        elif record is not None:
            same = record.sha == sha and job.path not in absent  # ``absent`` has stat'ed every recorded file
        else:  # no record (a first build into an existing folder, a discarded cache): what is on disk may match
            same = same_on_disk(out_dir, job.path, data)
        if not same:
            staging.write(job.path, data, made)
        key = job.key or job.page.key(fingerprint)  # type: ignore[union-attr]
        return job.path, OutputRecord(key, sha, len(data)), not same

    if len(dirty) >= parallel.PARALLEL_MIN:
        html.prefetch(renderer.archive.entries, progress)  # before workers fork, so they share it
    os.makedirs(staging.folder, exist_ok=True)
    staged = []
    for path, record, written in parallel.map_items(produce, dirty, progress, "render"):
        records[path] = record
        if written:
            staged.append(path)
    progress.stage(
        "render", f"{len(dirty):,} rendered, {len(staged):,} changed, {kept + len(jobs) - len(dirty):,} kept"
    )
    return RenderPlan(staged=staged, removed=[], records=records, groups=groups)


def add_search(
    plan: RenderPlan, search: SearchIndex, previous: Mapping[str, OutputRecord], staging: Staging
) -> RenderPlan:
    """Stage the search index with the pages and list what to prune."""
    out_dir = staging.out_dir
    staged, records = list(plan.staged), dict(plan.records)
    if search.files is None:
        records.update({path: rec for path, rec in previous.items() if path.startswith(SEARCH_OUTPUT)})
    else:
        for path, data in search.files.items():
            sha = hashlib.sha256(data).hexdigest()
            record = previous.get(path)
            records[path] = OutputRecord(search.key or "", sha, len(data))
            kept = record.sha == sha and on_disk(out_dir, path, record) if record else same_on_disk(out_dir, path, data)
            if not kept:
                staging.write(path, data)
                staged.append(path)
    removed = sorted(set(previous) - set(records))
    return RenderPlan(staged=staged, removed=removed, records=records, groups=plan.groups)
