"""``read_entry`` is ``parse_entry``: same Entry, same errors, PyYAML only off the canonical path."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from importer_helpers import REPO, TESTS, quiet

from sitegen import canonical
from sitegen.canonical import read_entry
from sitegen.errors import SitegenError
from sitegen.frontmatter import dump_entry, parse_entry
from sitegen.importer import conserve, import_dumps

BROKEN = sorted((TESTS / "fixtures" / "frontmatter").glob("*.md"))
HERE = PurePosixPath("x.md")


def outcome(reader: object, raw: bytes) -> object:
    """The Entry, or the error's problems: what a caller of either reader can observe."""
    try:
        return reader(raw, Path("x.md"), HERE)  # type: ignore[operator]
    except SitegenError as exc:
        return exc.problems
    except ValueError as exc:  # parse_entry lets PyYAML's "day is out of range" through
        return repr(exc)


@settings(max_examples=400)
@given(
    title=st.one_of(st.text(min_size=1), st.from_regex(r"[A-Z0-9][\w ,.'’:#…-]{0,30}", fullmatch=True)),
    time=st.one_of(st.none(), st.from_regex(r"[0-2][0-9]:[0-5][0-9]", fullmatch=True)),
    tags=st.lists(st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6})?", fullmatch=True), max_size=3),
    latest=st.sampled_from([None, True]),
    body=st.text(max_size=40),
)
def test_any_written_entry_reads_the_same_as_with_pyyaml(
    title: str, time: str | None, tags: list[str], latest: bool | None, body: str
) -> None:
    meta = {"title": title, "date": date(2014, 1, 8), "time": time, "seq": 3, "kind": "entry", "slug": "s-1"}
    meta.update(tags=tags or None, latest=latest, source="2014-01-08.txt:12")
    raw = dump_entry(meta, body).encode("utf-8")
    assert outcome(read_entry, raw) == outcome(parse_entry, raw)


@pytest.mark.parametrize("case", BROKEN, ids=[case.stem for case in BROKEN])
def test_broken_files_give_the_build_s_error(case: Path) -> None:
    raw = case.read_bytes()
    assert outcome(read_entry, raw) == outcome(parse_entry, raw)


@pytest.mark.parametrize(
    "front",
    [
        "title: a: b",  # plain text YAML would read as a nested mapping
        "title: 'it''s' # comment",
        "title: yes",
        "seq: 017",
        "date: 2014-02-30",
        "tags: [yes, no]",
        "tags: [a,b]",
        "title: x\ntitle: y",
        "title: '\u0085'",
        "title: 'tab\there'",
        "  title: indented",
        "",
    ],
)
def test_anything_outside_the_canonical_form_is_read_by_pyyaml(front: str) -> None:
    raw = f"---\n{front}\ndate: 2014-01-08\nseq: 1\nkind: entry\nslug: s\n---\nBody\n".encode()
    assert outcome(read_entry, raw) == outcome(parse_entry, raw)


def test_import_s_own_files_never_need_pyyaml(seed_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the read-back: on real dumps every file takes the canonical path."""
    fallbacks: list[PurePosixPath] = []

    def counted(raw: bytes, path: Path, rel: PurePosixPath) -> object:
        fallbacks.append(rel)
        return parse_entry(raw, path, rel)

    monkeypatch.setattr(canonical, "parse_entry", counted)
    report = import_dumps(seed_site, echo=quiet)
    assert report.written and fallbacks == []
    root = seed_site / "content" / "entries"
    for path in sorted(root.rglob("*.md")):
        raw = path.read_bytes()
        assert read_entry(raw, path, HERE) == parse_entry(raw, path, HERE)


def test_the_committed_archive_reads_the_same_both_ways() -> None:
    for path in sorted((REPO / "content" / "entries").rglob("*.md")):
        raw = path.read_bytes()
        assert outcome(read_entry, raw) == outcome(parse_entry, raw), path


def test_conservation_still_reads_the_bytes_to_be_written(seed_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quoting bug in the writer (a title written plain that YAML reads otherwise) stops the import."""
    from sitegen import frontmatter

    real = frontmatter._scalar

    def unquoted(value: object) -> str:
        return str(value) if isinstance(value, str) and value.startswith("Video:") else real(value)

    monkeypatch.setattr(frontmatter, "_scalar", unquoted)
    with pytest.raises(SitegenError) as caught:
        import_dumps(seed_site, echo=quiet)
    assert caught.value.path is not None and caught.value.path.suffix == ".md"
    assert "front matter" in caught.value.message
    assert not (seed_site / "content" / "entries").exists()
    assert conserve.read_entry is read_entry
