"""The classifier: small named rules over paragraph features.

Like markdown-it's rule chains, each rule looks at one paragraph (and the
explicit ``State`` around it) and either decides or passes. The first rule
that decides wins, and the decision records the rule's name, so
``python -m sitegen.importer.evaluate --explain`` can say *why* a line became
a headline. Rules can be switched off by name (``disabled=``) to measure what
each one is worth.

Two chains run: ``STRUCTURE_RULES`` (is this paragraph a headline, a
``1655 GMT:`` entry start, or text?) and then ``CAPTION_RULES`` (does this
line ending in ``:`` caption an embed that the archive lost?). The caption
chain needs to see the structure of what follows, hence two passes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from anyascii import anyascii

from sitegen.importer import features as f


class Label(Enum):
    TEXT = "text"
    #: A seed-format headline: the paragraph is the entry's title.
    HEADLINE = "headline"
    #: A ``1655 GMT:`` paragraph: starts an entry and is its first body paragraph.
    STAMP = "stamp"
    #: The ``LATEST:`` line (kept in the lead as text).
    LATEST = "latest"


@dataclass(frozen=True)
class Para:
    """One non-blank line (or glued fragment of one) with its layout context."""

    index: int
    line: int
    text: str
    blank_before: int
    blank_after: int
    #: True when a ``1655 GMT:`` stamp was split off the middle of the dump line.
    glued: bool = False


@dataclass(frozen=True)
class Decision:
    label: Label
    rule: str


@dataclass
class State:
    """What the rules may look at besides the paragraph itself."""

    paras: list[Para]
    #: "latest-headlines" (the seed format) or "gmt-timestamps" (the older one).
    fmt: str
    #: Most dumps separate paragraphs by blank lines; some older ones do not,
    #: and then blank-line context says nothing.
    uses_blank_lines: bool
    #: Index of the first paragraph of running text (see ``lead_start``);
    #: title-like lines above it are the page's title, feature links and chrome.
    lead_start: int
    #: Normalised headline of the LATEST line ("" when there is none).
    latest: str = ""
    decisions: list[Decision] = field(default_factory=list)

    def next(self, para: Para) -> Para | None:
        index = para.index + 1
        return self.paras[index] if index < len(self.paras) else None

    def previous_decision(self, para: Para) -> Decision | None:
        return self.decisions[para.index - 1] if para.index > 0 else None


Rule = Callable[[State, Para], Decision | None]

# -- patterns for page furniture (navigation, credits, embed remnants) ---------

_CHROME_RE = re.compile(
    r"""^(?:
        PHOTO\b                                   # lead photo caption label
      | (?:Featured\s+)?(?:Photo|Image|Source|Credit|Via)\s*:\s*\S+(?:\s+\S+)?\s*$   # credit: "Photo: Getty"
      | Jump\s+to\b                               # in-page navigation
      | (?:Back|Return)\s+to\s+(?:the\s+)?top\b
      | Latest\s+Updates?\b                       # section label
      | View\b.*\bmap\s*$                         # map embed fallback
      | \(.*\)\s*$                                # parenthesised aside: (h/t …), (Featured Photo: …)
      | h/t\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_EMBED_REMNANT_RE = re.compile(
    r"""(?:^View\b.*\bmap\s*$|\bon\s+(?:Vimeo|YouTube|Twitter|Flickr)\.?\s*$|pic\.twitter\.com/|^(?:Photo|Image)\s*:\s*\S+(?:\s+\S+)?\s*$
        |^[—–-]\s*.*\(@\w+\))""",
    re.VERBOSE | re.IGNORECASE,
)
_LINK_RE = re.compile(r"^(?:See\s+also\b|[•·▪◦‣►]\s*|[-–—*]\s+\S)", re.IGNORECASE)
#: "1. Ceasefire Across Syria", "(2) …": an item of a numbered list, never a headline.
_LIST_ITEM_RE = re.compile(r"^\(?\d{1,3}[.)]\s+\S")
_FEATURE_LABEL_RE = re.compile(r"^[A-Z][A-Z ]*\bFEATURES?\s*:?\s*$")
_HTML_REMNANT_RE = re.compile(r"\bbr\s*/?>\s*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normal_headline(text: str) -> str:
    """A headline reduced to ASCII words, so "Video —" and "Video:" compare equal."""
    return _NON_ALNUM.sub(" ", anyascii(text).lower()).strip()


def same_headline(a: str, b: str, ratio: float = 0.85) -> bool:
    """Two normalised headlines name the same entry (allowing "Markets"/"Market" slips)."""
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio


def is_chrome(text: str) -> bool:
    """Page furniture: navigation, section labels, photo credits, map fallbacks."""
    if _CHROME_RE.match(text):
        return True
    return text.rstrip().endswith(">") and bool(_HTML_REMNANT_RE.search(text))


def is_link(text: str) -> bool:
    """A related-article link or a bullet of a link list."""
    return bool(_LINK_RE.match(text))


def is_embed_remnant(text: str) -> bool:
    # Cheap test first: every remnant pattern has one of these in it.
    lowered = text.lower()
    if not any(mark in lowered for mark in ("map", "vimeo", "youtube", "twitter", "flickr", "photo", "image", "(@")):
        return False
    return bool(_EMBED_REMNANT_RE.search(text))


def is_update(text: str) -> bool:
    return bool(f.UPDATE_RE.match(text))


def lead_start(paras: list[Para]) -> int:
    """Where running text begins: the first prose paragraph or UPDATE.

    The lead is untitled, so anything title-shaped above its first paragraph
    (page title, "Analysis: …" feature links under LATEST, "Jump to Latest
    Update") is page furniture, not an entry.
    """
    for para in paras:
        text = para.text
        if f.LATEST_RE.match(text) or is_chrome(text) or is_link(text) or f.is_all_caps(text):
            continue
        if is_update(text) or f.STAMP_RE.match(text) or f.is_prose(text):
            return para.index
    return len(paras)


# -- structure rules ----------------------------------------------------------


def latest_line(state: State, para: Para) -> Decision | None:
    """``LATEST: headline`` points at an entry; it stays in the lead."""
    return Decision(Label.LATEST, "latest_line") if f.LATEST_RE.match(para.text) else None


def gmt_stamp(state: State, para: Para) -> Decision | None:
    """In the timestamped format every ``1655 GMT:`` paragraph starts an entry."""
    if state.fmt == "gmt-timestamps" and f.STAMP_RE.match(para.text):
        return Decision(Label.STAMP, "gmt_stamp")
    return None


def gmt_body(state: State, para: Para) -> Decision | None:
    """In the timestamped format nothing but a stamp starts an entry."""
    return Decision(Label.TEXT, "gmt_body") if state.fmt == "gmt-timestamps" else None


def update_paragraph(state: State, para: Para) -> Decision | None:
    """``UPDATE 2100 GMT:`` paragraphs are updates inside the lead or an entry."""
    return Decision(Label.TEXT, "update_paragraph") if is_update(para.text) else None


def chrome(state: State, para: Para) -> Decision | None:
    """Navigation, section labels, credits and embed fallbacks are never headlines."""
    return Decision(Label.TEXT, "chrome") if is_chrome(para.text) else None


def related_link(state: State, para: Para) -> Decision | None:
    """'See also …', bullets, and the link under a 'WEDNESDAY FEATURE' label."""
    text = para.text
    if is_link(text) or _FEATURE_LABEL_RE.match(text):
        return Decision(Label.TEXT, "related_link")
    previous = state.paras[para.index - 1] if para.index > 0 else None
    if previous is None:
        return None
    # The line right under a label, or glued to a link list, is a link too.
    under_label = bool(_FEATURE_LABEL_RE.match(previous.text))
    in_list = is_link(previous.text) and para.blank_before == 0
    return Decision(Label.TEXT, "related_link") if under_label or in_list else None


def embed_remnant(state: State, para: Para) -> Decision | None:
    """Fallback text of a lost embed ("… on Vimeo.", "pic.twitter.com/…") is not a headline."""
    return Decision(Label.TEXT, "embed_remnant") if is_embed_remnant(para.text) else None


def latest_target(state: State, para: Para) -> Decision | None:
    """Above the lead, a title-like line that the LATEST line names is an entry after all.

    Feature links under LATEST never repeat the LATEST headline, so this is
    how a page whose untitled lead is missing still gets its first entry.
    """
    if (
        state.latest
        and para.index < state.lead_start
        and f.looks_title(para.text)
        and same_headline(normal_headline(para.text), state.latest)
    ):
        return Decision(Label.HEADLINE, "latest_target")
    return None


def list_item(state: State, para: Para) -> Decision | None:
    """A numbered list item is body text, however capitalised ("2 Swedish Journalists Freed" is not one)."""
    return Decision(Label.TEXT, "list_item") if _LIST_ITEM_RE.match(para.text) else None


def prelude(state: State, para: Para) -> Decision | None:
    """Above the lead's first paragraph, title-like lines are page title and feature links."""
    return Decision(Label.TEXT, "prelude") if para.index < state.lead_start else None


def sentence_end(state: State, para: Para) -> Decision | None:
    """A full stop, comma or semicolon at the end means prose."""
    return Decision(Label.TEXT, "sentence_end") if f.ends_sentence(para.text) else None


def colon_end(state: State, para: Para) -> Decision | None:
    """A line ending in ':' introduces something (media or a quotation)."""
    return Decision(Label.TEXT, "colon_end") if f.ends_colon(para.text) else None


def shouted(state: State, para: Para) -> Decision | None:
    """ALL-CAPS lines are section labels."""
    return Decision(Label.TEXT, "shouted") if f.is_all_caps(para.text) else None


def needs_blank_before(state: State, para: Para) -> Decision | None:
    """Where the dump separates paragraphs by blank lines, a headline stands alone."""
    if state.uses_blank_lines and para.blank_before == 0 and para.index > 0:
        return Decision(Label.TEXT, "needs_blank_before")
    return None


def link_list(state: State, para: Para) -> Decision | None:
    """A title-like line glued to another title-like line is a list of links."""
    following = state.next(para)
    if state.uses_blank_lines and para.blank_after == 0 and following is not None and f.looks_title(following.text):
        return Decision(Label.TEXT, "link_list")
    return None


def title_like(state: State, para: Para) -> Decision | None:
    """Capitalised words, short, no full stop: a headline."""
    return Decision(Label.HEADLINE, "title_like") if f.looks_title(para.text) else None


def sentence_case_headline(state: State, para: Para) -> Decision | None:
    """A short unpunctuated line standing alone between paragraphs of prose.

    Headlines are title case by the blog's convention, but writers slip
    ("Video: Regime airstrikes on Douma"). Body paragraphs end in punctuation,
    so a short line without it, set off by blank lines, with prose after it,
    is a headline even when half its words are lower case. Not at the end of
    a dump, where a line cut short by truncation looks the same.
    """
    following = state.next(para)
    text = para.text
    if (
        state.uses_blank_lines
        and following is not None
        and para.blank_after > 0
        and 3 <= f.word_count(text) <= 15
        and f.first_word_capitalised(text)
        and not f.is_all_caps(text)
        and (f.ends_sentence(following.text) or f.ends_colon(following.text))
        and not f.looks_title(following.text)
    ):
        return Decision(Label.HEADLINE, "sentence_case_headline")
    return None


def fallback(state: State, para: Para) -> Decision | None:
    return Decision(Label.TEXT, "fallback")


STRUCTURE_RULES: tuple[tuple[str, Rule], ...] = (
    ("latest_line", latest_line),
    ("gmt_stamp", gmt_stamp),
    ("gmt_body", gmt_body),
    ("update_paragraph", update_paragraph),
    ("chrome", chrome),
    ("embed_remnant", embed_remnant),
    ("related_link", related_link),
    ("latest_target", latest_target),
    ("list_item", list_item),
    ("prelude", prelude),
    ("sentence_end", sentence_end),
    ("colon_end", colon_end),
    ("shouted", shouted),
    ("needs_blank_before", needs_blank_before),
    ("link_list", link_list),
    ("title_like", title_like),
    ("sentence_case_headline", sentence_case_headline),
    ("fallback", fallback),
)


def classify(state: State, disabled: frozenset[str] = frozenset()) -> list[Decision]:
    """Run the structure chain over every paragraph, in order."""
    chain = [rule for name, rule in STRUCTURE_RULES if name not in disabled or name == "fallback"]
    state.decisions = []
    for para in state.paras:
        for rule in chain:
            decision = rule(state, para)
            if decision is not None:
                state.decisions.append(decision)
                break
    return state.decisions
