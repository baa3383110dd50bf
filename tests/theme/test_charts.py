"""The build-time SVG charts and JSON-LD serialisation, as units."""

from __future__ import annotations

import json
import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sitegen.charts import day_label, entries_label, level, recent_heatmap, sparkline, year_heatmap
from sitegen.config import SiteConfig
from sitegen.index import Day, Month, Section, Year
from sitegen.jsonld import blog_posting, coverage, json_ld, live_blog_posting
from sitegen.model import Entry

SITE = SiteConfig(title="T", base_url="https://example.org/a/")


def entry(
    day: date, seq: int, *, time: str | None = None, title: str = "An entry", tags: tuple[str, ...] = ()
) -> Entry:
    return Entry(
        path=f"{day:%Y/%m/%d}/{seq:02d}.md",
        title=title,
        date=day,
        time=time,
        seq=seq,
        kind="lead" if seq == 0 else "entry",
        slug="lead" if seq == 0 else f"e{seq}",
        tags=tags,
        latest=False,
        source="d.txt:1",
        draft=False,
        aliases=(),
        summary=None,
        body="Body.",
        body_line=8,
        digest=f"{day}{seq}",
    )


def make_day(day: date, count: int, times: tuple[str | None, ...] = ()) -> Day:
    entries = [entry(day, seq, time=times[seq - 1] if len(times) >= seq else None) for seq in range(1, count + 1)]
    return Day(date=day, sections=(Section(dump="d.txt", lead=entry(day, 0), entries=tuple(reversed(entries))),))


def url(path: str = "") -> str:
    return "/a/" + path


def links(svg: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"><title>([^<]+)</title>', svg)


def test_labels_read_like_the_calendar() -> None:
    assert day_label(date(2014, 1, 8), 16) == "Wed 8 Jan 2014: 16 entries"
    assert entries_label(1) == "1 entry"
    assert entries_label(0) == "summary only"


def test_levels_use_the_whole_scale() -> None:
    assert [level(count, 20) for count in (1, 5, 6, 10, 11, 15, 16, 20)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert level(0, 0) == 1


def test_year_heatmap_links_every_day_with_entries_and_only_those() -> None:
    days = (make_day(date(2014, 1, 8), 16), make_day(date(2014, 2, 1), 1), make_day(date(2014, 12, 31), 0))
    year = Year(year=2014, months=(Month(2014, 1, days[:1]), Month(2014, 2, days[1:2]), Month(2014, 12, days[2:])))
    svg = str(year_heatmap(year, url))
    assert links(svg) == [
        ("/a/2014/01/08/", "Wed 8 Jan 2014: 16 entries"),
        ("/a/2014/02/01/", "Sat 1 Feb 2014: 1 entry"),
        ("/a/2014/12/31/", "Wed 31 Dec 2014: summary only"),
    ]
    # 365 days: 3 links, 362 grey squares in one path.
    assert svg.count("h10v10h-10z") == 365
    assert 'role="group" aria-label="Entries per day in 2014"' in svg
    assert re.findall(r"<text[^>]*>([A-Z][a-z]{2})</text>", svg)[:3] == ["Jan", "Feb", "Mar"]


def test_recent_heatmap_ends_on_the_last_day_and_spans_at_most_53_weeks() -> None:
    days = (*(make_day(date(2012, 1, 2 + n), 1) for n in range(3)), make_day(date(2014, 3, 5), 2))
    svg = str(recent_heatmap(days, url))
    assert [href for href, _ in links(svg)] == ["/a/2014/03/05/"]
    assert "to 5 March 2014" in svg
    assert str(recent_heatmap((), url)) == ""


def test_a_short_archive_is_drawn_larger_but_never_more_than_twice() -> None:
    short = str(recent_heatmap((make_day(date(2014, 1, 8), 3),), url))
    width = int(re.search(r'width="(\d+)"', short).group(1))  # type: ignore[union-attr]
    box = int(re.search(r'viewBox="0 0 (\d+)', short).group(1))  # type: ignore[union-attr]
    assert width == 2 * box


def test_charts_are_deterministic() -> None:
    days = tuple(make_day(date(2014, 1, n), n) for n in range(1, 29))
    year = Year(2014, (Month(2014, 1, days),))
    assert str(year_heatmap(year, url)) == str(year_heatmap(year, url))
    entries = [e for day in days for e in day.entries]
    assert str(sparkline(entries, "X")) == str(sparkline(entries, "X"))


def test_sparkline_has_a_bar_per_active_month_and_an_accessible_summary() -> None:
    entries = [entry(date(2014, 1, 8), 1), entry(date(2014, 1, 9), 1), entry(date(2014, 4, 1), 1)]
    svg = str(sparkline(entries, 'A "topic" <b>'))
    assert svg.count("h3v") == 2  # January and April; February and March are empty
    assert (
        'aria-label="A &#34;topic&#34; &lt;b&gt;: 3 entries, Jan 2014 to Apr 2014; busiest month Jan 2014 (2)"' in svg
    )
    assert "<b>" not in svg
    assert str(sparkline([], "x")) == ""


def test_json_ld_cannot_close_its_script_element() -> None:
    hostile = '</script><script>alert("x")</script> & <!-- \u2028'
    markup = str(json_ld({"headline": hostile}))
    inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"headline": hostile}


@given(st.text())
def test_json_ld_round_trips_any_text(text: str) -> None:
    inner = str(json_ld({"t": text}))[len('<script type="application/ld+json">') : -len("</script>")]
    assert "</" not in inner
    assert json.loads(inner) == {"t": text}


def test_coverage_uses_stated_times_and_never_invents_them() -> None:
    assert coverage(make_day(date(2014, 1, 8), 3, ("08:15", None, "21:05"))) == (
        "2014-01-08T08:15:00",
        "2014-01-08T21:05:00",
    )
    assert coverage(make_day(date(2014, 1, 8), 2)) == ("2014-01-08T00:00:00", "2014-01-08T23:59:59")


def test_live_blog_posting_has_one_update_per_entry_newest_first() -> None:
    day = make_day(date(2014, 1, 8), 3, ("08:15", None, "21:05"))
    data = live_blog_posting(day, SITE, {}, lambda entry, words: f"text of {entry.slug}")
    assert data["@type"] == "LiveBlogPosting"
    assert [update["url"] for update in data["liveBlogUpdate"]] == [
        "https://example.org/a/2014/01/08/e3/",
        "https://example.org/a/2014/01/08/e2/",
        "https://example.org/a/2014/01/08/e1/",
    ]
    assert [update["datePublished"] for update in data["liveBlogUpdate"]] == [
        "2014-01-08T21:05:00",
        "2014-01-08",
        "2014-01-08T08:15:00",
    ]


def test_blog_posting_is_part_of_its_day() -> None:
    day = make_day(date(2014, 1, 8), 1)
    data = blog_posting(day.entries[0], day, SITE, {}, "About it")
    assert data["isPartOf"]["@id"] == "https://example.org/a/2014/01/08/"
    assert data["description"] == "About it"
