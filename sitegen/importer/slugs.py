"""Entry slugs: ASCII, lower case, at most ~80 characters, unique within a day.

A slug becomes a URL segment and part of a file name, so it must match
``SLUG_RE`` whatever the headline contains (Arabic names, curly quotes, emoji,
``../``). Slugs are a pure function of the headline and the slugs already
taken that day, which is what keeps them stable across re-imports.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from anyascii import anyascii

from sitegen.model import SLUG_MAX, SLUG_RE

_DROP = re.compile(r"['’‘`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
#: Room left for a "-NN" suffix when a slug is taken.
_SUFFIX_ROOM = 4


def slugify(text: str, limit: int = SLUG_MAX, fallback: str = "entry") -> str:
    """Lowercase ASCII words joined by '-', cut at a word boundary within ``limit``."""
    ascii_text = anyascii(text).lower()
    slug = _SEPARATORS.sub("-", _DROP.sub("", ascii_text)).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[:limit] else slug[:limit]
        slug = slug.strip("-")
    return slug if slug and SLUG_RE.match(slug) else fallback


def unique_slug(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free (still at most SLUG_MAX long)."""
    if base not in taken:
        return base
    stem = slugify(base, SLUG_MAX - _SUFFIX_ROOM)
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"
