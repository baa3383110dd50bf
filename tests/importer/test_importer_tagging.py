"""Topic tagging (whole words, case and diacritics, spelling variants) and the topics report."""

from __future__ import annotations

from pathlib import Path

import pytest
from importer_helpers import REPO, quiet

from sitegen.importer import import_dumps, topics_report
from sitegen.model import Topic
from sitegen.tagging import Tagger, alias_slots, normalize
from sitegen.topics import load_topics

TOPICS = (
    Topic("isis", "ISIS", "group", ("ISIS", "Islamic State", "Islamic State of Iraq and as-Sham", "Baghdadi")),
    Topic("iraq", "Iraq", "place", ("Iraq",)),
    Topic("deir-ez-zor", "Deir ez-Zor", "place", ("Deir ez-Zor",)),
    Topic("al-bab", "al-Bab", "place", ("al-Bab",)),
    Topic("tel-rifaat", "Tel Rifaat", "place", ("Tel Rifaat",)),
    Topic("hama", "Hama", "place", ("Hama",)),
    Topic("ahrar-al-sham", "Ahrar al-Sham", "group", ("Ahrar al-Sham",)),
    Topic("ceasefire", "Ceasefire", "theme", ("cease-fire",)),
    Topic("video", "Video", "media", ("Video", "Videos", "Claimed Video", "Video Claim", "Footage")),
    Topic("photos", "Photos", "media", ("Photos", "Images")),
)
TAGGER = Tagger(TOPICS)


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("Islamic State of Iraq and as-Sham fighters", ("isis",)),
        ("Islamic State of Iraq and al-Sham", ("isis",)),
        ("ISLAMIC STATE OF IRAQ AND ASH-SHAM", ("isis",)),
        ("Islamic State of Iraq and Sham, in Iraq", ("isis", "iraq")),  # the longer alias wins, Iraq later
        ("ISIS’s departure from Aleppo", ("isis",)),
        ("Mayadeen in Deir Ez Zor Province", ("deir-ez-zor",)),
        ("Deir ez-Zor", ("deir-ez-zor",)),
        ("Deir Ezzor", ("deir-ez-zor",)),
        ("Deir el-Zor", ("deir-ez-zor",)),
        ("fighting in al-Bab", ("al-bab",)),
        ("the Bab al-Hawa crossing", ()),  # a leading article is required
        ("a school in Tel Rif’aat", ("tel-rifaat",)),
        ("Ahrar ash-Sham and Ahrar Al Sham", ("ahrar-al-sham",)),
        ("Ḥamā countryside", ("hama",)),  # diacritics
        ("Hamas and the crisis", ()),  # whole words only
        ("a ceasefire, a cease fire", ("ceasefire",)),
    ],
)
def test_aliases_match_the_blog_spelling_variants(text: str, tags: tuple[str, ...]) -> None:
    assert TAGGER.tags(text) == tags


def test_media_topics_come_from_headline_prefixes_only() -> None:
    assert TAGGER.tags("Some video was posted.") == ()
    assert TAGGER.tags("x", "Claimed Video: Prisoners Executed") == ("video",)
    assert TAGGER.tags("x", "Video Claim: Kurds Drive ISIS Out") == ("video",)
    assert TAGGER.tags("x", "Footage Of Air Raids In Daraya") == ("video",)
    assert TAGGER.tags("x", "Images of Aftermath of Airstrikes") == ("photos",)
    assert TAGGER.tags("x", "Civilians In Adra Face Terrible Conditions, Video Report Says") == ()


def test_tags_are_in_order_of_first_mention_then_media() -> None:
    assert TAGGER.tags("Hama, then Baghdadi, then Hama", "Videos: x") == ("hama", "isis", "video")


def test_normalisation_and_alias_slots() -> None:
    assert normalize("Rif’aat ISIS’s “Hasakéh” Deir-ez-Zor") == "rifaat isis hasakeh deir ez zor"
    assert alias_slots("al-") == ()
    assert [kind for kind, _ in alias_slots("Islamic State of Iraq and as-Sham")][-2:] == [2, 0]


def test_the_curated_topics_file_is_valid_and_tags_the_seeds() -> None:
    topics = load_topics(REPO)
    assert 25 <= len(topics) <= 40
    assert {t.kind for t in topics} == {"group", "place", "person", "theme", "media"}
    tagger = Tagger(topics)
    assert tagger.tags("Islamic State of Iraq Bombings Tonight. Mayadeen in Deir Ez Zor Province.") == (
        "isis",
        "deir-ez-zor",
    )


def test_topics_report_counts_and_suggests(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    report = topics_report(seed_site)
    isis_line = next(line for line in report.splitlines() if line.strip().startswith("isis "))
    assert isis_line.split()[-2:] == ["13", "13"]
    assert "Frequent names no topic covers yet" in report
    assert "Qamishli" in report and "Mayadeen" in report
    (seed_site / "content" / "topics.toml").write_text(
        (REPO / "content" / "topics.toml").read_text()
        + '\n[mayadeen]\nname = "Mayadeen"\nkind = "place"\naliases = ["Mayadeen"]\n'
    )
    report = topics_report(seed_site)
    assert "Mayadeen" not in report.split("Frequent names")[1]
    mayadeen = next(line for line in report.splitlines() if line.strip().startswith("mayadeen "))
    assert mayadeen.split()[-2:] == ["2", "0"]  # tags now, not yet in the files
