"""Read an entry file the way ``parse_entry`` would, without PyYAML for the front matter import writes.

Conservation reads every file import is about to write back into an
``Entry``, and a first build reads them all again. With PyYAML that was a fifth
of a cold import and most of a first build's load stage. Import's own front
matter uses a small canonical subset of YAML: one ``key: value`` line per key,
values plain, single-quoted, a date, a whole number, true/false or a flow
list of slugs. ``read_entry`` parses exactly that subset from the bytes, and
hands anything else to ``parse_entry`` (PyYAML and all its error messages).

It is still a real check on the bytes: nothing is taken from the renderer's
inputs. A plain value is accepted only if ``plain_scalar`` says PyYAML reads
it back as itself, and a quoted one only if it holds no character YAML would
treat specially; property tests hold both against PyYAML, and a test holds
``read_entry`` equal to ``parse_entry`` on whole imports.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from sitegen.errors import SitegenError
from sitegen.frontmatter import KEY_ORDER, build_entry, decode_entry_text, parse_entry, plain_scalar, split_front_matter
from sitegen.model import Entry

_LINE = re.compile(r"([a-z]+): (.+)")
#: A single-quoted scalar on one line: no control characters, line separators,
#: BOM or non-characters (YAML refuses or folds those), quotes doubled.
_QUOTED = re.compile(r"'((?:[^'\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]|'')*)'")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"0|[1-9][0-9]{0,17}")
#: A flow list of slugs that start with a letter: never a number, date, bool or null in YAML.
_SLUG_LIST = re.compile(r"\[((?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:, [a-z][a-z0-9]*(?:-[a-z0-9]+)*)*)?\]")
_NOT_STRINGS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n"})
_BOOLS = {"true": True, "false": False}
_TEXT_KEYS = frozenset({"title", "time", "kind", "slug", "source", "summary"})


class _Unusual(Exception):
    """The front matter is outside the canonical subset: let PyYAML read it."""


def _text(value: str) -> str:
    if plain_scalar(value):
        return value
    match = _QUOTED.fullmatch(value)
    if match is None:
        raise _Unusual
    return match.group(1).replace("''", "'")


def _value(key: str, value: str) -> Any:
    """What PyYAML's safe loader makes of ``key: value``, for the canonical forms only."""
    if key in _TEXT_KEYS:
        return _text(value)
    if key == "date" and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Unusual from None
    if key == "seq" and _WHOLE.fullmatch(value):
        return int(value)
    if key in ("latest", "draft") and value in _BOOLS:
        return _BOOLS[value]
    if key in ("tags", "aliases"):
        match = _SLUG_LIST.fullmatch(value)
        if match is not None:
            items = match.group(1).split(", ") if match.group(1) else []
            if not _NOT_STRINGS.intersection(items):
                return items
    raise _Unusual


def _canonical(yaml_text: str) -> tuple[dict[str, Any], dict[str, int]]:
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for index, line in enumerate(yaml_text.split("\n")):
        match = _LINE.fullmatch(line)
        if match is None or match.group(1) in data or match.group(1) not in KEY_ORDER:
            raise _Unusual
        key = match.group(1)
        data[key] = _value(key, match.group(2))
        lines[key] = index + 2
    return data, lines


def read_entry(raw: bytes, path: Path, rel: PurePosixPath) -> Entry:
    """``parse_entry(raw, path, rel)``, faster for files in import's canonical form.

    Anything unexpected (including every kind of error) goes to
    ``parse_entry``, so errors and their lines are exactly the build's.
    """
    try:
        text = decode_entry_text(raw, path)
        yaml_text, body, body_line = split_front_matter(text, path)
        data, lines = _canonical(yaml_text)
        return build_entry(raw, data, lines, body, body_line, path, rel)
    except (_Unusual, SitegenError):
        return parse_entry(raw, path, rel)
