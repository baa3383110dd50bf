"""content/topics.toml → frozen ``Topic`` records, validated with every problem at once."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sitegen.errors import Problem, SitegenError, toml_error
from sitegen.model import SLUG_RE, TOPIC_KINDS, Topic

TOPICS_PATH = Path("content") / "topics.toml"
_FIELDS = {"name": str, "kind": str, "aliases": list, "description": str}


_TABLE = re.compile(r'^[ \t]*\[\s*"?([^"\]]*?)"?\s*\]', re.MULTILINE)


def _table_lines(text: str) -> dict[str, int]:
    """Each table's line, in one pass: a search per topic was most of loading a few hundred topics."""
    lines: dict[str, int] = {}
    line, at = 1, 0
    for match in _TABLE.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def parse_topics(text: str, path: Path) -> tuple[Topic, ...]:
    """Validate topics.toml text; topics come back sorted by slug (deterministic output)."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, path) from None
    problems: list[Problem] = []
    topics: list[Topic] = []
    table_lines = _table_lines(text)
    for slug, table in raw.items():
        line = table_lines.get(slug)
        if not SLUG_RE.match(slug):
            problems.append(Problem(path, line, f"topic key '{slug}' must be lowercase ASCII words joined by '-'"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(path, line, f"topic '{slug}' must be a table ([{slug}])"))
            continue
        ok = True
        for key, value in table.items():
            expected = _FIELDS.get(key)
            if expected is None:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"topic '{slug}': unknown key '{key}'",
                        "known keys: aliases, description, kind, name",
                    )
                )
                ok = False
            elif not isinstance(value, expected) or (
                expected is list and not all(isinstance(item, str) and item.strip() for item in value)
            ):
                problems.append(
                    Problem(
                        path,
                        line,
                        f"topic '{slug}': '{key}' must be {'a list of strings' if expected is list else 'text'}",
                    )
                )
                ok = False
        kind = table.get("kind", "theme")
        if isinstance(kind, str) and kind not in TOPIC_KINDS:
            problems.append(Problem(path, line, f"topic '{slug}': kind must be one of {', '.join(TOPIC_KINDS)}"))
            ok = False
        if ok:
            topics.append(
                Topic(
                    slug=slug,
                    name=str(table.get("name", slug)),
                    kind=str(kind),
                    aliases=tuple(table.get("aliases", ())),
                    description=str(table.get("description", "")),
                )
            )
    if problems:
        raise SitegenError.collect(problems)
    return tuple(sorted(topics, key=lambda topic: topic.slug))


def load_topics(site_dir: Path) -> tuple[Topic, ...]:
    """Read the site's topics.toml; a site without one simply has no curated topics."""
    path = site_dir / TOPICS_PATH
    if not path.is_file():
        return ()
    return parse_topics(path.read_text(encoding="utf-8"), path)
