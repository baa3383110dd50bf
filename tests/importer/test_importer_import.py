"""``import_dumps`` end to end: files written, idempotence, hand edits, bad input, safety."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

import pytest
from importer_helpers import FIXTURES, REPO, MakeSite, quiet, snapshot

from sitegen.content import parse_file
from sitegen.errors import SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.importer import changed_dumps, dumps_changed, import_dumps, render
from sitegen.importer.conserve import entry_dump_lines
from sitegen.importer.state import STATE_PATH

ENTRIES = Path("content") / "entries"
DAY8 = ENTRIES / "2014" / "01" / "08"
DAY9 = ENTRIES / "2014" / "01" / "09"


def entries_of(site: Path, folder: Path) -> dict[str, object]:
    out = {}
    for path in sorted((site / folder).glob("*.md")):
        out[path.name] = parse_entry(path.read_bytes(), path, PurePosixPath(path.name))
    return out


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def test_seeds_become_17_and_8_files_with_the_right_front_matter(seed_site: Path) -> None:
    report = import_dumps(seed_site, echo=quiet)
    assert len(report.written) == 25
    day8, day9 = entries_of(seed_site, DAY8), entries_of(seed_site, DAY9)
    assert len(day8) == 17 and len(day9) == 8
    lead = day8["00-syria-daily-8-january-2014-insurgents-drive-the-islamic-state-of-iraq-out-of.md"]
    assert (lead.kind, lead.seq, lead.source) == ("lead", 0, "000_bcaff40ba13aebe2.txt:1")  # type: ignore[attr-defined]
    assert lead.title.startswith("Syria Daily, 8 January 2014")  # type: ignore[attr-defined]
    latest = [name for name, entry in day8.items() if entry.latest]  # type: ignore[attr-defined]
    assert latest == ["15-islamic-state-of-iraq-bombings-tonight.md"]
    earliest = day8["01-tuesday-summary.md"]
    assert (earliest.seq, earliest.source, earliest.time) == (1, "000_bcaff40ba13aebe2.txt:127", None)  # type: ignore[attr-defined]
    assert [e.seq for e in day9.values()] == list(range(8))  # type: ignore[attr-defined]
    assert [name for name, e in day9.items() if e.latest] == [  # type: ignore[attr-defined]
        "07-video-residents-welcome-insurgents-of-ahrar-al-sham-near-qamishli.md"
    ]
    footage = day8["10-footage-of-air-raids-in-daraya.md"]
    assert footage.body == "" and footage.tags == ("airstrikes", "video")  # type: ignore[attr-defined]
    text = (seed_site / DAY8 / "15-islamic-state-of-iraq-bombings-tonight.md").read_text()
    assert "time:" not in text
    assert "tags: [isis, deir-ez-zor]" in text


def test_lost_media_captions_are_placeholders_not_dangling_colons(seed_site: Path) -> None:
    from sitegen.markdown import LOST_MEDIA_NOTE, render_markdown

    import_dumps(seed_site, echo=quiet)
    lead = next((seed_site / DAY8).glob("00-*.md")).read_text()
    assert "::: lost-media\nCelebrations tonight:\n:::" in lead
    html = render_markdown(lead.split("---\n", 2)[2])
    assert html.count(LOST_MEDIA_NOTE) == 3
    bodies = "".join(p.read_text() for p in (seed_site / ENTRIES).rglob("*.md"))
    assert bodies.count("::: lost-media") == 9  # 6 marked on the 8th, 3 on the 9th


def test_every_dump_line_is_in_exactly_one_entry_on_disk(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    for name, folder in (("000_bcaff40ba13aebe2.txt", DAY8), ("004_8a105af085d0ff03.txt", DAY9)):
        dump = (seed_site / "content" / "raw" / name).read_text("utf-8")
        wanted = [" ".join(line.split()) for line in dump.split("\n") if line.strip()]
        got = [" ".join(t.split()) for entry in entries_of(seed_site, folder).values() for t in entry_dump_lines(entry)]  # type: ignore[arg-type]
        assert sorted(got) == sorted(wanted)
        ordered = sorted(entries_of(seed_site, folder).values(), key=lambda e: -e.seq if e.seq else -10_000)  # type: ignore[attr-defined]
        assert [" ".join(t.split()) for e in ordered for t in entry_dump_lines(e)] == wanted  # type: ignore[arg-type]


def test_a_second_import_touches_no_file(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    before, times = snapshot(seed_site), mtimes(seed_site)
    report = import_dumps(seed_site, echo=quiet)
    assert report.written == () and report.removed == () and len(report.unchanged) == 25
    assert snapshot(seed_site) == before
    assert mtimes(seed_site) == times
    assert not dumps_changed(seed_site)


def test_a_hand_edited_entry_survives_and_is_listed(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    edited = seed_site / DAY8 / "12-2-swedish-journalists-freed.md"
    edited.write_text(edited.read_text() + "\nAn editor's note.\n")
    (seed_site / "content" / "topics.toml").write_text(
        (REPO / "content" / "topics.toml").read_text() + '\n[sweden]\nname = "Sweden"\nkind = "place"\n'
        'aliases = ["Swedish"]\n'
    )  # topics changed: every entry is re-rendered, the edited one must still be kept
    lines: list[str] = []
    report = import_dumps(seed_site, echo=lines.append)
    assert "An editor's note." in edited.read_text()
    assert report.kept == (str(ENTRIES / "2014/01/08/12-2-swedish-journalists-freed.md"),)
    assert any("kept" in line and "12-2-swedish-journalists-freed.md" in line and "--force" in line for line in lines)
    assert "kept" in report.summary()
    lines.clear()
    report = import_dumps(seed_site, force=True, echo=lines.append)
    assert "An editor's note." not in edited.read_text()
    assert "sweden" in edited.read_text()
    assert report.forced == (str(ENTRIES / "2014/01/08/12-2-swedish-journalists-freed.md"),)
    assert any(line.startswith("  overwrote") and "--force" in line for line in lines)


def test_a_deleted_entry_is_not_brought_back_without_force(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    gone = seed_site / DAY9 / "02-insurgent-offensive-in-homs-province.md"
    gone.unlink()
    report = import_dumps(seed_site, echo=quiet)
    assert not gone.exists() and str(ENTRIES / "2014/01/09/02-insurgent-offensive-in-homs-province.md") in report.kept
    import_dumps(seed_site, force=True, echo=quiet)
    assert gone.exists()


def test_the_parses_import_hands_the_build_are_of_the_files_on_disk(seed_site: Path) -> None:
    """A build takes import's parses instead of reading the files: a kept file's draft is not what is there."""
    import_dumps(seed_site, echo=quiet)
    edited = seed_site / DAY8 / "12-2-swedish-journalists-freed.md"
    edited.write_text(edited.read_text() + "\nAn editor's note.\n")
    gone = seed_site / DAY9 / "02-insurgent-offensive-in-homs-province.md"
    gone.unlink()
    topics = seed_site / "content" / "topics.toml"
    topics.write_text(topics.read_text() + '\n[sweden]\nname = "Sweden"\nkind = "place"\naliases = ["Swedish"]\n')
    report = import_dumps(seed_site, echo=quiet)  # both dumps are read again: new topics
    assert len(report.kept) == 2
    root = seed_site / ENTRIES
    on_disk = {path.relative_to(root).as_posix() for path in root.rglob("*.md")}
    handed = {entry.path: (digest, entry) for digest, entry in report.parsed.items()}
    assert set(handed) == on_disk - {edited.relative_to(root).as_posix()}
    for rel, (digest, entry) in handed.items():
        raw = (root / rel).read_bytes()
        assert digest == hashlib.sha256(raw).hexdigest()
        assert entry == parse_file(raw, root, rel)


def test_a_changed_headline_replaces_its_file_and_keeps_edited_ones(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    edited = seed_site / DAY9 / "01-insurgents-isis-no-longer-brothers-but-gangs-of-baghdadi.md"
    edited.write_text(edited.read_text().replace("notable shift", "remarkable shift"))
    raw = seed_site / "content" / "raw" / "004_8a105af085d0ff03.txt"
    raw.write_text(raw.read_text().replace("Insurgent Offensive in Homs Province?", "Insurgent Offensive in Homs?"))
    assert changed_dumps(seed_site) == ["004_8a105af085d0ff03.txt"]
    report = import_dumps(seed_site, echo=quiet)
    assert not (seed_site / DAY9 / "02-insurgent-offensive-in-homs-province.md").exists()
    assert (seed_site / DAY9 / "02-insurgent-offensive-in-homs.md").exists()
    assert report.removed == (str(ENTRIES / "2014/01/09/02-insurgent-offensive-in-homs-province.md"),)
    assert "remarkable shift" in edited.read_text()
    assert [(d.name, d.status) for d in report.dumps] == [
        ("000_bcaff40ba13aebe2.txt", "unchanged"),  # not even re-read
        ("004_8a105af085d0ff03.txt", "imported"),
    ]


def test_dry_run_writes_nothing(seed_site: Path) -> None:
    before = snapshot(seed_site)
    lines: list[str] = []
    report = import_dumps(seed_site, dry_run=True, echo=lines.append)
    assert snapshot(seed_site) == before
    assert len(report.written) == 25 and report.dry_run
    assert any("would write" in line for line in lines)


def test_what_makes_a_dump_changed(seed_site: Path) -> None:
    assert dumps_changed(seed_site)  # never imported
    import_dumps(seed_site, echo=quiet)
    raw = seed_site / "content" / "raw" / "000_bcaff40ba13aebe2.txt"
    os.utime(raw, ns=(raw.stat().st_atime_ns, raw.stat().st_mtime_ns + 10**9))
    assert not dumps_changed(seed_site)  # touched, same bytes
    manifest = seed_site / "content" / "raw" / "dumps.toml"
    manifest.write_text(manifest.read_text().replace("After Aleppo", "After Aleppo,"))
    assert changed_dumps(seed_site) == ["004_8a105af085d0ff03.txt"]
    import_dumps(seed_site, echo=quiet)
    (seed_site / "content" / "topics.toml").write_text("[kerry]\nname = 'John Kerry'\nkind = 'person'\n")
    assert len(changed_dumps(seed_site)) == 2


def test_windows_1252_dump_imports_and_says_so(make_site: MakeSite) -> None:
    text = "LATEST: Regime’s Forces Advance\n\nThe lead — with curly quotes.\n\nRegime’s Forces Advance\n\nBody.\n"
    site = make_site({"2014-02-01.txt": text.encode("cp1252")})
    lines: list[str] = []
    report = import_dumps(site, echo=lines.append)
    assert report.notes == ("2014-02-01.txt: Windows-1252 assumed (not valid UTF-8 at line 1)",)
    assert any("Windows-1252" in line for line in lines)
    entry = next((site / ENTRIES).rglob("01-*.md"))
    assert "Regime’s Forces Advance" in entry.read_text("utf-8")


BROKEN = json.loads((FIXTURES / "broken" / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_bad_dump_is_a_one_line_error_and_nothing_is_written(make_site: MakeSite, name: str) -> None:
    good = (FIXTURES / "corpus" / "seeds" / "004_8a105af085d0ff03.txt").read_bytes()
    site = make_site({"2014-01-01-good.txt": good, f"2014-01-02-{name}": (FIXTURES / "broken" / name).read_bytes()})
    before = snapshot(site)
    with pytest.raises(SitegenError) as caught:
        import_dumps(site, echo=quiet)
    error = caught.value
    assert error.path is not None and error.path.name == f"2014-01-02-{name}"
    assert error.line == BROKEN[name]["line"]
    assert error.message.startswith(BROKEN[name]["message"])
    assert "\n" not in str(error)
    assert snapshot(site) == before  # not even the good dump's entries


def test_a_manifest_entry_for_a_missing_file_is_an_error(make_site: MakeSite) -> None:
    site = make_site({}, '["gone.txt"]\ndate = 2014-01-08\n')
    with pytest.raises(SitegenError, match=r"dump 'gone\.txt' does not exist in content/raw"):
        import_dumps(site, echo=quiet)
    assert not (site / ENTRIES).exists()


def test_conservation_failure_refuses_to_write_and_names_the_line(
    seed_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = render.body_markdown

    def lossy(blocks: list[render.Block]) -> str:  # type: ignore[name-defined]
        return real([block for block in blocks if "Mayadeen" not in block.text])

    monkeypatch.setattr(render, "body_markdown", lossy)
    before = snapshot(seed_site)
    with pytest.raises(SitegenError) as caught:
        import_dumps(seed_site, echo=quiet)
    assert caught.value.path is not None and caught.value.path.name == "000_bcaff40ba13aebe2.txt"
    assert caught.value.line == 30  # "One of the deadliest bombs is reportedly in Mayadeen…"
    assert snapshot(seed_site) == before


def test_two_dumps_on_one_day_get_unique_stable_slugs(make_site: MakeSite) -> None:
    dump = "LATEST: Regime Shells Homs\n\nLead text.\n\nRegime Shells Homs\n\nBody.\n"
    site = make_site({"2014-03-01-a.txt": dump, "2014-03-01-b.txt": dump})
    import_dumps(site, echo=quiet)
    all_names = sorted(p.name for p in (site / ENTRIES / "2014/03/01").glob("*.md"))
    assert all_names == [
        "00-live-blog-1-march-2014-2.md",
        "00-live-blog-1-march-2014.md",
        "01-regime-shells-homs-2.md",
        "01-regime-shells-homs.md",
    ]
    (site / STATE_PATH).unlink()  # state lost: slugs must still come out the same
    report = import_dumps(site, echo=quiet)
    assert report.written == () and report.kept == ()
    assert sorted(p.name for p in (site / ENTRIES / "2014/03/01").glob("*.md")) == all_names


def test_gmt_dump_imports_with_times_and_glued_stamps(make_site: MakeSite) -> None:
    site = make_site({"2012-03-05.txt": (FIXTURES / "dumps" / "gmt-glued.txt").read_bytes()})
    import_dumps(site, echo=quiet)
    folder = site / ENTRIES / "2012/03/05"
    entries = {p.name: parse_entry(p.read_bytes(), p, PurePosixPath(p.name)) for p in folder.glob("*.md")}
    times = sorted((e.seq, e.time) for e in entries.values())
    assert times == [(0, None), (1, "19:00"), (2, "20:50"), (3, "21:05"), (4, "21:30"), (5, "21:45"), (6, "22:10")]
    watch = next(e for e in entries.values() if e.time == "21:45")
    assert watch.title == "Political Prisoner Watch"
    assert watch.body.startswith("2145 GMT: Political Prisoner Watch.")
    assert "UPDATE 2150 GMT" in watch.body


def test_no_temporary_files_are_left_behind(seed_site: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    assert not [p for p in (seed_site / "content").rglob("*") if p.name.endswith(".tmp")]


def test_a_tampered_state_file_cannot_make_import_touch_files_outside_entries(seed_site: Path, tmp_path: Path) -> None:
    import_dumps(seed_site, echo=quiet)
    victim = tmp_path / "victim.md"
    victim.write_text("precious")
    state_path = seed_site / STATE_PATH
    state = json.loads(state_path.read_text())
    state["dumps"]["000_bcaff40ba13aebe2.txt"]["files"]["../../../victim.md"] = "0" * 64
    state["dumps"]["000_bcaff40ba13aebe2.txt"]["sha256"] = "changed"
    state_path.write_text(json.dumps(state))
    with pytest.raises(SitegenError, match="outside"):
        import_dumps(seed_site, echo=quiet)
    assert victim.read_text() == "precious"


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ('{"version": 99, "dumps": {}}', "version 99")],
)
def test_a_damaged_or_future_state_file_is_refused(seed_site: Path, content: str, message: str) -> None:
    (seed_site / STATE_PATH).write_text(content)
    with pytest.raises(SitegenError, match=message):
        import_dumps(seed_site, echo=quiet)


def test_hostile_headlines_still_give_safe_slugs_and_paths(make_site: MakeSite) -> None:
    dump = "LATEST: ../../Etc/Passwd Is Not A Path\n\nLead.\n\n../../Etc/Passwd Is Not A Path\n\nBody.\n"
    site = make_site({"2014-03-01.txt": dump})
    import_dumps(site, echo=quiet)
    files = sorted(str(p.relative_to(site)) for p in site.rglob("*.md"))
    assert files == [
        "content/entries/2014/03/01/00-live-blog-1-march-2014.md",
        "content/entries/2014/03/01/01-etc-passwd-is-not-a-path.md",
    ]


def test_the_committed_archive_is_what_import_writes(make_site: MakeSite) -> None:
    """content/entries in the repository is exactly the import of content/raw (regenerate if this fails)."""
    raw = REPO / "content" / "raw"
    site = make_site({p.name: p.read_bytes() for p in raw.glob("*.txt")}, (raw / "dumps.toml").read_text())
    import_dumps(site, echo=quiet)
    assert snapshot(site / ENTRIES) == snapshot(REPO / ENTRIES)


def test_no_word_of_any_corpus_dump_is_missing_from_the_markdown(make_site: MakeSite) -> None:
    """Every word of every real dump appears verbatim in the Markdown files of its day."""
    import re

    dumps = sorted((FIXTURES / "corpus").glob("*/*.txt"))
    site = make_site({f"2015-01-{day:02d}.txt": path.read_bytes() for day, path in enumerate(dumps, 1)})
    import_dumps(site, echo=quiet)
    for day, path in enumerate(dumps, 1):
        markdown = "".join(p.read_text("utf-8") for p in (site / ENTRIES / f"2015/01/{day:02d}").glob("*.md"))
        words = set(re.findall(r"\w+", path.read_text("utf-8")))
        missing = {word for word in words if word not in markdown}
        assert not missing, f"{path.name}: {sorted(missing)[:10]}"
