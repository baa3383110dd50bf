"""content/topics.toml: every problem reported at once, each with the line of its topic's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.topics import parse_topics

BROKEN = """\
[aleppo]
name = "Aleppo"
kind = "place"

["Homs City"]
name = "Homs"
kind = "place"

[isis]
name = "ISIS"
kind = "group"
colour = "black"

[video]
name = "Video"
kind = "clip"

[assad]
name = "Bashar al-Assad"
kind = "person"
aliases = ["Assad", ""]
"""


def test_every_topic_problem_is_reported_with_its_table_line() -> None:
    with pytest.raises(SitegenError) as caught:
        parse_topics(BROKEN, Path("content/topics.toml"))
    found = [(problem.line, problem.message) for problem in caught.value.problems]
    assert found == [
        (5, "topic key 'Homs City' must be lowercase ASCII words joined by '-'"),
        (9, "topic 'isis': unknown key 'colour'"),
        (14, "topic 'video': kind must be one of group, place, person, theme, media"),
        (18, "topic 'assad': 'aliases' must be a list of strings"),
    ]


def test_valid_topics_come_back_sorted_by_slug() -> None:
    topics = parse_topics('[b]\nname = "B"\nkind = "place"\n\n[a]\nname = "A"\nkind = "group"\n', Path("t.toml"))
    assert [topic.slug for topic in topics] == ["a", "b"]
