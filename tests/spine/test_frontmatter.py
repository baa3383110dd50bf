"""Front matter: one broken file per error message (input paired with the expected line: message)."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import SitegenError
from sitegen.frontmatter import dump_entry, parse_entry

CASES = sorted((Path(__file__).parent.parent / "fixtures" / "frontmatter").glob("*.md"))


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_each_broken_file_gives_its_one_line_error(case: Path) -> None:
    expected = case.with_suffix(".err").read_text(encoding="utf-8").strip()
    with pytest.raises(SitegenError) as caught:
        parse_entry(case.read_bytes(), case, PurePosixPath(case.name))
    assert f"{caught.value.line}: {caught.value.message}" == expected
    assert str(caught.value) == f"{case}:{expected}"


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("---\ntitle: 5\ndate: soon\nseq: 1\nkind: post\nslug: ok\n---\n", encoding="utf-8")
    with pytest.raises(SitegenError) as caught:
        parse_entry(path.read_bytes(), path, PurePosixPath("x.md"))
    assert [problem.line for problem in caught.value.problems] == [2, 3, 5]


def test_unquoted_time_that_yaml_reads_as_sexagesimal_is_understood(tmp_path: Path) -> None:
    raw = b"---\ntitle: T\ndate: 2014-01-08\ntime: 21:05\nseq: 1\nkind: entry\nslug: t\n---\n"
    assert parse_entry(raw, tmp_path / "t.md", PurePosixPath("t.md")).time == "21:05"


def test_date_written_as_a_quoted_string_is_accepted(tmp_path: Path) -> None:
    raw = b"---\ntitle: T\ndate: '2014-01-08'\nseq: 1\nkind: entry\nslug: t\n---\n"
    assert parse_entry(raw, tmp_path / "t.md", PurePosixPath("t.md")).date == date(2014, 1, 8)


def test_undecodable_bytes_are_a_user_error_with_a_line(tmp_path: Path) -> None:
    raw = b"---\ntitle: T\n\xff\xfe\n---\n"
    with pytest.raises(SitegenError) as caught:
        parse_entry(raw, tmp_path / "t.md", PurePosixPath("t.md"))
    assert (caught.value.line, caught.value.message) == (3, "entry file is not valid UTF-8")


titles = st.text(min_size=1).filter(lambda text: text.strip() and "\x00" not in text)
bodies = st.text().filter(lambda text: "\x00" not in text)


@given(title=titles, body=bodies, tags=st.lists(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8})?", fullmatch=True)))
def test_any_front_matter_round_trips(title: str, body: str, tags: list[str]) -> None:
    meta = {"title": title, "date": date(2014, 1, 8), "seq": 3, "kind": "entry", "slug": "s", "tags": tags}
    text = dump_entry(meta, body)
    entry = parse_entry(text.encode("utf-8"), Path("x.md"), PurePosixPath("x.md"))
    assert entry.title == title.strip()
    assert entry.tags == tuple(tags)
    expected = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    assert entry.body.strip("\n") == expected or not body.strip()


@given(st.one_of(st.text(), st.from_regex(r"[A-Za-z][\w ,.'’“”()?!&-]{0,40}", fullmatch=True), st.integers()))
def test_the_fast_scalar_writer_matches_pyyaml_exactly(value: object) -> None:
    """Byte for byte what PyYAML writes, except text with U+0085, where PyYAML's own output does not round-trip."""
    import yaml

    from sitegen.frontmatter import _scalar

    style = '"' if isinstance(value, str) and "\x85" in value else None
    expected = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30, default_style=style)
    assert _scalar(value) == expected.removesuffix("\n...\n").rstrip("\n")
    assert yaml.safe_load(_scalar(value)) == value


def test_a_title_with_a_next_line_character_round_trips() -> None:
    meta = {"title": "Before\x85after", "date": date(2014, 1, 8), "seq": 3, "kind": "entry", "slug": "s"}
    text = dump_entry(meta, "")
    assert parse_entry(text.encode("utf-8"), Path("x.md"), PurePosixPath("x.md")).title == "Before\x85after"
