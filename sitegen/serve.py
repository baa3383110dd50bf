"""``sitegen serve`` (placeholder until the preview issue lands)."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import BuildFailed


def serve(site_dir: Path, out_dir: Path, *, host: str, port: int, base_url: str | None, poll: bool) -> int:
    """Build, serve, watch and reload; returns the exit code."""
    raise BuildFailed("sitegen serve is not available yet")
