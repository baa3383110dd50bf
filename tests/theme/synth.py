"""A deterministic, realistic site for theme tests: many days over two years, one busy day, hostile strings.

The hand-made fixture has four days; the theme also has to be judged on a day
with twenty timed entries (page weight, key events), on calendars that span a
year boundary, and on titles, topic names and site strings written to break
out of HTML, attributes and JSON-LD.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

#: The day with twenty timed entries, the one the page-weight budget is measured on.
BUSY_DAY = date(2014, 1, 15)
BUSY_ENTRIES = 20
#: The day with two live blogs (two dumps).
TWO_BLOGS_DAY = date(2014, 1, 20)
#: The day whose entry and topic carry hostile strings.
HOSTILE_DAY = date(2014, 2, 3)
HOSTILE_TITLE = '</script><script>alert("title")</script> & <b>bold</b> \'quoted\' "double"'
HOSTILE_TOPIC = 'Tags <i>&</i> "quotes" </script>'
HOSTILE_SITE = 'Archive </title><script>alert(1)</script> & "co"'

TOPICS = """\
[aleppo]
name = "Aleppo"
kind = "place"
description = "Syria's largest city."

[isis]
name = "Islamic State (ISIS)"
kind = "group"
aliases = ["ISIS", "ISIL"]

[geneva-ii]
name = "Geneva II"
kind = "theme"

[assad]
name = "Bashar al-Assad"
kind = "person"

[video]
name = "Video"
kind = "media"

[hostile]
name = '{hostile}'
kind = "theme"
description = 'A topic named to break out: {hostile}'
"""

_VOCABULARY = (
    "insurgents regime forces Aleppo Damascus Homs Idlib opposition activists footage shows shelling "
    "civilians statement commander offensive checkpoint countryside province reports according claimed "
    "killed wounded clashes negotiations delegation Geneva ceasefire humanitarian convoy aid besieged "
    "neighbourhood district airstrikes barrel bombs rebels brigade coalition spokesman ministry officials"
)
WORDS = tuple(_VOCABULARY.split())


def _text(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    sentences = []
    for start in range(0, len(picked), 14):
        chunk = picked[start : start + 14]
        sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
    return " ".join(sentences)


def _entry(
    folder: Path,
    *,
    day: date,
    seq: int,
    title: str,
    slug: str,
    body: str,
    tags: list[str],
    time: str | None = None,
    latest: bool = False,
    dump: str = "a.txt",
) -> None:
    kind = "lead" if seq == 0 else "entry"
    lines = [
        "---",
        f"title: {_yaml(title)}",
        f"date: {day.isoformat()}",
        *([f'time: "{time}"'] if time else []),
        f"seq: {seq}",
        f"kind: {kind}",
        f"slug: {slug}",
        f"tags: [{', '.join(tags)}]",
        *(["latest: true"] if latest else []),
        f"source: {dump}:{seq * 10 + 1}",
        "---",
        "",
        body,
        "",
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{seq:02d}-{slug}.md").write_text("\n".join(lines), encoding="utf-8")


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _day(root: Path, rng: random.Random, day: date, count: int, timed: bool, dump: str = "a.txt") -> None:
    folder = root / f"{day:%Y/%m/%d}"
    tags = ["aleppo", "isis", "geneva-ii", "assad", "video"]
    lead_title = f"Syria Daily, {day.day} {day:%B}: {_text(rng, 6)[:-1]}"
    lead_body = _text(rng, 90) + "\n\n" + _text(rng, 60) + "\n\n::: lost-media\nFootage posted this morning:\n:::"
    _entry(folder, day=day, seq=0, title=lead_title, slug="lead", body=lead_body, tags=rng.sample(tags, 2), dump=dump)
    for seq in range(1, count + 1):
        title = _text(rng, 7)[:-1]
        paragraphs = [_text(rng, rng.randint(40, 90)) for _ in range(rng.randint(1, 3))]
        if seq % 4 == 0:
            paragraphs.append("::: lost-media\nVideo of the aftermath:\n:::")
        if seq % 5 == 0:
            paragraphs.append("> " + _text(rng, 30))
        minutes = 7 * 60 + seq * 40 + rng.randint(0, 30)
        time = f"{minutes // 60:02d}:{minutes % 60:02d}" if timed else None
        _entry(
            folder,
            day=day,
            seq=seq,
            title=title,
            slug=f"entry-{seq}-{day:%d}",
            body="\n\n".join(paragraphs),
            tags=rng.sample(tags, rng.randint(1, 3)),
            time=time,
            latest=seq == count,
            dump=dump,
        )


def make_site(target: Path, *, base_url: str = "https://example.org/") -> Path:
    """Write the synthetic site under ``target`` and return it."""
    rng = random.Random(20140108)
    (target / "content" / "entries").mkdir(parents=True)
    (target / "site.toml").write_text(
        f"title = {_toml(HOSTILE_SITE)}\nbase_url = {_toml(base_url)}\n"
        f"description = {_toml('An archive of the Syria Daily live blog & its <sources>.')}\n"
        'language = "en-GB"\nhome_days = 4\npage_size = 10\nsearch = "off"\n',
        encoding="utf-8",
    )
    (target / "content" / "topics.toml").write_text(TOPICS.format(hostile=HOSTILE_TOPIC), encoding="utf-8")
    entries = target / "content" / "entries"
    current = date(2013, 11, 4)
    while current <= date(2014, 2, 28):
        if current == BUSY_DAY:
            _day(entries, rng, current, BUSY_ENTRIES, timed=True)
        elif current == TWO_BLOGS_DAY:
            _day(entries, rng, current, 3, timed=False, dump="a.txt")
            _second_blog(entries, rng, current)
        elif current != HOSTILE_DAY and rng.random() < 0.6:
            _day(entries, rng, current, rng.randint(0, 9), timed=rng.random() < 0.5)
        current += timedelta(days=1)
    folder = entries / f"{HOSTILE_DAY:%Y/%m/%d}"
    _entry(folder, day=HOSTILE_DAY, seq=0, title=HOSTILE_TITLE, slug="lead", body="Lead.", tags=["hostile"])
    _entry(
        folder,
        day=HOSTILE_DAY,
        seq=1,
        title=HOSTILE_TITLE,
        slug="hostile",
        body="Body with </script> & <b>tags</b>.",
        tags=["hostile", "aleppo"],
        time="10:00",
        latest=True,
    )
    return target


def _second_blog(entries: Path, rng: random.Random, day: date) -> None:
    folder = entries / f"{day:%Y/%m/%d}"
    _entry(
        folder,
        day=day,
        seq=0,
        title="Syria Daily, evening edition",
        slug="evening",
        body=_text(rng, 50),
        tags=[],
        dump="b.txt",
    )
    _entry(
        folder,
        day=day,
        seq=1,
        title="Evening: " + _text(rng, 5)[:-1],
        slug="evening-1",
        body=_text(rng, 60),
        tags=["aleppo"],
        time="19:30",
        dump="b.txt",
    )


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
