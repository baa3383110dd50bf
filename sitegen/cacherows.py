"""How the build cache lays out its rows: entries and records as plain tuples, a folder or shard per row.

A rebuild reads every row (50k entries, 60k output records), so rows are
plain tuples, strings and numbers for ``marshal`` (pickling the entries
themselves was no faster), and an entry is rebuilt without ``__init__``.
Every reader checks a row's shape: a damaged or foreign row reads as missing,
so what it held is made again, never trusted.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import fields
from datetime import date
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from sitegen.model import Entry

if TYPE_CHECKING:
    from sitegen.index import Shape

_FIELDS = tuple(field.name for field in fields(Entry))


#: A page group's key and its pages' output paths (see ``pages.PageGroup``).
GroupRecord = tuple[str, tuple[str, ...]]


class OutputRecord(NamedTuple):
    """What the last build wrote at one output path."""

    page_key: str
    sha: str
    size: int


#: Derived values stored with each entry: put in ``__dict__``, they are plain attribute reads that
#: skip ``cached_property`` (sorting and planning 50k entries asks for each several times).
_DERIVED = ("dump", "day_url", "url")
_DATE = _FIELDS.index("date")
_NAMES = (*_FIELDS, *_DERIVED)


#: All of an entry's stored values in one C call (a first build packs 50k entries).
_values = attrgetter(*_NAMES)


def pack_entry(entry: Entry) -> tuple[Any, ...]:
    """The entry's fields and derived values as one plain tuple (its date as an ordinal), for marshal."""
    values = _values(entry)
    return (*values[:_DATE], entry.date.toordinal(), *values[_DATE + 1 :])


def unpack_entry(values: tuple[Any, ...]) -> Entry:
    """An entry as it was when parsed and validated; rebuilt without re-running ``__init__``.

    Loading 50k entries is on the path of every rebuild; filling ``__dict__`` directly is
    several times faster than the frozen dataclass's per-field ``object.__setattr__``.
    """
    if type(values) is not tuple or len(values) != len(_NAMES):
        raise ValueError("entry row of another shape")
    entry = object.__new__(Entry)
    state = entry.__dict__
    state.update(zip(_NAMES, values, strict=True))
    state["date"] = date.fromordinal(values[_DATE])
    return entry


def is_row(row: object, length: int) -> bool:
    """A row as this version writes it: a tuple of ``length`` (anything else is treated as missing)."""
    return type(row) is tuple and len(row) == length


def all_rows(rows: Iterable[Any], length: int) -> bool:
    """Every one of ``rows`` is a tuple of ``length`` (checked in C: 60k rows are read per build)."""
    rows = list(rows)
    return set(map(type, rows)) <= {tuple} and set(map(len, rows)) <= {length}


def read_records(data: bytes) -> dict[str, Any]:
    """A marshalled dict of tuples; anything else (a damaged blob) reads as empty, so it is rebuilt."""
    try:
        value = marshal.loads(data)
    except (ValueError, TypeError, EOFError):
        return {}
    return value if isinstance(value, dict) else {}


def shard_of(key: str) -> str:
    """The row of a sharded table that holds ``key``: its first ten characters, which for a dated
    page is its day ("2014/01/08"), so an edit rewrites a few small rows, not 60k records."""
    return key[:10]


def folder_of(rel: str) -> str:
    """The row of a per-folder table that holds the file ``rel`` (a day's folder of entries)."""
    return rel.rpartition("/")[0]


#: A checked row as an ``OutputRecord``, without the per-call cost of ``_make`` (59k of them per build).
as_output_record = partial(tuple.__new__, OutputRecord)


def pack_shape(shape: Shape) -> bytes:
    """The archive's shape as one blob: its tuples as they are (marshal shares the repeated strings)."""
    return marshal.dumps((shape.order, shape.drafts, shape.days, shape.topics, shape.unknown, shape.slugs, shape.leads))


def read_shape(data: bytes) -> Shape | None:
    """A shape as ``pack_shape`` stored it; None for a damaged blob (the build then indexes afresh).

    Only the outline is checked here: a shape whose inside does not fit the entries makes
    ``index.archive_of`` raise, which the build takes as "index afresh" too.
    """
    from sitegen.index import Shape  # a no-op build never indexes: it need not load the index stage

    try:
        value = marshal.loads(data)
    except (ValueError, TypeError, EOFError):
        return None
    if not is_row(value, 7) or not all(type(part) is tuple for part in value):
        return None
    return Shape(*value)
