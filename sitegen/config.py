"""site.toml → a frozen, validated ``SiteConfig``.

Every problem in the file is reported at once, and unknown keys are errors:
a typo such as ``page_sise`` must not silently fall back to a default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.errors import Problem, SitegenError, toml_error

CONFIG_NAME = "site.toml"


@dataclass(frozen=True)
class SiteConfig:
    """The site-wide settings every page and feed is rendered with."""

    title: str = "Live blog archive"
    #: Absolute URL the site is served from; feeds and canonical links need it,
    #: and its path part (e.g. ``/archive/``) is where every internal link points.
    base_url: str = "http://127.0.0.1:8000/"
    description: str = ""
    #: BCP 47 tag for ``<html lang>`` and the feeds.
    language: str = "en"
    #: Looked up first in the site's ``themes/<name>/``, then in the themes
    #: shipped with sitegen, so a site can override single templates.
    theme: str = "default"
    #: How many entries the site-wide and per-topic feeds carry.
    feed_length: int = 50
    #: Entries per page on topic pages.
    page_size: int = 50
    #: How many of the latest days the home page shows.
    home_days: int = 7
    #: Pagefind indexing: "auto" skips with a warning when Pagefind is missing,
    #: "required" fails the build, "off" never indexes.
    search: str = "auto"

    @property
    def base_path(self) -> str:
        """The URL path every internal link starts with, e.g. ``/archive/``."""
        return urlsplit(self.base_url).path or "/"


_TYPES: dict[str, type] = {f.name: type(f.default) for f in fields(SiteConfig)}
_CHOICES: dict[str, tuple[str, ...]] = {"search": ("auto", "required", "off")}
_POSITIVE = ("feed_length", "page_size", "home_days")
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _key_line(text: str, key: str) -> int | None:
    match = re.search(rf"(?m)^\s*{re.escape(key)}\s*=", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _check_value(key: str, value: Any) -> str | None:
    """Return a message when ``value`` is not acceptable for ``key``."""
    expected = _TYPES[key]
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        return f"'{key}' must be a whole number, not {type(value).__name__}"
    if expected is str and not isinstance(value, str):
        return f"'{key}' must be a string, not {type(value).__name__}"
    if key in _POSITIVE and value < 1:
        return f"'{key}' must be at least 1"
    if key in _CHOICES and value not in _CHOICES[key]:
        return f"'{key}' must be one of {', '.join(_CHOICES[key])}"
    if key == "base_url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "'base_url' must be an absolute http(s) URL, e.g. https://example.org/archive/"
    if key == "theme" and not _THEME_NAME.match(value):
        return "'theme' must be a plain folder name"
    return None


def parse_config(text: str, path: Path) -> SiteConfig:
    """Validate the text of a site.toml; raise one SitegenError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, path) from None
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = _key_line(text, key)
        if key not in _TYPES:
            known = ", ".join(sorted(_TYPES))
            problems.append(Problem(path, line, f"unknown key '{key}'", f"known keys: {known}"))
            continue
        message = _check_value(key, value)
        if message:
            problems.append(Problem(path, line, message))
        else:
            values[key] = value
    if problems:
        raise SitegenError.collect(problems)
    config = SiteConfig(**values)
    if not config.base_url.endswith("/"):
        config = replace(config, base_url=config.base_url + "/")
    return config


def load_config(site_dir: Path, base_url: str | None = None) -> SiteConfig:
    """Read ``site.toml`` in ``site_dir``; ``base_url`` (from --base-url) wins over the file."""
    path = site_dir / CONFIG_NAME
    if not path.is_file():
        raise SitegenError(path, None, "no site.toml here", "run 'sitegen new DIR' to start a site, or pass --site DIR")
    config = parse_config(path.read_text(encoding="utf-8"), path)
    if base_url is not None:
        message = _check_value("base_url", base_url)
        if message:
            raise SitegenError(None, None, f"--base-url: {message}")
        config = replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")
    return config
