"""Deterministic synthetic raw dumps at archive scale, shaped like the real ones.

Usage::

    python benchmarks/generate.py OUT_DIR --entries N [--seed S] [--search off|auto|required]

writes a complete sitegen site (``site.toml``, ``content/raw/*.txt``,
``content/raw/dumps.toml``, ``content/topics.toml``) whose dumps look like the
two real dump formats in the corpus:

* the "LATEST" format (``corpus/seeds``): a ``LATEST: <headline>`` line, an
  untitled lead of a few paragraphs, then titled entries newest first, some with
  ``Video:``/``Photos:`` prefixes, some with lost-media captions (lines ending in
  ``:``), some without any body;
* the older timestamped format (``corpus/dev``, about 15 % of days): a title
  line, a photo caption, then untitled ``1655 GMT: text`` entries newest first.

Why synthetic: the real archive is not ours to ship, and a benchmark needs
thousands of days.  Why these shapes: the importer's cost and its failure modes
(segmentation, tagging, slug collisions) depend on them, so a benchmark of
uniform lorem ipsum would measure the wrong thing.  Place, group and person
names are drawn Zipf-style from the topic list (plus a tail of untagged names),
so one topic collects thousands of entries, as "Aleppo" or "ISIS" do in the
real archive, and the topic pages and feeds get their realistic worst case.

Determinism: every day is generated from its own ``random.Random`` seeded with
a string derived from ``(seed, day index)``; string seeds are hashed with
SHA-512 by ``random``, so neither ``PYTHONHASHSEED`` nor the clock nor set
order can leak in.  The same arguments (and the same topics file) give
byte-identical output, and :func:`append_day` can later produce the next day
exactly as a longer run would have.
"""

from __future__ import annotations

import argparse
import bisect
import difflib
import json
import re
import shutil
import string
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random

REPO_ROOT = Path(__file__).resolve().parent.parent
REPO_TOPICS = REPO_ROOT / "content" / "topics.toml"
FIRST_DAY = date(2011, 1, 1)
DEFAULT_SEED = 1
#: Share of days written in the older "1655 GMT:" format.
GMT_SHARE = 0.15
MIN_PER_DAY, MODE_PER_DAY, MAX_PER_DAY = 8, 18, 35

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# ---------------------------------------------------------------------------
# Topics: the curated list the tagger matches against.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicSpec:
    """One topic as the generator needs it: where it may appear and how it is spelled."""

    slug: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str = ""


def _t(slug: str, name: str, kind: str, *aliases: str) -> TopicSpec:
    return TopicSpec(slug, name, kind, tuple(aliases))


#: Used when the repository has no content/topics.toml yet.  Order is Zipf rank
#: within each kind: the first place is the most mentioned place.
BUILTIN_TOPICS: tuple[TopicSpec, ...] = (
    _t("aleppo", "Aleppo", "place", "Aleppo"),
    _t("damascus", "Damascus", "place", "Damascus"),
    _t("homs", "Homs", "place", "Homs"),
    _t("idlib", "Idlib", "place", "Idlib"),
    _t("raqqa", "Raqqa", "place", "Raqqa", "Raqqah"),
    _t("deir-ez-zor", "Deir Ez Zor", "place", "Deir Ez Zor", "Deir ez-Zor", "Deir Ezzor"),
    _t("daraa", "Daraa", "place", "Daraa", "Deraa"),
    _t("hama", "Hama", "place", "Hama"),
    _t("latakia", "Latakia", "place", "Latakia", "Lattakia"),
    _t("douma", "Douma", "place", "Douma"),
    _t("eastern-ghouta", "Eastern Ghouta", "place", "Eastern Ghouta", "Ghouta"),
    _t("kobane", "Kobane", "place", "Kobane", "Kobani", "Ain al-Arab"),
    _t(
        "isis",
        "Islamic State (ISIS)",
        "group",
        "Islamic State of Iraq and as-Sham",
        "ISIS",
        "Islamic State of Iraq",
        "ISIL",
        "Islamic State",
    ),
    _t("free-syrian-army", "Free Syrian Army", "group", "Free Syrian Army", "FSA"),
    _t("jabhat-al-nusra", "Jabhat al-Nusra", "group", "Jabhat al-Nusra", "Jabhat Al-Nusra", "Nusra Front"),
    _t("ahrar-al-sham", "Ahrar al-Sham", "group", "Ahrar al-Sham", "Ahrar ash-Sham"),
    _t("islamic-front", "Islamic Front", "group", "Islamic Front"),
    _t("hezbollah", "Hezbollah", "group", "Hezbollah", "Hizbollah"),
    _t("syrian-national-coalition", "Syrian National Coalition", "group", "Syrian National Coalition"),
    _t("ypg", "YPG (Kurdish militia)", "group", "YPG", "PYD"),
    _t("assad", "Bashar al-Assad", "person", "Assad", "Bashar al-Assad", "President Assad"),
    _t("lavrov", "Sergei Lavrov", "person", "Lavrov", "Sergei Lavrov"),
    _t("kerry", "John Kerry", "person", "Kerry", "John Kerry"),
    _t("brahimi", "Lakhdar Brahimi", "person", "Brahimi", "Lakhdar Brahimi"),
    _t("jarba", "Ahmad Jarba", "person", "Jarba", "Ahmad Jarba", "Ahmed Jarba"),
    _t("putin", "Vladimir Putin", "person", "Putin", "Vladimir Putin"),
    _t("de-mistura", "Staffan de Mistura", "person", "de Mistura", "Staffan de Mistura"),
    _t("chemical-weapons", "Chemical weapons", "theme", "chemical weapons", "sarin", "the OPCW"),
    _t("geneva-talks", "Geneva talks", "theme", "Geneva II", "Geneva talks"),
    _t("refugees", "Refugees", "theme", "refugees", "refugee camps"),
)

#: Names that are not topics: the tagger must leave them alone, and they make
#: the name distribution a long tail rather than a handful of topics.
FILLERS: dict[str, tuple[str, ...]] = {
    "place": (
        "Mayadeen",
        "Tel Rifaat",
        "Adra",
        "Yalda",
        "Daraya",
        "Qamishli",
        "Hasakeh",
        "al-Dana",
        "Talbiseh",
        "Houla",
        "Qusayr",
        "Zabadani",
        "Jobar",
        "Barzeh",
        "Kafranbel",
        "Maarat al-Numan",
        "Jisr al-Shughour",
        "Manbij",
        "al-Bab",
        "Azaz",
        "Palmyra",
        "Tartus",
        "Qalamoun",
        "Yabroud",
        "Mezzeh",
        "Muadamiyah",
        "Sheikh Maqsoud",
        "Bustan al-Qasr",
        "Khan Sheikhoun",
        "Saraqeb",
    ),
    "group": (
        "Syrian Revolutionary Front",
        "Liwa al-Tawhid",
        "Jaish al-Islam",
        "National Defense Forces",
        "Jabhat al-Akrad",
        "Army of Mujahideen",
        "Suqour al-Sham",
        "Harakat Hazm",
    ),
    "person": (
        "Wael al-Halqi",
        "Walid Moallem",
        "Riad Hijab",
        "Kamal Labwani",
        "Zahran Alloush",
        "Abu Mohammad al-Joulani",
        "Ban Ki-moon",
        "Mikhail Bogdanov",
        "Bouthaina Shaaban",
        "Hassan Nasrallah",
        "William Hague",
        "Laurent Fabius",
    ),
    "country": ("Jordan", "Qatar", "Saudi Arabia", "France", "Britain", "the United States", "Egypt", "Israel"),
    "theme": (
        "humanitarian aid",
        "the ceasefire",
        "the peace talks",
        "sanctions",
        "a transitional government",
        "the siege",
    ),
}

#: Place topics that are countries: they fill {country} slots, not {place} ones.
COUNTRIES = frozenset(
    ("iraq", "lebanon", "turkey", "russia", "iran", "jordan", "israel", "qatar", "egypt", "libya", "saudi", "usa")
)

#: Zipf exponents: names within a kind, and spellings within a topic.
NAME_ZIPF = 0.9
ALIAS_ZIPF = 1.4


def load_topic_specs(path: Path | None) -> tuple[tuple[TopicSpec, ...], str]:
    """Topics and the topics.toml text to ship with the site.

    The repository's list is preferred so the benchmark tags what the real site
    tags; the built-in list keeps the benchmark usable before that file exists.
    """
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
        specs = []
        for slug, table in raw.items():
            if not isinstance(table, dict):
                continue
            aliases = tuple(a for a in table.get("aliases", ()) if isinstance(a, str) and a.strip())
            specs.append(
                TopicSpec(
                    slug=slug,
                    name=str(table.get("name", slug)),
                    kind=str(table.get("kind", "theme")),
                    aliases=aliases,
                    description=str(table.get("description", "")),
                )
            )
        return tuple(specs), text
    return BUILTIN_TOPICS, topics_toml(BUILTIN_TOPICS)


def topics_toml(specs: tuple[TopicSpec, ...]) -> str:
    """Serialise topics in the contract's topics.toml shape (json strings are valid TOML basic strings)."""
    out = ["# Synthetic benchmark topics (benchmarks/generate.py built-in list).\n"]
    for spec in specs:
        out.append(f"\n[{spec.slug}]\n")
        out.append(f"name = {json.dumps(spec.name, ensure_ascii=False)}\n")
        out.append(f'kind = "{spec.kind}"\n')
        aliases = ", ".join(json.dumps(a, ensure_ascii=False) for a in spec.aliases)
        out.append(f"aliases = [{aliases}]\n")
        if spec.description:
            out.append(f"description = {json.dumps(spec.description, ensure_ascii=False)}\n")
    return "".join(out)


#: Preferred popularity order: when the repository's topics.toml lists topics
#: alphabetically, "Aleppo" and "ISIS" should still be the giants.
_POPULARITY = (
    "aleppo",
    "isis",
    "damascus",
    "assad",
    "homs",
    "free syrian army",
    "idlib",
    "jabhat al-nusra",
    "raqqa",
    "lavrov",
    "deir ez zor",
    "ahrar al-sham",
    "kerry",
    "daraa",
    "islamic front",
    "brahimi",
    "hama",
    "latakia",
    "douma",
)


_ARTICLE = re.compile(r"^(?:al|as|ash|el|ad|ar|at|az)-", re.IGNORECASE)
_DEMONYM_ENDINGS = ("i", "n", "ian", "ese", "ish")


def _words(text: str) -> set[str]:
    return {_ARTICLE.sub("", w) for w in re.findall(r"[\w'-]+", text.lower()) if len(_ARTICLE.sub("", w)) >= 4}


def _surface_forms(spec: TopicSpec) -> tuple[str, ...]:
    """How a topic may be written in a name slot: its name and the aliases that are spellings of it.

    Aliases also hold related words the tagger should catch ("Iranian",
    "Tehran", "Rouhani" for Iran; "Baghdadi" for ISIS); put into a place or
    group slot they read as nonsense ("fighting in Rouhani"), so only acronyms
    and close spelling variants (Raqqa/Raqqah, Hezbollah/Hizbollah,
    ISIS/Islamic State of Iraq) are used.  The rest still appear where the
    tagger meets them in real text: not at all, or in literal template words.
    """
    name = re.sub(r"\s*\(.*?\)", "", spec.name).strip()
    first_word = name.split(" ")[0].lower()
    if name and any(a.startswith(first_word) for a in spec.aliases):
        name = name[0].lower() + name[1:]  # "Chemical weapons" → "to discuss chemical weapons"
    name_words = _words(name)
    forms: list[str] = []
    for alias in spec.aliases:
        low = alias.lower()
        if "(" in alias or any(low == f.lower() for f in forms):
            continue
        if low.startswith(name.lower()) and low[len(name) :] in _DEMONYM_ENDINGS:
            continue  # Iraqi, Lebanese, Russian: adjectives, not names
        acronym = alias.isupper() and len(alias) <= 5
        similar = difflib.SequenceMatcher(None, low, name.lower()).ratio() >= 0.75
        if acronym or similar or (name_words & _words(alias)):
            forms.append(alias)
    # Aliases come most-used first (ISIS before Islamic State); a theme's name is its best noun phrase.
    if name and not any(name.lower() == f.lower() for f in forms):
        forms.insert(0 if spec.kind == "theme" else len(forms), name)
    return tuple(forms)


def _popularity_rank(spec: TopicSpec, position: int) -> tuple[int, int]:
    keys = {spec.slug.replace("-", " "), spec.name.lower(), *(a.lower() for a in spec.aliases)}
    best = min((i for i, name in enumerate(_POPULARITY) if name in keys), default=len(_POPULARITY))
    return best, position


# ---------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------


def _zipf_cum(count: int, exponent: float) -> list[float]:
    cum, total = [], 0.0
    for rank in range(1, count + 1):
        total += 1.0 / rank**exponent
        cum.append(total)
    return cum


@dataclass
class _NamePool:
    """Zipf-ranked names of one kind; topics first (by popularity), then untagged fillers."""

    forms: list[tuple[str, ...]]
    slugs: list[str | None]
    cum: list[float]
    alias_cums: list[list[float]]

    @classmethod
    def build(cls, topics: list[TopicSpec], fillers: tuple[str, ...]) -> _NamePool:
        forms: list[tuple[str, ...]] = []
        slugs: list[str | None] = []
        taken: set[str] = set()
        for spec in topics:
            spellings = _surface_forms(spec)
            taken.update(s.lower() for s in (*spec.aliases, spec.name))
            if spellings:
                forms.append(spellings)
                slugs.append(spec.slug)
        for name in fillers:
            if name.lower() not in taken:
                forms.append((name,))
                slugs.append(None)
        return cls(forms, slugs, _zipf_cum(len(forms), NAME_ZIPF), [_zipf_cum(len(f), ALIAS_ZIPF) for f in forms])

    def draw(self, rng: Random, tags: list[str], avoid: int = -1) -> tuple[int, str]:
        """Pick a name (not the one at ``avoid``: "Assad met Assad" reads wrong); record its topic."""
        index = avoid
        for _ in range(6):
            index = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
            if index != avoid:
                break
        slug = self.slugs[index]
        if slug is not None:
            tags.append(slug)
        return index, self._spell(rng, index)

    def _spell(self, rng: Random, index: int) -> str:
        spellings = self.forms[index]
        if len(spellings) == 1:
            return spellings[0]
        alias_cum = self.alias_cums[index]
        return spellings[bisect.bisect_left(alias_cum, rng.random() * alias_cum[-1])]


class Vocabulary:
    """Name pools per kind, built once per site from its topics."""

    def __init__(self, specs: tuple[TopicSpec, ...]) -> None:
        ranked = sorted(enumerate(specs), key=lambda pair: _popularity_rank(pair[1], pair[0]))
        by_kind: dict[str, list[TopicSpec]] = {}
        for _, spec in ranked:
            kind = spec.kind
            if kind == "place" and _words(spec.slug.replace("-", " ")) & COUNTRIES:
                kind = "country"  # "airstrikes on Russia" reads wrong; countries get their own sentences
            by_kind.setdefault(kind, []).append(spec)
        self.pools = {
            kind: _NamePool.build(by_kind.get(kind, []), fillers) for kind, fillers in sorted(FILLERS.items())
        }


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------

_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "near",
        "of",
        "on",
        "or",
        "over",
        "the",
        "to",
        "under",
        "with",
    ]
)


def headline_case(text: str, first: bool = True) -> str:
    """Title-case a phrase the way the blog's headlines are ("Talks on a Transitional Government").

    ``first=False`` is for a phrase inside a headline, where a leading "a" stays small.
    """
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        if word and ((first and i == 0) or word.lower() not in _SMALL_WORDS) and word[0].islower():
            word = word[0].upper() + word[1:]
        out.append(word)
    return " ".join(out)


@dataclass
class _Ctx:
    """What one template expansion needs: the day's rng, names and the tags collected so far."""

    rng: Random
    vocab: Vocabulary
    weekday: str
    tags: list[str] = field(default_factory=list)
    #: The last name index drawn per kind, so "{place} and {place2}" are two places.
    last: dict[str, int] = field(default_factory=dict)

    def name(self, kind: str, second: bool = False) -> str:
        index, text = self.vocab.pools[kind].draw(self.rng, self.tags, self.last.get(kind, -1) if second else -1)
        self.last[kind] = index
        return text


_QUOTES = (
    "There is no military solution to this conflict",
    "The regime will be held accountable",
    "We will not negotiate with terrorists",
    "The international community has failed the Syrian people",
    "Our fighters will defend every street",
    "The humanitarian situation is catastrophic",
    "Geneva is the only way forward",
    "Those responsible for this massacre will be punished",
    "We are ready to go to the talks without preconditions",
    "The people will not accept anything less than the fall of the regime",
)
_SHORT_QUOTES = (
    "No Military Solution",
    "We Will Not Negotiate With Terrorists",
    "The World Has Failed Syria",
    "Assad Must Go",
    "The Siege Will Be Broken",
    "Talks Will Go Ahead",
    "A Catastrophe",
    "We Are Ready for Geneva",
)
_ORDINALS = ("Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
_SOURCES = (
    "the Local Coordination Committees",
    "the Syrian Observatory for Human Rights",
    "state news agency SANA",
    "the Violations Documentation Center",
    "an activist network",
    "the Aleppo Media Center",
    "opposition sources",
)


def _with_article(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _small_number(rng: Random) -> str:
    return str(min(2 + int(rng.paretovariate(1.3) * 3), 350))


_FIELDS: dict[str, Callable[[_Ctx], str]] = {
    "place": lambda c: c.name("place"),
    "place2": lambda c: c.name("place", second=True),
    "group": lambda c: c.name("group"),
    "group2": lambda c: c.name("group", second=True),
    "person": lambda c: c.name("person"),
    "person2": lambda c: c.name("person", second=True),
    "country": lambda c: c.name("country"),
    "theme": lambda c: c.name("theme"),
    "Theme": lambda c: headline_case(c.name("theme"), first=False),
    "n": lambda c: _small_number(c.rng),
    "big": lambda c: f"{c.rng.randrange(1, 400) * 500:,}",
    "day": lambda c: c.weekday,
    "a_ord": lambda c: _with_article(c.rng.choice(_ORDINALS).lower()),
    "Ord": lambda c: c.rng.choice(_ORDINALS),
    "quote": lambda c: c.rng.choice(_QUOTES),
    "Quote": lambda c: c.rng.choice(_SHORT_QUOTES),
    "source": lambda c: c.rng.choice(_SOURCES),
}


class Template:
    """A str.format-style template pre-split into literals and field callables (fast to expand)."""

    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        self.parts: list[str | Callable[[_Ctx], str]] = []
        for literal, name, _spec, _conv in string.Formatter().parse(text):
            if literal:
                self.parts.append(literal)
            if name is not None:
                self.parts.append(_FIELDS[name])

    def expand(self, ctx: _Ctx) -> str:
        text = "".join(part if isinstance(part, str) else part(ctx) for part in self.parts)
        # A name such as "de Mistura" or a source may open the sentence.
        return text if text[:1].isupper() or not text[:1].isalpha() else text[0].upper() + text[1:]


def _templates(*texts: str) -> tuple[Template, ...]:
    return tuple(Template(text) for text in texts)


HEADLINES = _templates(
    "{group} Claims Capture of Checkpoint Near {place}",
    "Regime Airstrikes on {place} Kill {n}",
    "At Least {n} Dead in {place} Car Bomb",
    "{person}: “{Quote}”",
    "Insurgents Advance in {place} Province",
    "{group} Fighters Withdraw From {place}",
    "Fighting Between {group} and {group2} Near {place}",
    "{person} Meets {person2} to Discuss {Theme}",
    "Reports of Prisoners Released From {group} Headquarters in {place}",
    "Civilians in {place} Face Terrible Conditions, Report Says",
    "Opposition Expresses Concern Over Evacuees Near {place}",
    "State TV: Car Bomb in {place} Kills {n}",
    "{place}: Regime Shelling Continues for {Ord} Day",
    "Death Toll in {place} Rises to {n}",
    "Images of Aftermath of Regime Airstrikes on {place}",
    "Footage of Air Raids in {place}",
    "{group} Denies Responsibility for {place} Bombing",
    "Humanitarian Convoy Reaches {place}",
    "{n} Killed as Barrel Bombs Hit {place}",
    "Insurgent Offensive in {place}?",
    "Kurdish Militia Clashes With {group} in {place}",
    "Protests in {place} Despite Heavy Security Presence",
    "{person} Says {Theme} Talks Will Go Ahead",
    "UN Envoy Warns of Humanitarian Catastrophe in {place}",
    "Regime Recaptures Villages Near {place}",
    "Activists: {n} Dead Across Syria on {day}",
    "{group} Executes Prisoners in {place}, Activists Say",
    "{person} Rejects Calls to Step Down",
    "Russia Blocks Security Council Statement on {place}",
    "Regime Forces Regain Ground in {place} Countryside",
    "Thousands Flee {place} as Fighting Intensifies",
    "Tensions Between {group} and {group2} Escalate",
    "Aid Agencies: {big} Trapped in {place}",
    "{group} Announces New Offensive on {place}",
    "Truce Collapses in {place}",
    "{person} Visits {place}",
    "Journalists Freed After Months in Captivity Near {place}",
    "Regime Accused of Using {Theme} in {place}",
    "{country} Condemns Attack on {place}",
    "Refugees From {place} Cross Into {country}",
    "{person} in {country} for Talks on {Theme}",
)
MEDIA_PREFIXES = (
    ("Video: ", 14.0),
    ("Videos: ", 3.0),
    ("Claimed Video: ", 3.0),
    ("Photos: ", 3.0),
    ("Video Claim: ", 1.0),
    ("", 76.0),
)
_PREFIXES = [prefix for prefix, _ in MEDIA_PREFIXES]
_PREFIX_WEIGHTS = [weight for _, weight in MEDIA_PREFIXES]
BODYLESS_HEADLINES = _templates(
    "Footage of Air Raids in {place}",
    "Video: State TV Hails New Russian Missiles for Regime",
    "Video: Insurgents Celebrate in {place}",
    "Photos: Destruction in {place}",
    "Claimed Video: {group} Convoy Near {place}",
    "Video: Funeral Procession in {place}",
)
SENTENCES = _templates(
    "Activists in {place} reported heavy shelling by regime forces on {day}, with at least {n} people killed.",
    "{group} said its fighters had taken control of a checkpoint on the road between {place} and {place2}.",
    "{source} claim {n} people were killed across Syria on {day}, many of them in {place}.",
    "{person} told reporters that a political solution was still possible if {group} was kept out of the talks.",
    "Footage posted on {day} shows the aftermath of airstrikes on a market in {place}.",
    "Regime forces have been shelling the {place} countryside for {a_ord} straight day, according to {source}.",
    "Insurgents from {group} and {group2} launched a joint offensive near {place}.",
    "State media said the army had killed “dozens of terrorists” in {place} and {place2}.",
    "{person} said in a statement: “{quote}.”",
    "Discussions on {theme} are expected to continue next week.",
    "{source} said {n} fighters from {group} had been killed in clashes near {place}.",
    "A car bomb exploded near a mosque in {place}, killing at least {n} people, {source} reported.",
    "Residents of {place} say food and medicine have not entered the area for weeks.",
    "{group} has denied responsibility for the attack.",
    "The UN says more than {big} people have fled {place} since the start of the month.",
    "Meanwhile, {person} met {person2} to discuss {theme}.",
    "An activist in {place} described the situation as “catastrophic”.",
    "{group} is reported to have withdrawn from positions around {place} overnight.",
    "Syria’s air force has bombed {place} repeatedly since {day}, activists say.",
    "{person} insisted that {theme} would be on the agenda.",
    "Fighters of {group} are said to have detained dozens of civilians in {place}.",
    "The claims could not be verified, but they match earlier reports from {place2}.",
    "It is unclear whether {group} will hold its ground in {place}.",
    "Local paramedics said they had treated {n} people, including several children.",
    "Moscow has been silent about {theme} since the end of last month.",
    "{country} said it would not allow weapons to cross its border into {place}.",
    "More than {big} people have crossed from {place} into {country} this year, the UN says.",
    "The foreign ministry of {country} condemned the attack on {place}.",
    "{person} is due in {country} on {day} for talks on {theme}.",
)
PLAIN_SENTENCES = _templates(
    "There was no independent confirmation of the claims.",
    "The number of casualties is not yet known.",
    "Details of the attack are still emerging.",
    "Some of the images are graphic.",
    "Those signals, however, appear to be limited to the local level.",
    "Across much of northern Syria, the fight continues.",
    "No group has claimed responsibility.",
    "Activists say the toll is likely to rise as bodies are recovered from the rubble.",
    "The regime has not commented on the reports.",
    "Videos posted earlier on {day} showed prisoners being freed from makeshift jails.",
    "Local sources say the road has been closed since the morning.",
    "The claimed list of victims rose to more than {n} during the day.",
    "We will post updates as more information comes in.",
    "The full set of photographs can be seen here.",
    "Throughout the day, claims escalated of prisoners freed from detention and those who died there.",
    "Residents say electricity and water have been cut for {n} days.",
)
CAPTIONS = _templates(
    "Footage from {place}:",
    "Claimed footage of the aftermath in {place}:",
    "The scene in {place} on {day}:",
    "Fighters of {group} near {place}:",
    "Celebrations tonight:",
    "A protest in {place}:",
    "Local paramedics evacuate some of the victims:",
    "{person} speaking on {day}:",
    "Insurgents in front of the hospital in {place}:",
    "A pro-regime rally in {place}:",
)
QUOTE_LEADS = _templates(
    "{person} said:",
    "{source} write:",
    "An activist in {place} writes:",
    "A spokesman for {group} said:",
)
QUOTE_BODIES = _templates(
    "{quote}. We have warned the world many times, and the world has done nothing while {place} burns.",
    "Everyone who supports {group} is responsible for what has happened in {place}. {quote}.",
    "The shelling started at six in the morning and lasted for almost two hours. {quote}.",
)
GMT_TITLES = _templates(
    "Syria (and Beyond) Live Coverage: At Least {n} Dead on {day}",
    "Syria (and Beyond) LiveBlog: {place} Under Fire",
    "Syria (and Beyond) Live Coverage: Can the Regime Recapture {place}?",
    "Syria (and Beyond) Live Coverage: {person} and the Question of {Theme}",
)
GMT_CAPTIONS = _templates(
    "Protests today in the town of {place}, north of {place2}",
    "Insurgents take over a post near {place} on {day}",
    "A march in {place}, including members of {group}",
)
GMT_SEE_ALSO = _templates(
    "See also Syria Feature: The Battle for {place}",
    "{day}'s Syria (and Beyond) Live Coverage: The Bombardment of {place} Continues",
)
GMT_LABELS = ("", "", "", "Syria. ", "Lebanon. ", "Iraq. ")


# ---------------------------------------------------------------------------
# The model of a day, and its two renderings (raw dump, reference entries)
# ---------------------------------------------------------------------------


@dataclass
class Paragraph:
    #: "text", "caption" (lost media, ends with ':') or "quote".
    kind: str
    text: str


@dataclass
class SynthEntry:
    headline: str | None
    time: str | None
    paragraphs: list[Paragraph]
    tags: list[str]


@dataclass
class SynthDay:
    seed: int
    index: int
    day: date
    fmt: str  # "latest" | "gmt"
    title: str
    lead: list[Paragraph]
    lead_tags: list[str]
    #: Newest first, as the live blog read.
    entries: list[SynthEntry]

    @property
    def file_name(self) -> str:
        return f"{self.day.isoformat()}.txt"


def _day_rng(seed: int, index: int, purpose: str) -> Random:
    return Random(f"sitegen-bench/{seed}/{index}/{purpose}")


def natural_count(seed: int, index: int) -> int:
    """How many entries day ``index`` has before any truncation: ~20, from 8 to 35."""
    rng = _day_rng(seed, index, "count")
    count = round(rng.triangular(MIN_PER_DAY, MAX_PER_DAY, MODE_PER_DAY))
    return max(MIN_PER_DAY, min(MAX_PER_DAY, count))


def day_counts(seed: int, entries: int) -> list[int]:
    """Entries per consecutive day so the total is exactly ``entries`` (the last day is cut short)."""
    counts: list[int] = []
    remaining = entries
    while remaining > 0:
        count = min(natural_count(seed, len(counts)), remaining)
        counts.append(count)
        remaining -= count
    return counts


def _prose(ctx: _Ctx, low: int, high: int) -> Paragraph:
    rng = ctx.rng
    chosen: list[Template] = []
    for _ in range(rng.randint(low, high)):
        # Many sentences name nobody, as in the real dumps; names come from the templates.
        pool = SENTENCES if rng.random() < 0.55 else PLAIN_SENTENCES
        template = rng.choice(pool)
        if template in chosen:  # one redraw: a paragraph rarely repeats itself
            template = rng.choice(pool)
        chosen.append(template)
    return Paragraph("text", " ".join(template.expand(ctx) for template in chosen))


def _body(ctx: _Ctx, paragraphs: int, media: bool) -> list[Paragraph]:
    rng = ctx.rng
    out: list[Paragraph] = []
    for i in range(paragraphs):
        roll = rng.random()
        if (media and i == 0 and roll < 0.6) or roll < 0.12:
            out.append(Paragraph("caption", rng.choice(CAPTIONS).expand(ctx)))
        elif roll < 0.18 and i < paragraphs - 1:
            out.append(Paragraph("text", rng.choice(QUOTE_LEADS).expand(ctx)))
            out.append(Paragraph("quote", rng.choice(QUOTE_BODIES).expand(ctx)))
        else:
            out.append(_prose(ctx, 1, 4))
    return out


_PARAGRAPH_COUNTS = (0, 1, 2, 3, 4)
_PARAGRAPH_WEIGHTS = (0, 32, 32, 22, 14)


def _headline(ctx: _Ctx, seen: set[str]) -> tuple[str, bool]:
    """A unique-in-the-day headline, and whether it announces media."""
    rng = ctx.rng
    attempts = 12
    for attempt in range(attempts):
        mark = len(ctx.tags)
        prefix = rng.choices(_PREFIXES, _PREFIX_WEIGHTS)[0]
        text = prefix + rng.choice(HEADLINES).expand(ctx)
        if text.lower() in seen and attempt == attempts - 1:
            text = f"Update {len(seen)}: {text}"  # a live blog's way of repeating itself
        if text.lower() not in seen:
            seen.add(text.lower())
            return text, bool(prefix)
        del ctx.tags[mark:]
    raise AssertionError("unreachable: the last attempt is made unique")


def make_day(seed: int, index: int, count: int, vocab: Vocabulary) -> SynthDay:
    """Day ``index`` (0 = 2011-01-01) with ``count`` entries, from its own rng only."""
    rng = _day_rng(seed, index, "text")
    day = FIRST_DAY + timedelta(days=index)
    ctx = _Ctx(rng, vocab, WEEKDAYS[day.weekday()])
    fmt = "gmt" if rng.random() < GMT_SHARE else "latest"
    seen: set[str] = set()
    entries: list[SynthEntry] = []
    if fmt == "gmt":
        minutes = sorted(rng.sample(range(6 * 60, 24 * 60), count), reverse=True)
        for minute in minutes:
            ctx.tags = []
            first = _prose(ctx, 1, 3)
            first.text = rng.choice(GMT_LABELS) + first.text
            more = _body(ctx, rng.choices((0, 1, 2, 3), (45, 30, 17, 8))[0], media=False)
            entries.append(SynthEntry(None, f"{minute // 60:02d}:{minute % 60:02d}", [first, *more], ctx.tags))
        ctx.tags = []
        title = rng.choice(GMT_TITLES).expand(ctx)
        lead = [Paragraph("text", rng.choice(GMT_CAPTIONS).expand(ctx))]
        if rng.random() < 0.6:
            lead.append(Paragraph("text", rng.choice(GMT_SEE_ALSO).expand(ctx)))
        return SynthDay(seed, index, day, fmt, title, lead, ctx.tags, entries)
    for _ in range(count):
        ctx.tags = []
        if rng.random() < 0.05:
            headline = rng.choice(BODYLESS_HEADLINES).expand(ctx)
            if headline.lower() not in seen:
                seen.add(headline.lower())
                entries.append(SynthEntry(headline, None, [], ctx.tags))
                continue
            ctx.tags = []
        headline, media = _headline(ctx, seen)
        if media:
            paragraphs = rng.choices((0, 1, 2, 3), (20, 45, 25, 10))[0]
        else:
            paragraphs = rng.choices(_PARAGRAPH_COUNTS, _PARAGRAPH_WEIGHTS)[0]
        if rng.random() < 0.03:
            headline, paragraphs = f"{ctx.weekday} Summary", 4
            if headline.lower() in seen:
                headline = f"{ctx.weekday} Evening Summary"
            seen.add(headline.lower())
        entries.append(SynthEntry(headline, None, _body(ctx, paragraphs, media), ctx.tags))
    ctx.tags = []
    lead = [_prose(ctx, 2, 4) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.3:
        lead.insert(rng.randrange(1, len(lead)), Paragraph("caption", rng.choice(CAPTIONS).expand(ctx)))
    top = entries[0].headline if entries else "No Entries Today"
    title = f"Syria Daily, {day.day} {MONTHS[day.month - 1]} {day.year}: {top}"
    return SynthDay(seed, index, day, fmt, title, lead, ctx.tags, entries)


def render_dump(day: SynthDay) -> tuple[str, list[int]]:
    """The raw dump text, and the 1-based line each entry (newest first) starts at."""
    rng = _day_rng(day.seed, day.index, "layout")  # spacing quirks only
    lines: list[str] = []
    starts: list[int] = []
    if day.fmt == "gmt":
        sep = [""] if rng.random() < 0.6 else []
        lines.append(day.title)
        lines.extend(p.text for p in day.lead)
        lines.append("")
        for entry in day.entries:
            starts.append(len(lines) + 1)
            assert entry.time is not None
            first, *rest = entry.paragraphs
            lines.append(f"{entry.time.replace(':', '')} GMT: {first.text}")
            lines.extend(sep)
            for paragraph in rest:
                lines.append(paragraph.text)
                lines.extend(sep)
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n", starts
    latest = day.entries[0].headline or ""
    if latest.startswith("Video: ") and rng.random() < 0.3:
        latest = "Video — " + latest[len("Video: ") :]
    lines.extend([f"LATEST: {latest}", "", ""])
    for paragraph in day.lead:
        lines.extend([paragraph.text, ""])
    for entry in day.entries:
        starts.append(len(lines) + 1)
        lines.extend([entry.headline or "", ""])
        for paragraph in entry.paragraphs:
            lines.extend([paragraph.text, ""])
            if rng.random() < 0.02:
                lines.append("")
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n", starts


_SLUG_DROP = re.compile(r"['’‘]")
_SLUG_SEP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 80) -> str:
    """Lowercase ASCII words joined by '-', cut at a word boundary (the contract's slug shape)."""
    slug = _SLUG_SEP.sub("-", _SLUG_DROP.sub("", text.lower())).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "entry"


def _markdown(paragraphs: list[Paragraph]) -> str:
    parts = []
    for paragraph in paragraphs:
        if paragraph.kind == "caption":
            parts.append(f"::: lost-media\n{paragraph.text}\n:::")
        else:
            parts.append(paragraph.text)
    return "\n\n".join(parts)


def _front_matter(fields: dict[str, object]) -> str:
    out = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, str) and key not in ("date", "kind", "slug"):
            out.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        elif isinstance(value, list):
            out.append(f"{key}: [{', '.join(value)}]")
        elif isinstance(value, bool):
            out.append(f"{key}: {'true' if value else 'false'}")
        else:
            out.append(f"{key}: {value}")
    out.append("---")
    return "\n".join(out) + "\n"


def _unique_tags(tags: list[str]) -> list[str]:
    return sorted(set(tags))


def render_reference_entries(day: SynthDay, starts: list[int]) -> Iterator[tuple[str, str]]:
    """What an ideal import of ``day`` would write: (path under content/entries, file text).

    Not used by sitegen.  The runner falls back to these for the Hugo comparison
    when sitegen's own import fails, so Hugo's numbers exist from day one.
    """
    folder = f"{day.day:%Y/%m/%d}"
    used: set[str] = set()

    def unique(slug: str) -> str:
        candidate, n = slug, 2
        while candidate in used:
            suffix = f"-{n}"
            candidate, n = slugify(slug, 80 - len(suffix)) + suffix, n + 1
        used.add(candidate)
        return candidate

    lead_slug = unique(slugify(day.title))
    lead_fields: dict[str, object] = {
        "title": day.title,
        "date": day.day.isoformat(),
        "seq": 0,
        "kind": "lead",
        "slug": lead_slug,
        "tags": _unique_tags(day.lead_tags),
        "source": f"{day.file_name}:1",
    }
    yield f"{folder}/00-{lead_slug}.md", _front_matter(lead_fields) + "\n" + _markdown(day.lead) + "\n"
    total = len(day.entries)
    for position, (entry, start) in enumerate(zip(day.entries, starts, strict=True)):
        seq = total - position
        first = entry.paragraphs[0].text if entry.paragraphs else ""
        for label in GMT_LABELS:
            if label and first.startswith(label):
                first = first[len(label) :]  # "Syria. Text…": the label is not the title
        title = entry.headline or first.split(". ")[0][:80].rstrip(" .")
        slug = unique(slugify(title))
        fields: dict[str, object] = {
            "title": title,
            "date": day.day.isoformat(),
            "time": entry.time,
            "seq": seq,
            "kind": "entry",
            "slug": slug,
            "tags": _unique_tags(entry.tags),
            "latest": True if position == 0 and day.fmt == "latest" else None,
            "source": f"{day.file_name}:{start}",
        }
        yield f"{folder}/{seq:02d}-{slug}.md", _front_matter(fields) + "\n" + _markdown(entry.paragraphs) + "\n"


def _dumps_toml_block(day: SynthDay) -> str:
    slug = slugify(day.title, 60)
    return (
        f'\n["{day.file_name}"]\n'
        f"date = {day.day.isoformat()}\n"
        f"title = {json.dumps(day.title, ensure_ascii=False)}\n"
        f'url = "https://liveblog.example.org/{day.day:%Y/%m}/{slug}/"\n'
    )


# ---------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------


@dataclass
class GenerateStats:
    """What a generation produced; the runner records it next to the timings."""

    entries: int = 0
    days: int = 0
    gmt_days: int = 0
    bodyless: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    topic_entries: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "entries": self.entries,
            "days": self.days,
            "gmt_days": self.gmt_days,
            "bodyless_entries": self.bodyless,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "top_topics": dict(sorted(self.topic_entries.items(), key=lambda kv: (-kv[1], kv[0]))[:5]),
        }


def _write(path: Path, text: str, stats: GenerateStats) -> None:
    data = text.encode("utf-8")
    path.write_bytes(data)
    stats.files += 1
    stats.bytes += len(data)


def site_toml(title: str, search: str) -> str:
    """site.toml using only keys the config contract allows."""
    return (
        f"title = {json.dumps(title)}\n"
        'base_url = "https://bench.example.org/"\n'
        'description = "A synthetic live blog archive for benchmarking sitegen."\n'
        'language = "en"\n'
        'theme = "default"\n'
        "feed_length = 50\n"
        "page_size = 50\n"
        "home_days = 7\n"
        f'search = "{search}"\n'
    )


def _count_day(day: SynthDay, stats: GenerateStats) -> None:
    stats.days += 1
    stats.entries += len(day.entries)
    stats.gmt_days += day.fmt == "gmt"
    stats.bodyless += sum(1 for e in day.entries if not e.paragraphs)
    for entry in day.entries:
        stats.topic_entries.update(set(entry.tags))


def generate_site(
    out: Path,
    entries: int,
    seed: int = DEFAULT_SEED,
    *,
    search: str = "off",
    topics_path: Path | None = REPO_TOPICS,
    reference_entries: Path | None = None,
    imported: bool = False,
) -> GenerateStats:
    """Write a complete site with exactly ``entries`` entries into ``out`` (created; must be empty or absent).

    ``reference_entries``, when given, also receives the generator's own idea
    of the imported Markdown (see :func:`render_reference_entries`).
    ``imported=True`` writes that Markdown as the site's content/entries and
    no raw dumps at all: a site "after import", to time the build on its own.
    """
    started = time.perf_counter()
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out}: not empty; the generator only writes into a fresh folder")
    raw = out / "content" / "raw"
    raw.mkdir(parents=True)
    if imported:
        reference_entries = out / "content" / "entries"
    stats = GenerateStats()
    specs, topics_text = load_topic_specs(topics_path)
    _write(out / "content" / "topics.toml", topics_text, stats)
    _write(out / "site.toml", site_toml(f"Synthetic live blog ({entries} entries, seed {seed})", search), stats)
    vocab = Vocabulary(specs)
    toml_parts = ["# What a dump does not say about itself (benchmarks/generate.py).\n"]
    made_dirs: set[Path] = set()
    for index, count in enumerate(day_counts(seed, entries)):
        day = make_day(seed, index, count, vocab)
        text, starts = render_dump(day)
        _write(raw / day.file_name, text, stats)
        toml_parts.append(_dumps_toml_block(day))
        _count_day(day, stats)
        if reference_entries is not None:
            _write_reference(day, starts, reference_entries, made_dirs)
    _write(raw / "dumps.toml", "".join(toml_parts), stats)
    if imported:
        shutil.rmtree(raw)  # rendered anyway: the entries' source lines come from the dump text
        stats.bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        stats.files = sum(1 for p in out.rglob("*") if p.is_file())
    stats.seconds = time.perf_counter() - started
    return stats


def _write_reference(day: SynthDay, starts: list[int], folder: Path, made_dirs: set[Path]) -> int:
    written = 0
    for rel, body in render_reference_entries(day, starts):
        path = folder / rel
        if path.parent not in made_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(path.parent)
        path.write_text(body, encoding="utf-8")
        written += 1
    return written


def write_reference_entries(out: Path, entries: int, seed: int = DEFAULT_SEED, topics_path: Path | None = None) -> int:
    """Only the reference Markdown of a site generated with the same arguments; returns the file count.

    ``topics_path`` should be the generated site's content/topics.toml, so the
    names (and so the text) match the site's dumps exactly.
    """
    specs, _ = load_topic_specs(topics_path)
    vocab = Vocabulary(specs)
    made_dirs: set[Path] = set()
    written = 0
    for index, count in enumerate(day_counts(seed, entries)):
        day = make_day(seed, index, count, vocab)
        _, starts = render_dump(day)
        written += _write_reference(day, starts, out, made_dirs)
    return written


def _next_day_index(site: Path) -> int:
    """Days run consecutively from FIRST_DAY, so the next index follows the latest day present."""
    raw = site / "content" / "raw"
    if raw.is_dir():
        return len(list(raw.glob("????-??-??.txt")))
    days = [p for p in (site / "content" / "entries").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]")]
    if not days:
        return 0
    latest = max(date(int(p.parent.parent.name), int(p.parent.name), int(p.name)) for p in days)
    return (latest - FIRST_DAY).days + 1


def append_day(site: Path, seed: int = DEFAULT_SEED, reference_entries: Path | None = None) -> Path:
    """Add the next day's dump and its dumps.toml block, as a live blog's new day would arrive.

    The day is the one a longer run with the same seed would have generated at
    that position (at its natural size), so it is deterministic too.  A site
    made with ``imported=True`` (no content/raw) gets the day's entry files instead.
    """
    raw = site / "content" / "raw"
    index = _next_day_index(site)
    specs, _ = load_topic_specs(site / "content" / "topics.toml")
    day = make_day(seed, index, natural_count(seed, index), Vocabulary(specs))
    text, starts = render_dump(day)
    if not raw.is_dir():
        folder = site / "content" / "entries"
        _write_reference(day, starts, folder, set())
        return folder / f"{day.day:%Y/%m/%d}"
    path = raw / day.file_name
    path.write_bytes(text.encode("utf-8"))
    with (raw / "dumps.toml").open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(_dumps_toml_block(day))
    if reference_entries is not None:
        _write_reference(day, starts, reference_entries, set())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to create the site in (must be empty or absent)")
    parser.add_argument("--entries", type=int, required=True, help="number of entries (not counting day leads)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--search", choices=("off", "auto", "required"), default="off", help="site.toml search")
    parser.add_argument(
        "--topics",
        default=str(REPO_TOPICS),
        help="topics.toml to use, or 'builtin' (default: the repository's, else builtin)",
    )
    parser.add_argument("--reference-entries", type=Path, help="also write the ideal imported Markdown here")
    parser.add_argument(
        "--imported",
        action="store_true",
        help="write that Markdown as content/entries and no raw dumps (a site after import)",
    )
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    topics = None if args.topics == "builtin" else Path(args.topics)
    stats = generate_site(
        args.out,
        args.entries,
        args.seed,
        search=args.search,
        topics_path=topics,
        reference_entries=args.reference_entries,
        imported=args.imported,
    )
    top = ", ".join(f"{slug} {n}" for slug, n in stats.as_dict()["top_topics"].items())  # type: ignore[attr-defined]
    print(
        f"{args.out}: {stats.entries} entries over {stats.days} days ({stats.gmt_days} in GMT format, "
        f"{stats.bodyless} without body); {stats.files} files, {stats.bytes:,} bytes in {stats.seconds:.2f} s",
    )
    print(f"most tagged topics (entries): {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
