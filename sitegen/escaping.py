"""Escaping for HTML being put together, as ``markupsafe.escape`` does it, minus its wrapper object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import markupsafe
from markupsafe import Markup, escape


def _text_escaper() -> Callable[[str], str]:
    """markupsafe's own escaper for plain text, returning ``str`` (kept as ``_escape_inner`` since
    markupsafe 3); on a markupsafe without it, ``escape`` made plain."""
    inner = getattr(markupsafe, "_escape_inner", None)
    return inner if callable(inner) else lambda text: str(escape(text))


_escape_text = _text_escaper()


def html_text(value: Any) -> str:
    """``markupsafe.escape(value)`` as plain text, for markup that is being put together.

    What a template prints, or a widget puts in an f-string, is only joined into the page,
    so the ``Markup`` that ``escape`` wraps each value in (a Python-level ``__new__``) is
    thrown away at once; an entry page prints about sixty values. Text is escaped by the
    same C function, ``Markup`` passes through as ``escape`` passes it, and anything else
    goes to ``escape``.
    """
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is Markup:
        safe: str = value
        return safe
    return escape(value)
