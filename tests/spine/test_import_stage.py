"""``sitegen build`` runs the importer only when something it reads changed: by content, stats say what to read."""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

import sitegen.build
import sitegen.importer
import sitegen.markdown
import sitegen.parallel
from sitegen import fingerprint, incremental, scan
from sitegen.build import build
from sitegen.cache import BuildCache, Memo
from sitegen.progress import Progress
from sitegen.scan import read_entry_files
from tests.conftest import copy_bundled_site
from tests.spine.helpers import snapshot


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled archive, built once; stats are trusted however recent (tests write files just before building)."""
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))
    site = copy_bundled_site(tmp_path / "site")
    build(site)
    return site


@pytest.fixture
def import_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = sitegen.importer.import_dumps

    def spy(site_dir: Path, *args: object, **kwargs: object) -> object:
        calls.append(site_dir)
        return real(site_dir, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sitegen.importer, "import_dumps", spy)
    return calls


def test_nothing_the_importer_reads_changed_so_it_is_not_run(site: Path, import_calls: list[Path]) -> None:
    build(site)
    assert import_calls == []


def test_an_edited_dump_is_imported_and_shown(site: Path, import_calls: list[Path]) -> None:
    dump = site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    text = dump.read_text(encoding="utf-8")
    lead_end = text.index("\n\n", text.index("Wednesday"))
    time.sleep(0.01)
    dump.write_text(text[:lead_end] + " A sentence added by the archivist." + text[lead_end:], encoding="utf-8")
    build(site)
    assert import_calls == [site]
    day = (site / "public" / "2014" / "01" / "09" / "index.html").read_text(encoding="utf-8")
    assert "A sentence added by the archivist." in day


def test_a_build_that_imports_lists_the_hand_edits_it_kept_not_each_dump(site: Path) -> None:
    """A first build of a 2,500-day archive would print a line per dump; a build prints what needs the editor's
    eye (a hand edit the import did not overwrite), where ``sitegen import`` lists every dump."""
    lead = (
        site
        / "content"
        / "entries"
        / "2014"
        / "01"
        / "09"
        / "00-syria-daily-9-january-2014-after-aleppo-where-next-for-isis.md"
    )
    lead.write_text(lead.read_text(encoding="utf-8") + "\nA hand edit.\n", encoding="utf-8")
    dump = site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    text = dump.read_text(encoding="utf-8")
    lead_end = text.index("\n\n", text.index("Wednesday"))
    dump.write_text(text[:lead_end] + " A sentence added by the archivist." + text[lead_end:], encoding="utf-8")
    stream = io.StringIO()  # not a terminal
    build(site, progress=Progress(stream=stream))
    lines = stream.getvalue().splitlines()
    assert lines[0] == f"  kept content/entries/2014/01/09/{lead.name}: edited since import; --force overwrites it"
    assert not [line for line in lines if dump.name in line]
    assert lines[1:] == ["1 other dump(s) unchanged"]
    assert "A hand edit." in lead.read_text(encoding="utf-8")


def test_an_edited_topic_list_runs_the_importer(site: Path, import_calls: list[Path]) -> None:
    topics = site / "content" / "topics.toml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    build(site)
    assert import_calls == [site]


def test_inputs_too_recent_to_trust_are_read_again_and_then_trusted(
    site: Path, import_calls: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan, "RACY_NS", 10**12)  # every stat is "too recent" to prove anything
    build(site)
    assert import_calls == [], "the same bytes, read again, prove the importer would write nothing"
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        _key, inputs = fingerprint.import_inputs(site, cache.import_files())
    assert inputs.files and all(source.raw is None for source in inputs.files), "what was read again was recorded"


def test_an_edit_within_the_window_is_imported(
    site: Path, import_calls: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan, "RACY_NS", 10**12)
    dump = site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace("Wednesday", "Wednesdax", 1), encoding="utf-8")
    build(site)
    assert import_calls == [site]


def test_a_dump_saved_while_the_import_runs_is_imported_by_the_next_build(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    topics = site / "content" / "topics.toml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    real = sitegen.importer.import_dumps

    def import_then_save(site_dir: Path, *args: object, **kwargs: object) -> object:
        report = real(site_dir, *args, **kwargs)  # type: ignore[arg-type]
        text = dump.read_text(encoding="utf-8")
        dump.write_text(text.replace("Wednesday", "Wednesday (saved late)", 1), encoding="utf-8")
        return report

    monkeypatch.setattr(sitegen.importer, "import_dumps", import_then_save)
    build(site)  # imports the topics change; the dump changes after the importer read it
    monkeypatch.setattr(sitegen.importer, "import_dumps", real)
    build(site)
    day = (site / "public" / "2014" / "01" / "09" / "index.html").read_text(encoding="utf-8")
    assert "Wednesday (saved late)" in day


def test_a_dangling_link_among_the_dumps_does_not_break_the_check(site: Path, import_calls: list[Path]) -> None:
    (site / "content" / "raw" / "link-to-nowhere").symlink_to(site / "nowhere.txt")
    build(site)  # whatever the importer makes of it, the check itself must not fail
    import_calls.clear()
    build(site)
    assert import_calls == []


def _fresh_import(target: Path) -> Path:
    """The bundled archive under ``target`` with its entries gone, so the next build imports every dump."""
    site = copy_bundled_site(target)
    shutil.rmtree(site / "content" / "entries")
    (site / "content" / ".import-state.json").unlink(missing_ok=True)
    return site


def test_a_build_that_imports_does_not_parse_what_the_import_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer reads every file back for its conservation check; the build takes those parses
    (a cold archive-scale build saves seconds), and its pages are what parsing the files gives."""
    handed, parsing = _fresh_import(tmp_path / "handed"), _fresh_import(tmp_path / "parsing")
    sitegen.importer.import_dumps(parsing, echo=lambda line: None)
    build(parsing, run_import=False)  # parses every file the import wrote
    parsed: list[str] = []
    real = incremental.parse_file

    def spy(raw: bytes, root: Path, rel: str) -> object:
        parsed.append(rel)
        return real(raw, root, rel)

    monkeypatch.setattr(incremental, "parse_file", spy)
    build(handed)
    assert parsed == []
    assert len(list((handed / "content" / "entries").rglob("*.md"))) > 20
    assert snapshot(handed / "public") == snapshot(parsing / "public")


@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "forked"])
def test_dumps_read_moments_before_an_import_are_settled_by_a_build_that_outlasts_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """A cold build hashes the dumps just written (too recent to trust their stats), imports, and reads them
    again when it ends: the next build must not read every dump once more to learn nothing."""
    monkeypatch.setattr(scan, "RACY_NS", 10**12)  # every stat at the build's start is too recent ...
    if forked:
        monkeypatch.setattr(sitegen.parallel, "PARALLEL_MIN", 1)
        monkeypatch.setenv("SITEGEN_WORKERS", "2")
    real_unsettled, real_reread_all = sitegen.build.unsettled, sitegen.build.reread_all
    pending: list[int] = []
    asked_ns: list[int] = []

    def count(sources: scan.Sources) -> list[int]:
        pending.append(len(found := real_unsettled(sources)))
        asked_ns.append(time.time_ns())
        return found

    def outlast_the_window(batches: Any) -> Any:
        monkeypatch.setattr(scan, "RACY_NS", -(10**12))  # ... and at its end, as they are read again, none is
        return real_reread_all(batches)

    monkeypatch.setattr(sitegen.build, "unsettled", count)
    monkeypatch.setattr(sitegen.build, "reread_all", outlast_the_window)
    site = copy_bundled_site(tmp_path / "site")
    build(site)
    inputs_read = len(list((site / "content" / "raw").iterdir())) + 1  # the dumps, their manifest and topics.toml
    assert inputs_read in pending, "every input was too recent to trust when the import read it"
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        recorded = cache.import_files()
    assert len(recorded.files) == inputs_read
    assert recorded.scanned_ns > asked_ns[-1], "the stats recorded are those taken as the build ended"


@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "forked"])
def test_the_scan_takes_what_the_import_wrote_and_settle_reads_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """A build that imports does not read back the files it just wrote (a cold 50k build spent over a second
    on it); it reads them when it ends, off the critical path, and only then records them."""
    if forked:
        monkeypatch.setattr(sitegen.parallel, "PARALLEL_MIN", 1)
        monkeypatch.setenv("SITEGEN_WORKERS", "2")
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))  # stats are trusted however recent
    real_read = sitegen.build.read_entry_files
    scans: list[scan.Sources] = []

    def spy(*args: Any) -> scan.Sources:
        scans.append(real_read(*args))
        return scans[-1]

    monkeypatch.setattr(sitegen.build, "read_entry_files", spy)
    site = _fresh_import(tmp_path / "site")
    build(site)
    (sources,) = scans
    assert len(sources.files) > 20
    assert all(source.written and source.raw is None for source in sources.files), "none was read back"
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        recorded = cache.known_files()
    on_disk = read_entry_files(site)  # read afresh: what each file's digest really is
    assert recorded.files == {source.rel: (*source.stat, source.digest) for source in on_disk.files}


def test_a_file_changed_after_the_import_wrote_it_is_never_recorded_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone edits an entry between the import writing it and the build's scan; the build ends before its
    stats can be trusted (settle gives up). The next build must read that file, not trust the import's digest."""
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))  # the next build trusts every recorded stat
    monkeypatch.setattr(sitegen.build, "reread_all", lambda batches: [None for _batch in batches])
    real = sitegen.importer.import_dumps
    site = _fresh_import(tmp_path / "site")
    edited = site / "content" / "entries" / "2014" / "01" / "09"

    def import_then_edit(site_dir: Path, *args: object, **kwargs: object) -> object:
        report = real(site_dir, *args, **kwargs)  # type: ignore[arg-type]
        entry = sorted(edited.glob("*.md"))[1]
        entry.write_text(entry.read_text(encoding="utf-8") + "\nAdded after the import wrote it.\n", "utf-8")
        return report

    monkeypatch.setattr(sitegen.importer, "import_dumps", import_then_edit)
    build(site)
    monkeypatch.setattr(sitegen.importer, "import_dumps", real)
    build(site)
    day = (site / "public" / "2014" / "01" / "09" / "index.html").read_text(encoding="utf-8")
    assert "Added after the import wrote it." in day
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        recorded = cache.known_files()
    on_disk = read_entry_files(site)
    assert recorded.files == {source.rel: (*source.stat, source.digest) for source in on_disk.files}, "read and learnt"


def test_files_the_import_wrote_stay_in_the_record_when_settle_gives_up(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dev server rescans only what its watcher saw change, starting from the record: a file the import
    wrote that the record left out (its digest not yet read back) would drop out of the site at the next edit."""
    memo = Memo()
    build(site, memo=memo)  # as the dev server's first build
    monkeypatch.setattr(sitegen.build, "reread_all", lambda batches: [None for _batch in batches])
    dump = site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    text = dump.read_text(encoding="utf-8")
    lead_end = text.index("\n\n", text.index("Wednesday"))
    dump.write_text(text[:lead_end] + " A sentence added by the archivist." + text[lead_end:], encoding="utf-8")
    build(site, memo=memo)  # imports the dump again: the day's lead file is rewritten
    pages = {path for path in snapshot(site / "public") if path.endswith(".html")}
    entry = sorted((site / "content" / "entries" / "2014" / "01" / "08").glob("*.md"))[2]
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(site, memo=memo, entries_changed={entry.relative_to(site / "content" / "entries").as_posix()})
    assert {path for path in snapshot(site / "public") if path.endswith(".html")} == pages
    day = (site / "public" / "2014" / "01" / "09" / "index.html").read_text(encoding="utf-8")
    assert "A sentence added by the archivist." in day


def test_a_big_imports_bodies_are_rendered_in_the_background_as_they_would_be_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build renders the imported bodies on the other core while it scans and plans: the site and
    the cached HTML come out as a build that renders them itself makes them, and the next build renders none."""
    monkeypatch.setenv("SITEGEN_WORKERS", "1")
    serial = copy_bundled_site(tmp_path / "serial")
    shutil.rmtree(serial / "content" / "entries")  # a first import: every entry is written, and parsed, now
    (serial / "content" / ".import-state.json").unlink()
    build(serial)
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    monkeypatch.setattr(sitegen.parallel, "PARALLEL_MIN", 1)
    real_render_bodies = incremental.render_bodies
    marks = tmp_path / "marks"
    marks.mkdir()

    def render_bodies(entries: Any) -> dict[str, str]:
        (marks / str(os.getpid())).write_text(str(len(entries)))
        return real_render_bodies(entries)

    real_markdown = sitegen.markdown.render_markdown

    def render_markdown(text: str) -> str:
        (marks / f"markdown-{os.getpid()}").touch()
        return real_markdown(text)

    monkeypatch.setattr(incremental, "render_bodies", render_bodies)
    monkeypatch.setattr(sitegen.markdown, "render_markdown", render_markdown)
    forked = copy_bundled_site(tmp_path / "forked")
    shutil.rmtree(forked / "content" / "entries")
    (forked / "content" / ".import-state.json").unlink()
    said = io.StringIO()
    progress = Progress(stream=said)
    progress.live = True  # the stage lines a terminal shows
    build(forked, progress=progress)
    (mark,) = marks.glob("[0-9]*")
    assert int(mark.name) != os.getpid(), "the bodies were not rendered in a background process"
    assert [path.name for path in marks.glob("markdown-*")] == [f"markdown-{mark.name}"], "rendered elsewhere too"
    entries = len(list((forked / "content" / "entries").rglob("*.md")))
    assert int(mark.read_text()) == entries
    assert f"markdown {entries} rendered, 0 cached" in said.getvalue()
    assert snapshot(forked / "public") == snapshot(serial / "public")
    with BuildCache.open(forked, forked / "public", Progress(quiet=True)) as cache:
        assert len(cache.all_html()) == entries

    def no_markdown(text: str) -> str:
        raise AssertionError("a body was rendered again")

    monkeypatch.setattr("sitegen.markdown.render_markdown", no_markdown)
    (forked / "public" / "index.html").unlink()
    build(forked)


def test_a_hand_edit_made_before_a_build_that_imports_is_what_the_build_shows(
    site: Path, import_calls: list[Path]
) -> None:
    """The import keeps the edited file; the build must render the file as edited, not the import's draft of it."""
    edited = next((site / "content" / "entries" / "2014" / "01" / "09").glob("01-*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA correction by the editor.\n", encoding="utf-8")
    topics = site / "content" / "topics.toml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")  # the import runs
    build(site)
    assert import_calls == [site]
    day = (site / "public" / "2014" / "01" / "09" / "index.html").read_text(encoding="utf-8")
    assert "A correction by the editor." in day
