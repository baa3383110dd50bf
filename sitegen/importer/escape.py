"""Dump text ⇄ Markdown, so a dump line renders as exactly its own text.

A dump is plain text, but an entry file is Markdown: a line that starts with
``#`` would become a heading, ``*ISIS*`` would lose its stars, ``1.`` would
start a list and ``:::`` would open a container. ``escape`` backslash-escapes
just enough for CommonMark (and our ``:::`` containers) to show the text
verbatim, while keeping the file readable for the editor who owns it.

``unescape`` is the exact inverse of ``escape``; the importer uses it to read
its own output back when it checks conservation. It only has to undo what
``escape`` produces, because every literal backslash is escaped too.
"""

from __future__ import annotations

import re

#: Escaped wherever they occur: code, emphasis, links and the escape character.
#: ``_`` between two letters or digits cannot start or end emphasis ("al_Sham"),
#: and ``<`` only matters before what could open a tag or an autolink, so those
#: stay as they are: the file keeps the dump's words verbatim.
_INLINE = re.compile(r"([\\`*\[\]]|(?<![^\W_])_|_(?![^\W_])|<(?=[A-Za-z/!?]))")
#: Every character ``_INLINE`` or ``_ENTITY`` can match; a line without any is left as it is.
_MAYBE_INLINE = re.compile(r"[\\`*\[\]_<&]")
#: ``&`` only matters before something that looks like an entity (``&amp;``).
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: Block syntax that only matters at the start of a line.
_BLOCK_START = re.compile(
    r"""^(?:
        [#>+=|~:-]        # heading, quote, list, setext underline, table, fence, container
      | \d{1,9}[.)]       # ordered list item: "1." or "1)"
    )""",
    re.VERBOSE,
)
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape(line: str) -> str:
    """Markdown for one line of dump text (leading/trailing whitespace dropped).

    Leading indentation is dropped on purpose: four spaces would turn the
    paragraph into a code block, and the dumps' indentation carries no meaning.
    """
    text = line.strip()
    if _MAYBE_INLINE.search(text):  # most lines have nothing to escape inline: skip both substitutions
        text = _INLINE.sub(r"\\\1", text)
        text = _ENTITY.sub(r"\\&", text)
    match = _BLOCK_START.match(text)
    if match:
        token = match.group(0)
        # "1." → "1\.": escape an ordered list's delimiter, not its digits.
        text = token[:-1] + "\\" + text[len(token) - 1 :] if token[0].isdigit() else "\\" + text
    return text


def unescape(markdown_line: str) -> str:
    """The dump text a line written by :func:`escape` stands for."""
    return _UNESCAPE.sub(r"\1", markdown_line) if "\\" in markdown_line else markdown_line
