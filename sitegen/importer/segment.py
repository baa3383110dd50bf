"""A dump's lines → the lead and its entries (pure: no I/O, no Markdown).

Pipeline: detect the dump's format, cut lines into paragraphs (splitting a
``1655 GMT:`` stamp glued to the end of the previous paragraph), run the
structure rules, run the caption rules, then group paragraphs into segments:
everything before the first entry is the lead. The ``LATEST`` line is matched
to the entry it names, even when its spelling differs.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.importer import features as f
from sitegen.importer.captions import Verdict, find_captions
from sitegen.importer.rules import (
    Decision,
    Label,
    Para,
    State,
    classify,
    is_chrome,
    is_link,
    lead_start,
    normal_headline,
)

SEED_FORMAT = "latest-headlines"
GMT_FORMAT = "gmt-timestamps"
#: How alike a LATEST line and a headline must be (difflib ratio) to be the same.
LATEST_MATCH_RATIO = 0.85
#: A GMT entry's stated title: a short, fully capitalised first sentence ("Syria.").
MAX_STATED_TITLE_WORDS = 10


@dataclass(frozen=True)
class Block:
    """One body paragraph: a whole dump line, or a glued fragment of one."""

    line: int
    text: str
    caption: bool = False


@dataclass(frozen=True)
class Segment:
    """The lead or one entry, in dump order."""

    kind: str
    line: int
    #: What an editor marks as the headline: the seed headline, or "1655 GMT: Title." / "2130 GMT:".
    headline: str | None
    #: True when the headline line is the entry's title and not part of its body (seed format).
    titled_by_line: bool
    time: str | None
    #: A GMT entry's own title sentence without its full stop ("Political Prisoner Watch").
    stated_title: str | None
    blocks: tuple[Block, ...]
    latest: bool = False


@dataclass(frozen=True)
class Segmentation:
    fmt: str
    segments: tuple[Segment, ...]
    #: The headline the LATEST line names (None without a LATEST line or when it is bare).
    latest_text: str | None
    page_title: str | None
    has_updates: bool
    #: For explanations: the paragraphs and every rule decision.
    paras: tuple[Para, ...]
    decisions: tuple[Decision, ...]
    verdicts: dict[int, Verdict]

    @property
    def entries(self) -> tuple[Segment, ...]:
        return tuple(segment for segment in self.segments if segment.kind == "entry")

    @property
    def captions(self) -> tuple[str, ...]:
        return tuple(block.text for segment in self.segments for block in segment.blocks if block.caption)


def detect_format(lines: Sequence[str]) -> str:
    """GMT-stamped pages have several ``1655 GMT:`` entry starts, or one and no LATEST line."""
    stamps = 0
    has_latest = False
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if f.LATEST_RE.match(text):
            has_latest = True
        if f.STAMP_RE.match(text):
            stamps += 1
        if "GMT" in text:
            stamps += sum(1 for match in f.GLUED_STAMP_RE.finditer(text) if match.start() > 0)
    return GMT_FORMAT if stamps >= 2 or (stamps == 1 and not has_latest) else SEED_FORMAT


def _fragments(text: str, fmt: str) -> list[str]:
    """Split a line at stamps glued to the previous paragraph (timestamped format only)."""
    if fmt != GMT_FORMAT or "GMT" not in text:
        return [text]
    cuts = [match.start() for match in f.GLUED_STAMP_RE.finditer(text) if match.start() > 0]
    if not cuts:
        return [text]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def paragraphs(lines: Sequence[str], fmt: str) -> list[Para]:
    """Every non-blank line (or glued fragment) as a paragraph with its blank-line context."""
    raw: list[tuple[int, str, int, bool]] = []  # (line, text, blank_before, glued)
    blanks = 0
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            blanks += 1
            continue
        for position, piece in enumerate(_fragments(text, fmt)):
            raw.append((number, piece, blanks if position == 0 else 0, position > 0))
        blanks = 0
    paras: list[Para] = []
    for index, (number, text, before, glued) in enumerate(raw):
        after = raw[index + 1][2] if index + 1 < len(raw) else blanks
        paras.append(Para(index, number, text, before, after, glued))
    return paras


def match_latest(latest: str, candidates: Sequence[str]) -> int | None:
    """Index of the candidate the LATEST line names ("Video —" and "Video:" are the same)."""
    wanted = normal_headline(latest)
    if not wanted:
        return None
    normals = [normal_headline(candidate) for candidate in candidates]
    for index, normal in enumerate(normals):
        if normal == wanted:
            return index
    best, best_ratio = None, LATEST_MATCH_RATIO
    for index, normal in enumerate(normals):
        matcher = difflib.SequenceMatcher(None, wanted, normal, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = index, ratio
    return best


def _stated_title(rest: str) -> tuple[str | None, int]:
    """A GMT entry's title sentence ("Political Prisoner Watch.") and its length in ``rest``."""
    span = f.first_sentence_span(rest)
    sentence = rest[:span].strip()
    if not sentence.endswith((".", "?", "!")) or sentence.endswith(".."):
        return None, 0
    core = sentence[:-1].strip()
    count = f.word_count(core)
    if not 1 <= count <= MAX_STATED_TITLE_WORDS or f.title_case_ratio(core) < 1.0 or f.is_all_caps(core):
        return None, 0
    if not f.first_word_capitalised(core) or any(ch in core for ch in ".:;!?"):
        return None, 0
    return core, span


def _stamp_segment(para: Para) -> tuple[str, str, str | None]:
    """(headline, time, stated title) of a ``1655 GMT: …`` paragraph."""
    match = f.STAMP_RE.match(para.text)
    assert match is not None
    time = f"{match.group('hh')}:{match.group('mm')}"
    prefix_end = match.end()
    rest = para.text[prefix_end:]
    title, span = _stated_title(rest.lstrip())
    if title is None:
        return para.text[:prefix_end].strip(), time, None
    skipped = len(rest) - len(rest.lstrip())
    return para.text[: prefix_end + skipped + span].strip(), time, title


def _page_title(paras: Sequence[Para], decisions: Sequence[Decision], stop: int) -> str | None:
    """The page's own title among the lines above the lead (or above LATEST)."""
    candidates: list[str] = []
    for para in paras[:stop]:
        if decisions[para.index].label is Label.LATEST:
            break
        text = para.text
        if is_chrome(text) or is_link(text) or not f.looks_title(text):
            continue
        candidates.append(text)
    with_colon = [text for text in candidates if ":" in text]
    if with_colon:
        return with_colon[0]
    long_enough = [text for text in candidates if f.word_count(text) >= 4]
    return long_enough[0] if long_enough else None


def segment(lines: Sequence[str], *, disabled: frozenset[str] = frozenset()) -> Segmentation:
    """Segment a decoded dump; ``disabled`` switches rules off by name (for evaluation)."""
    fmt = detect_format(lines)
    paras = paragraphs(lines, fmt)
    with_blank = sum(1 for para in paras[1:] if para.blank_before > 0)
    uses_blank_lines = len(paras) > 1 and with_blank >= 0.5 * (len(paras) - 1)
    latest_line = next((p.text for p in paras if f.LATEST_RE.match(p.text)), "")
    latest_norm = normal_headline(f.LATEST_RE.sub("", latest_line, count=1))
    state = State(paras, fmt, uses_blank_lines, lead_start(paras), latest_norm)
    decisions = classify(state, disabled)
    verdicts = find_captions(paras, decisions, disabled)

    latest_text: str | None = None
    groups: list[list[Para]] = [[]]
    for para, decision in zip(paras, decisions, strict=True):
        if decision.label is Label.LATEST and latest_text is None:
            latest_text = f.LATEST_RE.sub("", para.text, count=1).strip() or None
        if decision.label in (Label.HEADLINE, Label.STAMP):
            groups.append([])
        groups[-1].append(para)

    segments: list[Segment] = []
    for number, group in enumerate(groups):
        if not group:
            continue
        head = group[0]
        blocks = [Block(para.line, para.text, verdicts[para.index].caption) for para in group]
        if number == 0:
            segments.append(Segment("lead", head.line, None, False, None, None, tuple(blocks)))
        elif decisions[head.index].label is Label.HEADLINE:
            segments.append(Segment("entry", head.line, head.text, True, None, None, tuple(blocks[1:])))
        else:
            headline, time, title = _stamp_segment(head)
            segments.append(Segment("entry", head.line, headline, False, time, title, tuple(blocks)))

    if latest_text is not None:
        entries = [index for index, seg in enumerate(segments) if seg.kind == "entry"]
        names = [segments[i].headline or "" for i in entries]
        found = match_latest(latest_text, names)
        if found is not None:
            target = segments[entries[found]]
            segments[entries[found]] = Segment(**{**target.__dict__, "latest": True})

    stop = state.lead_start if state.lead_start < len(paras) else len(paras)
    return Segmentation(
        fmt=fmt,
        segments=tuple(segments),
        latest_text=latest_text,
        page_title=_page_title(paras, decisions, stop),
        has_updates=any(f.UPDATE_RE.match(para.text) for para in paras),
        paras=tuple(paras),
        decisions=tuple(decisions),
        verdicts=verdicts,
    )
