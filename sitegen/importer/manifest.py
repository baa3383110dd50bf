"""content/raw/dumps.toml → validated ``DumpSpec`` records.

The manifest says what a dump does not say about itself: its day, and
optionally the day page's title and original URL. Every problem is reported
at once (a typo and a missing file should not take two runs to find), and a
name that could escape content/raw (``../``, absolute paths, NUL, Windows
device names) is refused before anything is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, SitegenError

RAW_DIR = Path("content") / "raw"
MANIFEST_NAME = "dumps.toml"
_KEYS = ("date", "title", "url")
_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_SAFE_NAME = re.compile(r"^[^\x00-\x1f/\\:*?\"<>|]+$")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class DumpSpec:
    """One dump to import: its file and the facts the manifest adds."""

    name: str
    path: Path
    date: date
    title: str | None = None
    url: str | None = None

    def fingerprint(self) -> str:
        """What in the manifest shapes this dump's entries (a change means re-import)."""
        facts = {"date": self.date.isoformat(), "title": self.title, "url": self.url}
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a dump file name in content/raw, or None if it can."""
    if not name or name in (".", ".."):
        return "dump name is empty"
    if not _SAFE_NAME.match(name):
        return "dump name must be a plain file name in content/raw (no '/', '\\', NUL or control characters)"
    if name.startswith(".") or name != name.strip():
        return "dump name must not start with '.' or with or end in spaces"
    if len(name.encode("utf-8")) > 200:
        return "dump name is too long"
    if not name.lower().endswith(".txt"):
        return "dump name must end in .txt"
    if name.split(".")[0].upper() in _RESERVED:
        return "dump name is a reserved device name on Windows"
    return None


def date_from_name(name: str) -> date | None:
    """The day a ``2014-01-08….txt`` file name states, if it states a real one."""
    match = _DATED_NAME.match(name)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


_HEADER = re.compile(r"^\s*\[\s*([^\[\]].*?)\s*\]\s*(?:#.*)?$")


def _table_lines(text: str) -> dict[str, int]:
    """Table name → line of its ``[header]``, in one pass (manifests list thousands of dumps)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        match = _HEADER.match(line)
        if not match:
            continue
        try:
            keys = list(tomllib.loads(f"{match.group(1)} = 0"))
        except tomllib.TOMLDecodeError:
            continue
        if len(keys) == 1:
            lines.setdefault(keys[0], number)
    return lines


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_file(raw_dir: Path, name: str, where: Path, line: int | None) -> Problem | None:
    path = raw_dir / name
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        return Problem(where, line, f"dump '{name}' {what} in {RAW_DIR}")
    try:
        path.resolve().relative_to(raw_dir.resolve())
    except ValueError:
        return Problem(where, line, f"dump '{name}' links to a file outside {RAW_DIR}")
    return None


def _parse_table(name: str, table: Any, path: Path, line: int | None, problems: list[Problem]) -> DumpSpec | None:
    raw_dir = path.parent
    start = len(problems)
    problem = name_problem(name)
    if problem:
        problems.append(Problem(path, line, f"[{name!r}]: {problem}"))
        return None
    if not isinstance(table, dict):
        problems.append(Problem(path, line, f"'{name}' must be a table ([\"{name}\"] with date = …)"))
        return None
    for key in table:
        if key not in _KEYS:
            problems.append(Problem(path, line, f"'{name}': unknown key '{key}'", f"known keys: {', '.join(_KEYS)}"))
    day = _as_date(table["date"]) if "date" in table else date_from_name(name)
    if day is None:
        if "date" in table:
            problems.append(Problem(path, line, f"'{name}': date must be a date like 2014-01-08"))
        else:
            problems.append(Problem(path, line, f"'{name}': missing date", "add date = YYYY-MM-DD"))
    for key in ("title", "url"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            problems.append(Problem(path, line, f"'{name}': {key} must be non-empty text"))
    file_problem = _check_file(raw_dir, name, path, line)
    if file_problem:
        problems.append(file_problem)
    if len(problems) > start or day is None:
        return None
    return DumpSpec(
        name=name,
        path=raw_dir / name,
        date=day,
        title=table["title"].strip() if "title" in table else None,
        url=table["url"].strip() if "url" in table else None,
    )


def load_manifest(site_dir: Path) -> tuple[DumpSpec, ...]:
    """Every dump of the site: manifest entries plus dated ``*.txt`` files, sorted by (date, name).

    A ``*.txt`` file that is neither in the manifest nor dated is an error,
    as is every manifest problem; all of them are reported together.
    """
    raw_dir = site_dir / RAW_DIR
    manifest = raw_dir / MANIFEST_NAME
    problems: list[Problem] = []
    specs: dict[str, DumpSpec] = {}
    listed: set[str] = set()
    if manifest.is_file():
        text = manifest.read_bytes().decode("utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # Python < 3.14 has no exc.lineno; the message ends "(at line N, column M)".
            found = re.search(r"at line (\d+)", str(exc))
            line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
            raise SitegenError(manifest, line, f"invalid TOML: {exc}") from None
        header_lines = _table_lines(text)
        for name, table in data.items():
            listed.add(name)
            spec = _parse_table(name, table, manifest, header_lines.get(name), problems)
            if spec is not None:
                specs[name] = spec
    if raw_dir.is_dir():
        for path in sorted(raw_dir.iterdir()):
            name = path.name
            if name in listed or not name.lower().endswith(".txt") or name.startswith("."):
                continue
            day = date_from_name(name)
            if day is None:
                message = "dump has no entry in dumps.toml and no date in its file name"
                problems.append(Problem(path, None, message, "add it to dumps.toml"))
            elif name_problem(name) is None and _check_file(raw_dir, name, path, None) is None:
                specs[name] = DumpSpec(name=name, path=path, date=day)
    if problems:
        raise SitegenError.collect(problems)
    return tuple(sorted(specs.values(), key=lambda spec: (spec.date, spec.name)))


def select_dumps(site_dir: Path, specs: Sequence[DumpSpec], names: Sequence[str]) -> tuple[DumpSpec, ...]:
    """The specs named on the command line (file names, or paths inside content/raw)."""
    raw_dir = (site_dir / RAW_DIR).resolve()
    by_name = {spec.name: spec for spec in specs}
    chosen: dict[str, DumpSpec] = {}
    problems: list[Problem] = []
    for arg in names:
        if "\x00" in arg:
            problems.append(Problem(None, None, f"{arg!r}: dump name contains a NUL byte"))
            continue
        name = arg
        if "/" in arg or os.sep in arg:
            resolved = Path(arg).resolve()
            if resolved.parent != raw_dir:
                problems.append(Problem(Path(arg), None, f"dump is outside {RAW_DIR}", "dumps live in content/raw"))
                continue
            name = resolved.name
        spec = by_name.get(name)
        if spec is None:
            why = name_problem(name)
            if why is None:
                exists = (raw_dir / name).is_file()
                why = "is not in dumps.toml and has no date in its name" if exists else f"does not exist in {RAW_DIR}"
            problems.append(Problem(RAW_DIR / name if name_problem(name) is None else None, None, f"dump {why}"))
            continue
        chosen[name] = spec
    if problems:
        raise SitegenError.collect(problems)
    return tuple(sorted(chosen.values(), key=lambda spec: (spec.date, spec.name)))
