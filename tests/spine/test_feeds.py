"""Feeds, parsed back with feedparser: valid, absolute, full content, deterministic order."""

from __future__ import annotations

from pathlib import Path

import feedparser


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_rss_has_self_link_absolute_items_and_full_content(built_fixture: Path) -> None:
    feed = parse(built_fixture / "feed.xml")
    assert feed.version == "rss20"
    assert any(link.rel == "self" and link.href == "https://example.org/feed.xml" for link in feed.feed.links)
    titles = [item.title for item in feed.entries]
    assert titles[:3] == ["Aleppo Again", "State TV: Car Bomb in Hama Province Kills 17", "Syria Daily, 9 January"]
    assert "A Draft Entry" not in titles
    assert all(item.link.startswith("https://example.org/20") for item in feed.entries)
    car_bomb = feed.entries[1]
    assert '<pre class="highlight">' in car_bomb.content[0].value


def test_entries_without_a_time_keep_the_day_order_and_get_no_invented_time(built_fixture: Path) -> None:
    feed = parse(built_fixture / "feed.xml")
    day = [item for item in feed.entries if item.link.startswith("https://example.org/2014/01/08/")]
    assert [item.title for item in day] == [
        "Islamic State of Iraq Bombings Tonight",
        "Footage Of Air Raids In Daraya",
        "Tuesday Summary",
        "Syria Daily, 8 January: Insurgents take Aleppo",
    ]
    stated = day[0].published_parsed
    assert (stated.tm_hour, stated.tm_min) == (21, 5)
    unstated = day[1].published_parsed
    assert (unstated.tm_hour, unstated.tm_min) == (0, 0)


def test_atom_parses_with_ids_and_dates_from_the_content(built_fixture: Path) -> None:
    feed = parse(built_fixture / "atom.xml")
    assert feed.version == "atom10"
    assert feed.feed.updated.startswith("2014-02-01T09:30:00")
    assert len({item.id for item in feed.entries}) == len(feed.entries) == 7


def test_every_topic_has_its_own_feed(built_fixture: Path) -> None:
    feed = parse(built_fixture / "topics/isis/feed.xml")
    assert feed.feed.title == "Fixture Live Archive: Islamic State (ISIS)"
    assert [item.title for item in feed.entries] == [
        "Islamic State of Iraq Bombings Tonight",
        "Tuesday Summary",
        "Syria Daily, 8 January: Insurgents take Aleppo",
    ]
