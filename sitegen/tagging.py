"""Tag text with the curated topics of content/topics.toml.

Matching is on whole words, ignores case and diacritics, and tolerates the
spelling variants the blog uses for Arabic names, so one alias covers many
spellings:

* hyphen, space or nothing between words: "Deir ez-Zor", "Deir Ez Zor",
  "Deir Ezzor";
* the article and its assimilated forms: "al-Sham", "as-Sham", "ash-Sham",
  "Al Sham" (an article inside an alias is optional: "Islamic State of Iraq
  and Sham"; one that starts an alias is required, so "al-Bab" does not tag
  every "Bab al-Hawa");
* apostrophes and possessives: "Tel Rif'aat" = "Tel Rifaat", "ISIS's" = "ISIS".

Topics of kind ``media`` (video, photos, audio) are matched only against the
start of a headline ("Video: …", "Claimed Video: …", "Photos: …"), because
the words themselves appear in half the bodies.

Aliases compile into a dictionary keyed by the word they start at, so
tagging an entry is one pass over its words with a dictionary lookup per word
(the archive has ~50k entries; a regex alternation over all aliases was a
hundred times slower).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from sitegen.model import Topic

#: The Arabic definite article and its sun-letter assimilations (and "el", "ez").
ARTICLES = ("al", "el", "as", "ash", "ad", "adh", "an", "ar", "at", "ath", "az", "ez", "es", "ed", "ul", "ud", "us")
#: Article tokens that are never English words, so they are articles even without a hyphen.
_BARE_ARTICLES = frozenset({"al", "el", "ez", "ash", "adh", "ath", "ul"})
_POSSESSIVE = re.compile(r"(?<=[a-z0-9])'s\b")
_APOSTROPHES = re.compile(r"['`]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HYPHENATED_ARTICLE = re.compile(r"^(" + "|".join(sorted(ARTICLES, key=len, reverse=True)) + r")-(?=[a-z0-9])")
#: How far into a headline a media prefix may be ("Claimed Video: …", "Video Claim: …").
_MEDIA_WORDS = 3


#: The non-ASCII characters the dumps are full of, mapped without anyascii (which is slow).
_FAST_ASCII = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("—", "-"), ("–", "-"), ("\u00a0", " "))
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: bytes.translate table: letters, digits and apostrophes stay, everything else is a space.
_KEEP = b"abcdefghijklmnopqrstuvwxyz0123456789'"
_WORD_TABLE = bytes(byte if byte in _KEEP else 0x20 for byte in range(256))


def _to_ascii(text: str) -> str:
    for char, replacement in _FAST_ASCII:
        if char in text:
            text = text.replace(char, replacement)
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: anyascii(match.group()), text)


def words(text: str) -> list[str]:
    """ASCII lower-case words without apostrophes or possessives ("ISIS’s" → "isis").

    Uses ``bytes.translate`` rather than a regex: tagging runs over every
    entry of the archive, and this is ten times faster.
    """
    plain = _to_ascii(text).lower().encode("ascii", "replace").translate(_WORD_TABLE).decode("ascii")
    out = plain.split()
    if "'" in plain:
        out = [_unquote(token) if "'" in token else token for token in out]
        return [token for token in out if token]
    return out


def _unquote(token: str) -> str:
    token = token.strip("'")
    return (token[:-2] if token.endswith("'s") else token).replace("'", "")


def normalize(text: str) -> str:
    """``words`` joined by single spaces (what aliases are compared on)."""
    return " ".join(words(text))


#: Slot kinds of a compiled alias.
_WORD, _ARTICLE, _OPTIONAL_ARTICLE = 0, 1, 2
_ARTICLE_SET = frozenset(ARTICLES)


@dataclass(frozen=True)
class _Alias:
    slug: str
    #: (kind, word) pairs; an article slot is always followed by a word slot.
    slots: tuple[tuple[int, str], ...]


def alias_slots(alias: str) -> tuple[tuple[int, str], ...]:
    """An alias as word and article slots: "Deir ez-Zor" → deir, (article), zor.

    An article that starts the alias is required (in any spelling); one inside
    it is optional. Aliases made only of articles yield no slots.
    """
    raw_tokens: list[tuple[str, bool]] = []
    for raw in _to_ascii(alias).lower().split():
        raw = _APOSTROPHES.sub("", _POSSESSIVE.sub("", raw))
        match = _HYPHENATED_ARTICLE.match(raw)
        if match:
            raw_tokens.append((match.group(1), True))
            raw = raw[match.end() :]
        raw_tokens.extend((token, token in _BARE_ARTICLES) for token in _NON_ALNUM.split(raw) if token)
    while raw_tokens and raw_tokens[-1][1]:
        raw_tokens.pop()  # a trailing article has nothing to attach to
    slots: list[tuple[int, str]] = []
    for index, (token, is_article) in enumerate(raw_tokens):
        if is_article:
            if slots and slots[-1][0] != _WORD:
                continue
            slots.append((_ARTICLE if index == 0 else _OPTIONAL_ARTICLE, ""))
        else:
            slots.append((_WORD, token))
    return tuple(slots) if any(kind == _WORD for kind, _ in slots) else ()


def _glued(token: str, word: str) -> bool:
    """ "ezzor" is the article "ez" glued to "zor"."""
    return len(token) > len(word) and token.endswith(word) and token[: -len(word)] in _ARTICLE_SET


def _match_at(tokens: Sequence[str], start: int, slots: Sequence[tuple[int, str]]) -> int:
    """Index after the alias if it matches at ``tokens[start]``, else -1."""
    j, k, n = start, 0, len(tokens)
    while k < len(slots):
        kind, word = slots[k]
        if j >= n:
            return -1
        if kind == _WORD:
            if tokens[j] != word:
                return -1
            j, k = j + 1, k + 1
            continue
        following = slots[k + 1][1]
        if tokens[j] in _ARTICLE_SET and j + 1 < n and tokens[j + 1] == following:
            j, k = j + 2, k + 2
        elif _glued(tokens[j], following) or (kind == _OPTIONAL_ARTICLE and tokens[j] == following):
            j, k = j + 1, k + 2
        else:
            return -1
    return j


def _index(topics: Iterable[Topic]) -> dict[str, list[_Alias]]:
    """Aliases by the text token they can start at (articles in every spelling)."""
    index: dict[str, list[_Alias]] = {}
    seen: set[tuple[tuple[int, str], ...]] = set()
    for topic in topics:
        for alias in topic.aliases:
            slots = alias_slots(alias)
            if not slots or slots in seen:
                continue
            seen.add(slots)
            compiled = _Alias(topic.slug, slots)
            if slots[0][0] == _WORD:
                keys = [slots[0][1]]
            else:
                keys = [*ARTICLES, *(article + slots[1][1] for article in ARTICLES)]
            for key in keys:
                index.setdefault(key, []).append(compiled)
    return index


class Tagger:
    """Compiled aliases for one set of topics; ``tags()`` is one pass over the words."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        self._text = _index(topic for topic in self.topics if topic.kind != "media")
        self._media = _index(topic for topic in self.topics if topic.kind == "media")

    @staticmethod
    def _find(index: dict[str, list[_Alias]], text: str) -> list[str]:
        """Topics in order of first mention; at each word the longest alias wins."""
        found: list[str] = []
        if not index:
            return found
        tokens = words(text)
        lookup = index.get
        resume = 0
        for position, token in enumerate(tokens):
            candidates = lookup(token)
            if candidates is None or position < resume:
                continue
            best_end, best_slug = -1, ""
            for alias in candidates:
                end = _match_at(tokens, position, alias.slots)
                if end > best_end:
                    best_end, best_slug = end, alias.slug
            if best_end > position:
                if best_slug not in found:
                    found.append(best_slug)
                resume = best_end
        return found

    def media(self, headline: str) -> list[str]:
        """Media topics announced by a headline's first words ("Claimed Video: …")."""
        head = re.split(r"[:—–]", headline, maxsplit=1)[0]
        head = " ".join(head.split()[:_MEDIA_WORDS])
        return self._find(self._media, head)

    def tags(self, text: str, headline: str | None = None) -> tuple[str, ...]:
        """Topic slugs for an entry: text topics in order of first mention, then media topics."""
        found = self._find(self._text, text)
        if headline:
            found.extend(slug for slug in self.media(headline) if slug not in found)
        return tuple(found)

    def covers(self, name: str) -> bool:
        """Whether some topic already matches ``name`` (for the suggestion list)."""
        return bool(self._find(self._text, name))


@lru_cache(maxsize=8)
def tagger_for(topics: tuple[Topic, ...]) -> Tagger:
    """A cached Tagger: compiling the aliases once per topic set, not per entry."""
    return Tagger(topics)
