"""``sitegen check`` (placeholder until the publish issue lands)."""

from __future__ import annotations

from pathlib import Path


def check_site(site_dir: Path, out_dir: Path, *, base_url: str | None = None) -> list[str]:
    """Problems found in the built site, one ``page: link`` line each."""
    return []
