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
#: The lines that open and close a lost-media caption, exactly as the importer writes them.
_LOST_OPEN, _LOST_CLOSE = f"::: {LOST_MEDIA}", ":::"
_FIGURE_OPEN = f'<figure class="{LOST_MEDIA}">\n'
_FIGURE_CLOSE = f'<figcaption class="{LOST_MEDIA}-note">{LOST_MEDIA_NOTE}</figcaption>\n</figure>\n'
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
    return _FIGURE_OPEN if tokens[idx].nesting == 1 else _FIGURE_CLOSE


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


def _plain_line(line: str) -> bool:
    """Text that cannot start a block: not indented or padded, no block marker, no list number."""
    return line == line.strip() and line[0] not in _BLOCK_STARTS and _ORDERED_ITEM.match(line) is None


def _paragraph(lines: list[str]) -> str | None:
    """Lines of plain text as a paragraph; None if any could start a block."""
    if not all(_plain_line(line) for line in lines):
        return None
    return "<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n"


def _plain_block(lines: list[str]) -> str | None:
    """One group of lines between blank lines: a paragraph, or a lost-media caption around one; None if neither."""
    if len(lines) > 2 and lines[0] == _LOST_OPEN and lines[-1] == _LOST_CLOSE:
        caption = _paragraph(lines[1:-1])
        return None if caption is None else _FIGURE_OPEN + caption + _FIGURE_CLOSE
    return _paragraph(lines)


def plain_paragraphs(text: str) -> str | None:
    """The HTML of a body that is nothing but plain paragraphs and lost-media captions; None if it might hold
    any other Markdown.

    Most entry bodies are a few sentences of prose, in which markdown-it spends a fifth of a
    millisecond finding nothing to do. For such text its output is the paragraphs, escaped, in
    ``<p>`` elements (a caption's in its ``<figure>``), and this rule writes that directly. It
    declines anything that could be syntax, so markdown-it still renders every body that has
    some; tests check the two agree on every body in the corpus and on generated text full of
    near-syntax.
    """
    if not _INLINE_SYNTAX.isdisjoint(text):
        return None
    html: list[str] = []
    lines: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line:
            lines.append(line)
        elif lines:
            block = _plain_block(lines)
            if block is None:
                return None
            html.append(block)
            lines = []
    return "".join(html)


def preload() -> None:
    """Load markdown-it now: for a long-running server, so that the first save of a body with
    Markdown in it is not the one that pays for its start-up (about 70 ms)."""
    _parser()


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
