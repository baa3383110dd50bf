"""The dev server's first look at an edit: the open pages it changes, rendered before the full rebuild.

A rebuild after a save does O(site) work (scan, index, plan, compare every
page's key) before the page an editor is looking at is rendered; at tens of
thousands of entries that is most of a second. But an edit that leaves an
entry where it was (its day, order, slug, tags, aliases and draft state; see
``index.patch_entries``) cannot change the archive's shape, so the last build's
frozen archive with the new entry swapped in *is* the archive the rebuild will
index. The edited days' pages and permalinks, their month pages and the home
page, where a browser has them open, are rendered from it at once with the
last build's config, theme and assets, and served while the full rebuild runs.
Hugo's server does the same (its "fast render mode"). Topic pages wait for the
rebuild.

Nothing here writes a file: the rebuild still produces every output, and the
dev server keeps a preview only while the rebuild's bytes for that page are
the same (otherwise the page reloads again with the built version).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sitegen.config import SiteConfig
from sitegen.content import parse_file
from sitegen.index import Archive, patch_entries
from sitegen.model import Entry
from sitegen.pages import day_pages, home_page, month_page
from sitegen.render import Renderer
from sitegen.theme import Theme


@dataclass(frozen=True)
class RenderState:
    """What the last successful build rendered its pages from (all frozen, shared, never copied)."""

    config: SiteConfig
    theme: Theme
    #: Theme asset name → its content-hashed URL, as the last build published them.
    asset_urls: Mapping[str, str]
    archive: Archive
    #: Compiled templates, shared with the builds, so a preview does not compile them again.
    bytecode_dir: Path


def render_open_pages(
    state: RenderState, entries_dir: Path, edited: Collection[str], open_urls: Collection[str]
) -> dict[str, bytes]:
    """The bytes of the open pages (site-relative URLs, ``2014/01/08/``) among the edited entries' day
    pages, permalinks and month pages and the home page, as the rebuild will make them; empty when the
    edit moves an entry (or a file is new, gone or unreadable), so the rebuild alone decides. Bad input
    raises as in a build.
    """
    try:
        raw = {rel: (entries_dir / rel).read_bytes() for rel in edited}
    except OSError:  # removed again, or replaced by a folder: the rebuild sorts that out
        return {}
    edits = {rel: parse_file(data, entries_dir, rel) for rel, data in raw.items()}
    archive = patch_entries(state.archive, edits)
    if archive is None:
        return {}
    days = sorted({entry.date for entry in edits.values()})
    months = {(day.year, day.month): day for day in days}.values()
    candidates = [page for day in days for page in day_pages(archive, day) if page.template != "redirect.html"]
    candidates += [page for page in map(partial(month_page, archive), months) if page is not None]
    if "" in open_urls:  # the home page's URL; planning it looks at every day
        candidates.append(home_page(archive, state.config))
    wanted = [page for page in candidates if page.context["page_url"] in open_urls]
    if not wanted:
        return {}
    from sitegen.markdown import render_markdown

    # A day's bodies are rendered again rather than kept from the build (at 50k entries that would
    # be tens of MB held for the session): a few milliseconds, and HTML is a pure function of the body.
    bodies = _bodies(render_markdown)
    renderer = Renderer(state.config, archive, state.theme, state.asset_urls, bodies, state.bytecode_dir)
    return {page.context["page_url"]: renderer.render(page) for page in wanted}


def _bodies(render: Callable[[str], str]) -> Callable[[Entry], str]:
    """Entry → body HTML, each body rendered once."""
    done: dict[str, str] = {}

    def entry_html(entry: Entry) -> str:
        html = done.get(entry.digest)
        if html is None:
            html = done[entry.digest] = render(entry.body)
        return html

    return entry_html
