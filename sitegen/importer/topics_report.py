"""``sitegen topics``: what each topic tags, and which frequent names no topic covers.

The counts apply the current content/topics.toml to the entries' text (what
the next import would tag), next to the tags the entry files carry now, so
the editor sees the effect of an alias before re-importing. The suggestion
list is the most frequent capitalised names (by number of entries) that no
topic matches yet: the raw material for growing topics.toml.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path, PurePosixPath

from sitegen.errors import SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.importer.escape import unescape
from sitegen.model import Entry
from sitegen.tagging import Tagger, tagger_for
from sitegen.topics import load_topics

ENTRIES_DIR = Path("content") / "entries"
SUGGESTIONS = 25
_PARTICLE = r"(?:al|as|ash|ad|an|ar|at|az|el|ez|bin|ibn|abu|de|of|for|the|and)"
_CAP_WORD = r"(?:(?:al|as|ash|ad|an|ar|at|az|el|ez)-)?[A-Z][\w’'.-]*"
#: A run of capitalised words, with Arabic particles and "of" between them.
_NAME = re.compile(rf"{_CAP_WORD}(?:[ -](?:{_PARTICLE}[ -])?{_CAP_WORD})*")
_STOP_WORDS = (
    "The A An In On At As But And Or If It Its He She They We I You This That These Those There Here What When "
    "Where Why How After Before Meanwhile However Earlier Later Today Tonight Update Latest Video Videos Photo "
    "Photos Claimed Footage Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
    "May June July August September October November December GMT UPDATE LATEST"
)
_STOP = frozenset(_STOP_WORDS.split())


def load_entries(site_dir: Path) -> tuple[list[Entry], list[str]]:
    """Every readable entry file, and the problems with the unreadable ones."""
    root = site_dir / ENTRIES_DIR
    entries: list[Entry] = []
    problems: list[str] = []
    if not root.is_dir():
        return entries, problems
    for path in sorted(root.rglob("*.md")):
        try:
            entries.append(parse_entry(path.read_bytes(), path, PurePosixPath(path.relative_to(root).as_posix())))
        except SitegenError as exc:
            problems.append(str(exc))
    return entries, problems


def body_text(entry: Entry) -> str:
    """The entry's body as plain dump text (Markdown escapes and lost-media fences removed)."""
    return "\n".join(unescape(line) for line in entry.body.split("\n") if not line.startswith(":::"))


def entry_text(entry: Entry) -> str:
    return f"{entry.title}\n{body_text(entry)}"


_SENTENCE_START = re.compile(r"(?:^|[.!?:]['\"’”)]*\s+|\n\s*|[\"“‘(]\s*)$")


def _names(text: str) -> tuple[set[str], set[str]]:
    """Capitalised names in ``text``, and those of them seen somewhere other than a sentence start."""
    found: set[str] = set()
    mid_sentence: set[str] = set()
    for match in _NAME.finditer(text):
        name = re.sub(r"(?:’s|'s|[.'’-])+$", "", match.group())
        words = name.split()
        while words and words[0] in _STOP:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        found.add(name)
        if not _SENTENCE_START.search(text[max(0, match.start() - 4) : match.start()]):
            mid_sentence.add(name)
    return found, mid_sentence


def suggestions(texts: list[str], tagger: Tagger, limit: int = SUGGESTIONS) -> list[tuple[str, int]]:
    """Frequent capitalised names no topic covers, with the number of entries naming them.

    A single word only counts if it is capitalised somewhere other than at the
    start of a sentence ("Barzeh" yes, "While" no).
    """
    counts: Counter[str] = Counter()
    mid_sentence: set[str] = set()
    for text in texts:
        names, mid = _names(text)
        counts.update(names)
        mid_sentence |= mid
    # A name in a fifth of all entries is too general to be a useful topic ("Syria").
    too_common = max(0.2 * len(texts), 10)
    out: list[tuple[str, int]] = []
    for name, count in counts.most_common():
        if count < 2 or len(out) >= limit:
            break
        if " " not in name and (name not in mid_sentence or len(name) < 3):
            continue
        if count > too_common or tagger.covers(name):
            continue
        out.append((name, count))
    return out


def topics_report(site_dir: Path) -> str:
    """The text ``sitegen topics`` prints."""
    topics = load_topics(site_dir)
    tagger = tagger_for(topics)
    entries, problems = load_entries(site_dir)
    texts = [entry_text(entry) for entry in entries]
    # Names come from bodies only: headlines capitalise every word.
    bodies = [body_text(entry) for entry in entries]
    now: Counter[str] = Counter()
    in_files: Counter[str] = Counter()
    for entry, text in zip(entries, texts, strict=True):
        now.update(tagger.tags(text, entry.title if entry.kind == "entry" else None))
        in_files.update(entry.tags)
    lines = [f"{len(topics)} topics, {len(entries)} entries (content/topics.toml applied to the entries' text now;"]
    lines.append("'in files' is what the entry files' tags say, until the next import)")
    lines.append("")
    lines.append(f"  {'topic':<26} {'kind':<7} {'tags':>5} {'in files':>9}")
    for topic in sorted(topics, key=lambda t: (-now[t.slug], t.slug)):
        lines.append(f"  {topic.slug:<26} {topic.kind:<7} {now[topic.slug]:>5} {in_files[topic.slug]:>9}")
    unused = [topic.slug for topic in topics if not now[topic.slug]]
    if unused:
        lines.append(f"  tagging nothing: {', '.join(sorted(unused))}")
    unknown = sorted(set(in_files) - {topic.slug for topic in topics})
    if unknown:
        lines.append(f"  tags in entry files with no topic: {', '.join(unknown)}")
    lines.append("")
    found = suggestions(bodies, tagger)
    if found:
        lines.append("Frequent names no topic covers yet (entries naming them):")
        width = max(len(name) for name, _ in found)
        lines.extend(f"  {name:<{width}} {count:>5}" for name, count in found)
        lines.append("Add them as aliases of a topic, or as new topics, in content/topics.toml.")
    else:
        lines.append("No frequent name is left uncovered by the topics.")
    if problems:
        lines.append("")
        lines.append(f"{len(problems)} entry file(s) could not be read:")
        lines.extend(f"  {problem}" for problem in problems[:10])
    return "\n".join(lines) + "\n"
