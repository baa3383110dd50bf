"""Search stage: index entry pages with Pagefind (placeholder until the search issue lands)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sitegen.config import SiteConfig
from sitegen.progress import Progress


def index_search(
    config: SiteConfig,
    entry_pages: Sequence[str],
    read: Callable[[str], bytes],
    previous_key: str | None,
    progress: Progress,
) -> tuple[str, dict[str, bytes]] | None:
    """Return (key, files) for the search index, or None to keep the previous index.

    ``entry_pages`` are output paths of entry permalink pages, ``read(path)``
    gives a page's final bytes, and ``previous_key`` is what this function
    returned last time, so an unchanged set of pages is not indexed again.
    """
    return None
