"""Markdown → HTML for entry bodies.

Raw HTML is off, so text from a dump or an entry is never trusted as HTML, and
only http(s), mailto and relative links survive (no ``javascript:`` or ``data:``).
Fenced code is highlighted by Pygments; ``pygments_css()`` is its stylesheet.
A ``::: lost-media`` container marks the caption of an embed the archive lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LOST_MEDIA = "lost-media"
LOST_MEDIA_NOTE = "Video, image or post not preserved in this archive"
_SAFE_SCHEMES = ("", "http", "https", "mailto")
_PYGMENTS_STYLE = "default"


def _highlight(code: str, lang: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang.strip()) if lang.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    spans = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="highlight"><code class="language-{lexer.aliases[0]}">{spans}</code></pre>\n'


def _safe_link(url: str) -> bool:
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in _SAFE_SCHEMES and not url.strip().startswith("//")


def _render_lost_media(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if tokens[idx].nesting == 1:
        return f'<figure class="{LOST_MEDIA}">\n'
    return f'<figcaption class="{LOST_MEDIA}-note">{LOST_MEDIA_NOTE}</figcaption>\n</figure>\n'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.use(container_plugin, LOST_MEDIA, render=_render_lost_media)
    return md


def render_markdown(text: str) -> str:
    """Render an entry body to HTML; the same text always yields the same bytes."""
    return str(_parser().render(text))


def markdown_fingerprint() -> str:
    """A hash of everything that shapes rendered Markdown, for the build cache key."""
    settings = f"commonmark|html=False|{LOST_MEDIA}|{LOST_MEDIA_NOTE}|{_SAFE_SCHEMES}|{_PYGMENTS_STYLE}|v1"
    return hashlib.sha256(settings.encode()).hexdigest()[:16]


def pygments_css() -> str:
    """The stylesheet for highlighted code blocks."""
    formatter = HtmlFormatter(style=_PYGMENTS_STYLE, cssclass="highlight")
    return str(formatter.get_style_defs(".highlight")) + "\n"  # type: ignore[no-untyped-call]
