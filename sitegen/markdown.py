"""Markdown → HTML for entry bodies.

Raw HTML is off, so text from a dump or an entry is never trusted as HTML, and
only http(s), mailto and relative links survive (no ``javascript:`` or ``data:``).
Fenced code is highlighted by Pygments; ``pygments_css()`` is its stylesheet.
A ``::: lost-media`` container marks the caption of an embed the archive lost.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

LOST_MEDIA = "lost-media"
LOST_MEDIA_NOTE = "Video, image or post not preserved in this archive"
_SAFE_SCHEMES = ("", "http", "https", "mailto")
_PYGMENTS_STYLE = "default"


def _highlight(code: str, lang: str, _attrs: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

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
    """markdown-it set up for entry bodies; imported only when a body is more than plain paragraphs."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin

    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.use(container_plugin, LOST_MEDIA, render=_render_lost_media)
    return md


#: Characters that can be Markdown syntax anywhere in a line (escapes, code, emphasis, links and
#: images, entities, raw HTML and autolinks), or that markdown-it rewrites (NUL, CR, tab).
_INLINE_SYNTAX = frozenset("\\`*_[]<>&\x00\r\t")
#: A line starting with one of these may open or end a block (list, heading, quote, fence, rule,
#: setext underline, lost-media container).
_BLOCK_STARTS = frozenset("-+*#>=~:_<[`")
#: An ordered list item ("1." or "1)").
_ORDERED_ITEM = re.compile(r"[0-9]+[.)]")


def plain_paragraphs(text: str) -> str | None:
    """The HTML of a body that is nothing but paragraphs of plain text; None if it might hold any Markdown.

    Most entry bodies are a few sentences of prose, in which markdown-it spends a fifth of a
    millisecond finding nothing to do. For such text its output is the paragraphs, escaped, in
    ``<p>`` elements, and this rule writes that directly. It declines anything that could be
    syntax, so markdown-it still renders every body that has some; tests check the two agree on
    every body in the corpus and on generated text full of near-syntax.
    """
    if not _INLINE_SYNTAX.isdisjoint(text):
        return None
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):
        if not line:
            if lines:
                paragraphs.append("\n".join(lines))
                lines = []
        elif line != line.strip() or line[0] in _BLOCK_STARTS or _ORDERED_ITEM.match(line):
            return None  # indented, padded, or maybe the start of a block
        else:
            lines.append(line)
    if lines:
        paragraphs.append("\n".join(lines))
    return "".join("<p>" + paragraph.replace('"', "&quot;") + "</p>\n" for paragraph in paragraphs)


def render_markdown(text: str) -> str:
    """Render an entry body to HTML; the same text always yields the same bytes."""
    plain = plain_paragraphs(text)
    return plain if plain is not None else str(_parser().render(text))


def markdown_fingerprint() -> str:
    """A hash of everything that shapes rendered Markdown, for the build cache key."""
    settings = f"commonmark|html=False|{LOST_MEDIA}|{LOST_MEDIA_NOTE}|{_SAFE_SCHEMES}|{_PYGMENTS_STYLE}|v1"
    return hashlib.sha256(settings.encode()).hexdigest()[:16]


def pygments_css() -> str:
    """The stylesheet for highlighted code blocks."""
    from pygments.formatters import HtmlFormatter

    formatter = HtmlFormatter(style=_PYGMENTS_STYLE, cssclass="highlight")
    return str(formatter.get_style_defs(".highlight")) + "\n"  # type: ignore[no-untyped-call]
