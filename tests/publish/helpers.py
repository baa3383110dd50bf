"""Plain helpers the publish tests import (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.cache import BuildCache
from sitegen.progress import Progress

ENTRY_PAGE = re.compile(r"^\d{4}/\d\d/\d\d/[a-z0-9-]+/index\.html$")


def set_search(site: Path, mode: str) -> None:
    """Set ``search = mode`` in the site's site.toml."""
    config = site / "site.toml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^search\s*=\s*"[a-z]+"\s*$', f'search = "{mode}"', text)
    if not count:
        text += f'\nsearch = "{mode}"\n'
    config.write_text(text, encoding="utf-8")


def entry_pages(out: Path) -> list[str]:
    """Entry permalink pages in a built site (alias redirect pages excluded)."""
    found = []
    for path in sorted(out.rglob("index.html")):
        rel = path.relative_to(out).as_posix()
        if ENTRY_PAGE.match(rel) and 'http-equiv="refresh"' not in path.read_text(encoding="utf-8"):
            found.append(rel)
    return found


def pagefind_files(out: Path) -> dict[str, bytes]:
    """Every file of the search bundle, by output path."""
    folder = out / "pagefind"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def saved_search_key(site: Path) -> str | None:
    """The search key the last build recorded in the site's cache."""
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        return cache.meta("search")
