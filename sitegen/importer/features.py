"""Text features the segmentation rules are written in.

Each feature is a small pure function of one paragraph's text, so a rule
reads like the editor's reasoning ("title case, no full stop, stands alone")
and each can be tested on its own. Nothing here knows any particular
headline: the features describe the blog's *format*.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: ``1655 GMT:`` at the start of a paragraph (the older format's entry start).
#: The punctuation after GMT is usually ':' but typos (``2130 GMT"``) occur.
STAMP_RE = re.compile(r"""^(?P<hh>[01]\d|2[0-3]):?(?P<mm>[0-5]\d)\s*GMT\s*(?:[:;"”.]|[-–—](?=\s))""")
#: A stamp glued to the end of the previous paragraph: "…the regime.1655 GMT: …".
GLUED_STAMP_RE = re.compile(r"""(?<=[.!?"”’)\]])[ \t]*(?=(?:[01]\d|2[0-3]):?[0-5]\d\s*GMT\s*[:;"”])""")
#: ``UPDATE 2100 GMT:``: a timestamped update inside the lead or an entry.
UPDATE_RE = re.compile(r"^UPDATE\b[\s,]*(?:[01]?\d|2[0-3]):?[0-5]\d\s*(?:GMT|BST|UTC)?\b", re.IGNORECASE)
#: The page's pointer to its newest entry.
LATEST_RE = re.compile(r"^LATEST\b\s*[:—–-]?\s*")

#: Words a headline keeps in lower case ("Talks on the Future of Syria").
_MINOR = (
    "a an and as at but by for from in into is are was of off on onto or nor over per than the to up upon "
    "via vs v with without near"
)
MINOR_WORDS = frozenset(_MINOR.split())
#: Arabic (and a few European) name particles: "al-Sham", "ash-Sham", "de Mistura".
_PARTICLE_RE = re.compile(
    r"^(?:al|as|ash|ad|an|ar|at|az|el|ez|es|ed|bin|ibn|abu|de|du|la|le|van|von|anti|pro|post|pre|ex)$"
)
_WORD_STRIP = "\"'“”‘’()[]{}«»,;:.!?…—–-*/"
_ABBREVIATION_END_RE = re.compile(r"(?:\b[A-Z]\.){2,}$|\b(?:Jr|Sr|St|Dr|Mr|Mrs|Ms|Gen|Lt|Col|Co|Inc|Ltd|No|vs)\.$")
_TRAILING_CLOSERS = "\"'”’)]»"
_QUOTE_OPENERS = "\"“‘'«"
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]*[A-Z0-9])")


#: A whitespace-separated token with a letter or digit in it (``[^\W_]`` is ``str.isalnum``).
_WORD_TOKEN_RE = re.compile(r"\S*[^\W_]\S*")
_ASCII_LOWER_RE = re.compile(r"[a-z]")


def words(text: str) -> list[str]:
    """Whitespace-separated tokens that contain a letter or digit (one C-level scan: this runs on every paragraph)."""
    return _WORD_TOKEN_RE.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def _capitalised(token: str) -> bool | None:
    """True/False for a word's case; None when the word has no letters (numbers)."""
    core = token.strip(_WORD_STRIP)
    if not core or not any(ch.isalpha() for ch in core):
        return None
    if core[0].isupper() or core[0].isdigit():
        return True
    # "al-Sham", "anti-ISIS", "pro-Assad": the name after the particle decides.
    parts = core.split("-")
    if len(parts) > 1 and _PARTICLE_RE.match(parts[0].lower()):
        return any(part[:1].isupper() for part in parts[1:])
    return False


@lru_cache(maxsize=4096)
def title_case_ratio(text: str) -> float:
    """Share of the non-minor words that are capitalised (1.0 for "Tuesday Summary")."""
    counted = capitalised = 0
    for index, token in enumerate(text.split()):
        core = token.strip(_WORD_STRIP).lower()
        if index > 0 and core in MINOR_WORDS:
            continue
        state = _capitalised(token)
        if state is None:
            continue
        counted += 1
        capitalised += state
    return capitalised / counted if counted else 0.0


def first_word_capitalised(text: str) -> bool:
    for token in text.split():
        state = _capitalised(token)
        if state is not None:
            return state
    return False


def is_all_caps(text: str) -> bool:
    """A shouted label ("SATURDAY FEATURES"): letters present, none lower case."""
    if _ASCII_LOWER_RE.search(text):  # the common case, without a Python loop over every character
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def strip_closers(text: str) -> str:
    return text.rstrip().rstrip(_TRAILING_CLOSERS).rstrip()


def ends_sentence(text: str) -> bool:
    """Ends like prose: a full stop (not an abbreviation like "U.S."), comma or semicolon."""
    core = strip_closers(text)
    if core.endswith(("…", "...")):
        return True
    if not core.endswith((".", ",", ";")):
        return False
    return not _abbreviation_end(core)


def _abbreviation_end(text: str) -> bool:
    """Whether ``text`` ends in an abbreviation ("U.S.", "Dr.").

    Searching only the tail is exact: ``\\b`` still sees the character
    before the start position, and a run of initials longer than the tail has
    a two-initial suffix inside it.
    """
    return _ABBREVIATION_END_RE.search(text, max(0, len(text) - 16)) is not None


def ends_colon(text: str) -> bool:
    return text.rstrip().endswith(":")


def starts_quote(text: str) -> bool:
    return text.lstrip()[:1] in _QUOTE_OPENERS


def looks_title(text: str) -> bool:
    """Headline-shaped: capitalised words, short, no sentence ending, not shouted."""
    count = word_count(text)
    return (
        2 <= count <= 25
        and len(text) <= 200
        and first_word_capitalised(text)
        and not ends_sentence(text)
        and not ends_colon(text)
        and not is_all_caps(text)
        and title_case_ratio(text) >= 0.8
    )


def is_prose(text: str) -> bool:
    """A paragraph of running text (what a lead or body is made of)."""
    if looks_title(text):
        return False
    return ends_sentence(text) or ends_colon(text) or word_count(text) >= 12


def sentences(text: str) -> list[str]:
    """Split on sentence ends; abbreviations like "U.S." stay inside their sentence."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_SPLIT_RE.finditer(text):
        candidate = text[start : match.start()]
        if _abbreviation_end(strip_closers(candidate)):
            continue
        parts.append(candidate)
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def last_sentence(text: str) -> str:
    found = sentences(text)
    return found[-1] if found else ""


def first_sentence_span(text: str) -> int:
    """Length of the first sentence of ``text`` (including its closing punctuation)."""
    start = 0
    for match in _SENTENCE_SPLIT_RE.finditer(text):
        candidate = text[start : match.start()]
        if _abbreviation_end(strip_closers(candidate)):
            continue
        return len(text[: match.start()].rstrip())
    return len(text.rstrip())
