"""Static assets: theme files plus the generated Pygments stylesheet, with content-hashed names.

``style.css`` is published as ``static/style.1a2b3c4d.css``, so a host can cache
assets forever and a changed theme is never served stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from sitegen.cache import BuildCache
from sitegen.fingerprint import markdown_key
from sitegen.theme import Theme

STATIC_PREFIX = "static/"


@dataclass(frozen=True)
class Assets:
    #: Logical name ("style.css") → published path ("static/style.1a2b3c4d.css").
    urls: Mapping[str, str]
    #: Published path → bytes.
    files: Mapping[str, bytes]


def hashed_name(name: str, data: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _code_stylesheet(cache: BuildCache) -> str:
    """pygments.css, generated once per Markdown/Pygments setup and then taken from the build cache.

    Generating it means loading markdown-it and Pygments, which a rebuild whose
    bodies are all cached otherwise never does.
    """
    name = f"pygments.css:{markdown_key()}"
    css = cache.meta(name)
    if css is None:
        from sitegen.markdown import pygments_css

        css = pygments_css()
        cache.set_meta(name, css)
    return css


def collect_assets(theme: Theme, cache: BuildCache) -> Assets:
    """Every static file of the theme (the site's own winning) and pygments.css."""
    sources: dict[str, bytes] = {"pygments.css": _code_stylesheet(cache).encode()}
    for folder in reversed(theme.static_dirs):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            sources[path.relative_to(folder).as_posix()] = path.read_bytes()
    urls: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for name in sorted(sources):
        published = STATIC_PREFIX + hashed_name(name, sources[name])
        urls[name] = published
        files[published] = sources[name]
    return Assets(urls=urls, files=files)
