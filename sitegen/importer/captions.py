"""Which lines ending in ':' captioned an embed the archive lost.

The live blog embedded videos, tweets, maps and photos under a short line
ending in a colon ("Celebrations tonight:"). The embeds are gone from the
dumps, so those lines now dangle; the importer renders them as a visible
"not preserved in this archive" placeholder. But a colon also introduces
quotations ("He continued:"), which must stay plain text.

The decision is a rule chain like the structure rules. Structural evidence
comes first (what follows is a new entry, another caption, embed fallback
text, or the double blank line an embed left behind); then the wording
(speech verbs, long narrative sentences) and what follows (a quotation).
Decisions are made bottom-up because "followed by another caption" depends
on the next line's decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sitegen.importer import features as f
from sitegen.importer.rules import Decision, Label, Para, is_embed_remnant, is_update

#: The words before a colon that introduce a quotation, not media.
_SPEECH = (
    "said says say adds added continued continues writes wrote write reports reported declared declares "
    "explained explains noted notes stated states told tweeted tweets announced announces warned warns asked "
    "asks replied replies insisted insists concluded concludes commented comments argued argues claimed "
    "including includes include following follows saying reads read statement excerpt excerpts text quote "
    "demands demanded urged urges"
)
SPEECH_WORDS = frozenset(_SPEECH.split())
#: "this video", "these photos", "the following clip": the line points at media.
_DEICTIC_RE = re.compile(
    r"\b(?:this|these|the\s+following)\s+(?:\w+\s+){0,2}?"
    r"(?:video|videos|footage|clip|clips|photo|photos|photograph|photographs|picture|pictures|image|images|map|tweet)s?\b",
    re.IGNORECASE,
)
#: Reported speech anywhere in the colon's sentence: the quotation follows.
_REPORTED_RE = re.compile(
    r"\b(?:said|says|writes|wrote|told|tells|added|adds|continued|declared|stated|explained|tweeted|tweets)\b"
    r"|\b(?:reports?|reported|claims?|claimed|notes?|noted|announced|warned|insisted|insists)\s+that\b",
    re.IGNORECASE,
)
#: A caption names what is shown; a colon sentence longer than this leads into text.
MAX_CAPTION_WORDS = 16
_STAMP_PREFIX_RE = re.compile(r"^(?:UPDATE\s+)?\d{1,2}:?\d{2}\s*GMT\s*\S?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CaptionContext:
    paras: list[Para]
    decisions: list[Decision]
    #: Caption verdicts already made for later paragraphs (index → bool).
    verdicts: dict[int, bool]

    def next(self, para: Para) -> Para | None:
        index = para.index + 1
        return self.paras[index] if index < len(self.paras) else None

    def starts_entry(self, para: Para) -> bool:
        label = self.decisions[para.index].label
        return label in (Label.HEADLINE, Label.STAMP) or is_update(para.text)


@dataclass(frozen=True)
class Verdict:
    """Whether a paragraph captions lost media, and the rule that said so."""

    caption: bool
    rule: str


CaptionRule = Callable[[CaptionContext, Para], Verdict | None]


def _yes(rule: str) -> Verdict:
    return Verdict(True, rule)


def _no(rule: str) -> Verdict:
    return Verdict(False, rule)


def _core(text: str) -> str:
    """The caption's own words: its last sentence, without a ``1655 GMT:`` prefix."""
    return f.last_sentence(_STAMP_PREFIX_RE.sub("", text, count=1)) or text


def not_colon(ctx: CaptionContext, para: Para) -> Verdict | None:
    """Only lines ending in ':' (headlines never do) can be captions."""
    if not f.ends_colon(para.text) or ctx.decisions[para.index].label in (Label.HEADLINE, Label.LATEST):
        return _no("not_colon")
    if not f.words(_STAMP_PREFIX_RE.sub("", para.text, count=1).rstrip(":")):
        return _no("not_colon")  # a bare "1900 GMT:" captions nothing
    return None


def entry_follows(ctx: CaptionContext, para: Para) -> Verdict | None:
    """Nothing of the entry follows the colon: what it introduced is gone."""
    following = ctx.next(para)
    return _yes("entry_follows") if following is not None and ctx.starts_entry(following) else None


def caption_follows(ctx: CaptionContext, para: Para) -> Verdict | None:
    """A run of captions ("Celebrations tonight:" / "An anti-ISIS march:") captions a run of embeds."""
    following = ctx.next(para)
    return _yes("caption_follows") if following is not None and ctx.verdicts.get(following.index) else None


def embed_remnant_follows(ctx: CaptionContext, para: Para) -> Verdict | None:
    """Fallback text of an embed ("View Larger Map", "… on Vimeo.") follows."""
    following = ctx.next(para)
    return _yes("embed_remnant") if following is not None and is_embed_remnant(following.text) else None


def media_gap(ctx: CaptionContext, para: Para) -> Verdict | None:
    """Two or more blank lines between the colon and the next paragraph: where the embed was."""
    return _yes("media_gap") if para.blank_after >= 2 and ctx.next(para) is not None else None


def deictic_media(ctx: CaptionContext, para: Para) -> Verdict | None:
    """'posted this video:', 'these photos:' point at media."""
    return _yes("deictic_media") if _DEICTIC_RE.search(_core(para.text)) else None


def speech_verb(ctx: CaptionContext, para: Para) -> Verdict | None:
    """'He continued:', 'Syria News Desk writes:', 'including:' introduce text."""
    tokens = f.words(para.text.rstrip().rstrip(":"))
    last = tokens[-1].strip(f._WORD_STRIP).lower() if tokens else ""
    return _no("speech_verb") if last in SPEECH_WORDS else None


def reported_speech(ctx: CaptionContext, para: Para) -> Verdict | None:
    """'Labwani said about 40 colleagues resigned:', 'the LCC reports that …:' lead into a quotation."""
    return _no("reported_speech") if _REPORTED_RE.search(_core(para.text)) else None


def long_sentence(ctx: CaptionContext, para: Para) -> Verdict | None:
    """A long narrative sentence ending in ':' leads into the next paragraph."""
    return _no("long_sentence") if f.word_count(_core(para.text)) > MAX_CAPTION_WORDS else None


def quote_follows(ctx: CaptionContext, para: Para) -> Verdict | None:
    """The next paragraph opens with a quotation mark: the colon introduced it."""
    following = ctx.next(para)
    return _no("quote_follows") if following is not None and f.starts_quote(following.text) else None


def default_caption(ctx: CaptionContext, para: Para) -> Verdict | None:
    """A short line ending in ':' followed by ordinary narrative captioned media."""
    return _yes("default")


CAPTION_RULES: tuple[tuple[str, CaptionRule], ...] = (
    ("not_colon", not_colon),
    ("entry_follows", entry_follows),
    ("caption_follows", caption_follows),
    ("embed_remnant", embed_remnant_follows),
    ("media_gap", media_gap),
    ("deictic_media", deictic_media),
    ("speech_verb", speech_verb),
    ("reported_speech", reported_speech),
    ("long_sentence", long_sentence),
    ("quote_follows", quote_follows),
    ("default", default_caption),
)


def find_captions(
    paras: list[Para], decisions: list[Decision], disabled: frozenset[str] = frozenset()
) -> dict[int, Verdict]:
    """Caption verdicts for every paragraph, decided from the last one up."""
    chain = [rule for name, rule in CAPTION_RULES if name not in disabled or name == "default"]
    ctx = CaptionContext(paras, decisions, {})
    out: dict[int, Verdict] = {}
    for para in reversed(paras):
        for rule in chain:
            decision = rule(ctx, para)
            if decision is not None:
                out[para.index] = decision
                ctx.verdicts[para.index] = decision.caption
                break
    return out
