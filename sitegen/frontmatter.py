"""Entry files: YAML front matter between ``---`` lines, then Markdown.

Reading validates into a frozen ``Entry`` and reports ``path:line: message``.
Writing is deterministic, so re-importing the same dump yields the same bytes.
YAML is loaded with the safe loader, and anchors/aliases are refused outright
(they enable "billion laughs" bombs and have no use in an entry).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sitegen.errors import Problem, SitegenError
from sitegen.model import KINDS, SLUG_MAX, SLUG_RE, Entry

if TYPE_CHECKING:
    import yaml

REQUIRED = ("title", "date", "seq", "kind", "slug")
#: The order keys are written in: the contract's order, so diffs stay small.
KEY_ORDER = ("title", "date", "time", "seq", "kind", "slug", "tags", "latest", "source", "draft", "aliases", "summary")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ALIAS_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/-]*$")


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_line); body_line is 1-based."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise SitegenError(path, 1, "entry file must start with a '---' front matter line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    raise SitegenError(path, 1, "front matter is not closed by a '---' line")


@lru_cache(maxsize=1)
def _loader() -> type[yaml.SafeLoader]:
    """PyYAML's fastest safe loader, imported only when some front matter needs it.

    The build reads import's canonical front matter without PyYAML (sitegen/canonical.py),
    so a rebuild after an edit does not pay PyYAML's start-up.
    """
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def _shared_node(node: yaml.Node) -> yaml.Node | None:
    """A node that appears twice in the tree: how YAML aliases (and alias bombs) compose."""
    import yaml

    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return current
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _impossible_date_line(node: yaml.Node | None) -> int | None:
    """The line of the first timestamp-looking value that is not a real date."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for _key, value in node.value:
        if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":timestamp"):
            try:
                date.fromisoformat(str(value.value)[:10])
            except ValueError:
                return int(value.start_mark.line) + 2
    return None


def _load_yaml(yaml_text: str, path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Safe-load a mapping in one pass and remember each key's line (offset by the opening ---)."""
    import yaml

    loader = _loader()(yaml_text)
    try:
        node = loader.get_single_node()
        shared = _shared_node(node) if node is not None else None
        if shared is not None:
            message = "YAML anchors and aliases are not allowed in front matter"
            raise SitegenError(path, shared.start_mark.line + 2, message)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else None
        raise SitegenError(path, line, f"invalid front matter: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SitegenError(path, None, f"invalid front matter: {exc}") from None
    except ValueError:  # PyYAML read a date-shaped value that is no date, e.g. 2014-02-30
        line = _impossible_date_line(node)
        raise SitegenError(path, line, "invalid date (no such day)", "dates are YYYY-MM-DD") from None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode | type(None)):
        raise SitegenError(path, 2, "front matter must be a mapping of key: value lines")
    lines: dict[str, int] = {}
    if node is not None:
        for key_node, _value in node.value:
            lines[str(key_node.value)] = key_node.start_mark.line + 2
    return data, lines


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_time(value: Any) -> str | None:
    """Accept "21:05"; also 1265, which is how YAML 1.1 reads an unquoted 21:05."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and _TIME_RE.match(value.strip()):
        return value.strip()
    return None


def _str_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value)
    return None


def _validate(data: dict[str, Any], lines: dict[str, int], path: Path) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 2), message))

    for key in data:
        if not isinstance(key, str) or key not in KEY_ORDER:
            bad(str(key), f"unknown front matter key '{key}'")
    for key in REQUIRED:
        if key not in data:
            problems.append(Problem(path, 1, f"missing required front matter key '{key}'"))
    if "title" in data:
        title = data["title"]
        if not isinstance(title, str) or not title.strip():
            bad("title", "'title' must be text; quote it if it looks like a number, date or yes/no")
        else:
            out["title"] = title.strip()
    if "date" in data:
        day = _as_date(data["date"])
        if day is None:
            bad("date", "'date' must be a date like 2014-01-08")
        else:
            out["date"] = day
    out["time"] = None
    if data.get("time") is not None:
        out["time"] = _as_time(data["time"])
        if out["time"] is None:
            bad("time", "'time' must be \"HH:MM\" (quoted, 24-hour)")
    if "seq" in data:
        seq = data["seq"]
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            bad("seq", "'seq' must be a whole number, 0 for the lead")
        else:
            out["seq"] = seq
    if "kind" in data:
        if data["kind"] not in KINDS:
            bad("kind", f"'kind' must be one of: {', '.join(KINDS)}")
        else:
            out["kind"] = data["kind"]
    if "slug" in data:
        slug = data["slug"]
        if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
            bad("slug", f"'slug' must be lowercase ASCII words joined by '-', at most {SLUG_MAX} characters")
        else:
            out["slug"] = slug
    for key in ("tags", "aliases"):
        items = _str_list(data.get(key))
        if items is None:
            bad(key, f"'{key}' must be a list of strings")
            continue
        pattern = SLUG_RE if key == "tags" else _ALIAS_RE
        for item in items:
            if not pattern.match(item) or ".." in item:
                what = "tag" if key == "tags" else "alias"
                bad(key, f"{what} '{item}' is not a safe {'topic slug' if key == 'tags' else 'relative URL path'}")
        out[key] = items
    for key in ("latest", "draft"):
        value = data.get(key, False)
        if not isinstance(value, bool):
            bad(key, f"'{key}' must be true or false")
        out[key] = bool(value) if isinstance(value, bool) else False
    for key in ("source", "summary"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            bad(key, f"'{key}' must be text")
            value = None
        out[key] = value
    return out, problems


def decode_entry_text(raw: bytes, path: Path) -> str:
    """An entry file's text with LF line ends; raise SitegenError (with the line) if it is not text."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SitegenError(path, line, "entry file is not valid UTF-8") from None
    if "\x00" in text:
        raise SitegenError(path, text.count("\n", 0, text.index("\x00")) + 1, "entry file contains a NUL byte")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def build_entry(
    raw: bytes, data: dict[str, Any], lines: dict[str, int], body: str, body_line: int, path: Path, rel: PurePosixPath
) -> Entry:
    """Validate loaded front matter into an ``Entry``; shared by ``parse_entry`` and the importer's read-back."""
    values, problems = _validate(data, lines, path)
    if problems:
        raise SitegenError.collect(problems)
    return Entry(
        path=rel.as_posix(),
        body=body.strip("\n") + "\n" if body.strip() else "",
        body_line=body_line,
        digest=hashlib.sha256(raw).hexdigest(),
        **values,
    )


def parse_entry(raw: bytes, path: Path, rel: PurePosixPath) -> Entry:
    """Decode and validate one entry file; raise SitegenError naming path and line."""
    text = decode_entry_text(raw, path)
    yaml_text, body, body_line = split_front_matter(text, path)
    data, lines = _load_yaml(yaml_text, path)
    return build_entry(raw, data, lines, body, body_line, path, rel)


#: Letter-led text YAML writes plain unless it needs quoting (see ``plain_scalar``),
#: and then in single quotes. Checked against yaml.safe_dump and yaml.safe_load
#: by property tests; anything else goes through PyYAML.
_TEXT = re.compile(r"[A-Za-z][\w ,.'’‘“”()?!/&%;+—–…:#-]*")
#: Other strings that can be neither a number, a date nor a timestamp, so YAML
#: writes and reads them plain: digit-led text with a space but no colon ("14
#: Killed in Homs"), hyphenated slugs with a letter, dump sources ("a.txt:12")
#: and clock times YAML 1.1 does not take for base-60 numbers ("08:38").
_PLAIN_OTHER = re.compile(
    r"[0-9][\w,.'’‘“”()?!/&%;+—–…-]*(?: [\w,.'’‘“”()?!/&%;+—–…-]+)+"
    r"|(?=[0-9-]*[a-z])[0-9a-z]+(?:-[0-9a-z]+)+"
    r"|[A-Za-z0-9][A-Za-z0-9_.-]*\.txt:[0-9]+"
    r"|0[0-9]:[0-5][0-9]"
)
_PLAIN_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def plain_scalar(value: str) -> bool:
    """Whether YAML writes ``value`` unquoted and reads it back as the same string.

    The importer's read-back relies on the second half: a plain value it
    accepts without PyYAML is one PyYAML would read the same way.
    """
    if _TEXT.fullmatch(value):
        return (
            not value.endswith((" ", ":"))
            and ": " not in value
            and " #" not in value
            and value.lower() not in _PLAIN_RESERVED
        )
    return _PLAIN_OTHER.fullmatch(value) is not None


def _single_quotable(value: str) -> bool:
    """Letter-led text that YAML must quote (': ', ' #', a trailing ':' or space) and can in single quotes."""
    return _TEXT.fullmatch(value) is not None and value.lower() not in _PLAIN_RESERVED


@lru_cache(maxsize=4096)
def _pyyaml_scalar(value: str | float | None) -> str:
    """PyYAML's rendering of one scalar; cached, since clock times and the like repeat.

    Text with U+0085 (NEL) is double-quoted (written ``\\N``): PyYAML single-quotes it
    by default and then reads it back as a space, and a round trip must lose nothing.
    """
    import yaml

    style = '"' if isinstance(value, str) and "\x85" in value else None
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30, default_style=style)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _scalar(value: Any) -> str:
    """One YAML scalar, as ``yaml.safe_dump`` would write it, without its cost for the common cases."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if plain_scalar(value):
            return value
        if _single_quotable(value):
            return "'" + value.replace("'", "''") + "'"
    if isinstance(value, str | float | type(None)):
        return _pyyaml_scalar(value)
    import yaml

    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def dump_entry(meta: dict[str, Any], body: str) -> str:
    """Serialise front matter (contract key order, safe quoting) and a Markdown body."""
    unknown = set(meta) - set(KEY_ORDER)
    if unknown:
        raise ValueError(f"unknown front matter keys: {sorted(unknown)}")
    out = ["---"]
    for key in KEY_ORDER:
        if key not in meta or meta[key] is None:
            continue
        value = meta[key]
        if key == "date" and isinstance(value, date):
            out.append(f"date: {value.isoformat()}")
        elif isinstance(value, list | tuple):
            out.append(f"{key}: [{', '.join(_scalar(str(item)) for item in value)}]")
        else:
            out.append(f"{key}: {_scalar(value)}")
    out.append("---")
    text = "\n".join(out) + "\n"
    if body.strip():
        text += "\n" + body.strip("\n") + "\n"
    return text
