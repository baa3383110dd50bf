"""Incremental work by content hash: what can be reused from the last build, and what must be redone.

- Entry files are parsed again only when their bytes changed (digest-keyed).
- Entry bodies are rendered to HTML again only when their bytes or the
  Markdown settings changed.
- A page is rendered again only when its key (site fingerprint + its own
  dependencies) changed or its output file is missing or altered; and it is
  written only when the rendered bytes differ from what is on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath

from sitegen.cache import BuildCache, OutputRecord
from sitegen.frontmatter import parse_entry
from sitegen.markdown import markdown_fingerprint, render_markdown
from sitegen.model import Entry
from sitegen.pages import Page
from sitegen.progress import Progress
from sitegen.render import Renderer


def cached_parser(known: Mapping[str, Entry]) -> Callable[[bytes, Path, PurePosixPath], Entry]:
    """A drop-in for ``parse_entry`` that reuses the parse of identical bytes."""

    def parse(raw: bytes, path: Path, rel: PurePosixPath) -> Entry:
        digest = hashlib.sha256(raw).hexdigest()
        entry = known.get(digest)
        if entry is not None and entry.path == rel:
            return entry
        return parse_entry(raw, path, rel)

    return parse


def entry_html_map(entries: Sequence[Entry], cache: BuildCache, progress: Progress) -> dict[str, str]:
    """Rendered body HTML for every entry, by digest; only new or changed bodies are rendered."""
    prefix = markdown_fingerprint() + ":"
    found = cache.html(prefix + entry.digest for entry in entries)
    html: dict[str, str] = {}
    fresh: dict[str, str] = {}
    for done, entry in enumerate(entries, start=1):
        key = prefix + entry.digest
        if key in found:
            html[entry.digest] = found[key]
        else:
            html[entry.digest] = fresh[key] = render_markdown(entry.body)
        progress.count("markdown", done, len(entries))
    cache.store_html(fresh, keep=(prefix + entry.digest for entry in entries))
    progress.stage("markdown", f"{len(fresh):,} rendered, {len(entries) - len(fresh):,} cached")
    return html


@dataclass(frozen=True)
class RenderPlan:
    """The outcome of rendering: what to write, what to prune, and the new output records."""

    changed: dict[str, bytes]
    removed: list[str]
    records: dict[str, OutputRecord]
    unchanged: int


def _on_disk(out_dir: Path, rel: str, record: OutputRecord | None) -> bool:
    """The file the last build wrote is still there, at the size it wrote."""
    if record is None:
        return False
    try:
        return (out_dir / rel).stat().st_size == record.size
    except OSError:
        return False


def render_changed(
    pages: Sequence[Page],
    static_files: Mapping[str, bytes],
    renderer: Renderer,
    fingerprint: str,
    previous: Mapping[str, OutputRecord],
    out_dir: Path,
    progress: Progress,
) -> RenderPlan:
    """Render pages whose key changed, keep the rest, and list outputs nothing produces any more."""
    changed: dict[str, bytes] = {}
    records: dict[str, OutputRecord] = {}
    unchanged = 0
    jobs: list[tuple[str, str, Callable[[], bytes]]] = [
        (path, hashlib.sha256(data).hexdigest(), partial(bytes, data)) for path, data in static_files.items()
    ]
    jobs += [(page.path, page.key(fingerprint), partial(renderer.render, page)) for page in pages]
    for done, (path, key, produce) in enumerate(jobs, start=1):
        record = previous.get(path)
        present = _on_disk(out_dir, path, record)
        if record is not None and present and record.page_key == key:
            records[path] = record
            unchanged += 1
            continue
        data = produce()
        sha = hashlib.sha256(data).hexdigest()
        records[path] = OutputRecord(key, sha, len(data))
        if record is not None and present and record.sha == sha:
            unchanged += 1
        else:
            changed[path] = data
        progress.count("render", done, len(jobs))
    progress.stage("render", f"{len(changed):,} changed, {unchanged:,} unchanged")
    return RenderPlan(changed=changed, removed=[], records=records, unchanged=unchanged)


SEARCH_PREFIX = "pagefind/"


def add_search(
    plan: RenderPlan,
    search: tuple[str, dict[str, bytes]] | None,
    previous: Mapping[str, OutputRecord],
) -> RenderPlan:
    """Fold the search index into the plan and list what to prune.

    ``search`` None means the index is still current: its files are kept as they are.
    """
    changed, records = dict(plan.changed), dict(plan.records)
    if search is None:
        records.update({path: rec for path, rec in previous.items() if path.startswith(SEARCH_PREFIX)})
    else:
        key, files = search
        for path, data in files.items():
            sha = hashlib.sha256(data).hexdigest()
            record = previous.get(path)
            records[path] = OutputRecord(key, sha, len(data))
            if record is None or record.sha != sha:
                changed[path] = data
    removed = sorted(set(previous) - set(records))
    return RenderPlan(changed=changed, removed=removed, records=records, unchanged=plan.unchanged)


def entry_pages(pages: Sequence[Page]) -> list[str]:
    """Output paths of entry permalink pages: what search indexes."""
    return [page.path for page in pages if page.template == "entry.html"]


def reader(plan: RenderPlan, out_dir: Path) -> Callable[[str], bytes]:
    """Read an output's final bytes: freshly rendered, or as the last build left it on disk."""

    def read(path: str) -> bytes:
        data = plan.changed.get(path)
        return data if data is not None else (out_dir / path).read_bytes()

    return read
