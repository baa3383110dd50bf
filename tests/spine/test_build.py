"""The build spine on the fixture site: every page type, order, determinism, incrementality, atomicity."""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import parallel
from sitegen.build import build
from sitegen.cache import BuildCache, Memo
from sitegen.cachefile import CACHE_VERSION
from sitegen.errors import BuildFailed, SitegenError
from sitegen.progress import Progress
from tests.conftest import FIXTURE_SITE, copy_site
from tests.spine.helpers import mtimes, snapshot

DAY1 = "2014/01/08/index.html"


def headlines(html: str) -> list[str]:
    return re.findall(r'<h2 class="entry-title"><a href="[^"]+">([^<]+)</a>', html)


def test_every_url_of_the_contract_is_built(built_fixture: Path) -> None:
    expected = [
        "index.html",
        "2014/index.html",
        "2014/01/index.html",
        DAY1,
        "2014/01/08/islamic-state-of-iraq-bombings-tonight/index.html",
        "2014/01/08/lead/index.html",
        "topics/index.html",
        "topics/isis/index.html",
        "topics/isis/page/2/index.html",
        "topics/isis/feed.xml",
        "feed.xml",
        "atom.xml",
        "search/index.html",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ]
    missing = [path for path in expected if not (built_fixture / path).is_file()]
    assert missing == []


def test_day_page_reads_like_the_live_blog_newest_first_after_the_lead(built_fixture: Path) -> None:
    html = (built_fixture / DAY1).read_text(encoding="utf-8")
    assert headlines(html) == [
        "Islamic State of Iraq Bombings Tonight",
        "Footage Of Air Raids In Daraya",
        "Tuesday Summary",
    ]
    assert html.index('id="lead"') < html.index('id="islamic-state-of-iraq-bombings-tonight"')
    latest = html[html.index('id="islamic-state-of-iraq-bombings-tonight"') :]
    assert "latest-marker" in latest[: latest.index("</article>")]
    assert 'href="/2014/01/09/"' in html  # next day


def test_drafts_are_not_published(built_fixture: Path) -> None:
    assert not (built_fixture / "2014/02/01/a-draft-entry").exists()
    assert "A Draft Entry" not in (built_fixture / "feed.xml").read_text(encoding="utf-8")


def test_text_is_never_trusted_as_html(built_fixture: Path) -> None:
    html = (built_fixture / "2014/01/08/tuesday-summary/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_lost_media_caption_shows_a_placeholder(built_fixture: Path) -> None:
    html = (built_fixture / DAY1).read_text(encoding="utf-8")
    assert "<p>Celebrations tonight:</p>" in html
    assert "not preserved in this archive" in html


def test_entry_page_links_its_day_anchor_topics_and_neighbours(built_fixture: Path) -> None:
    html = (built_fixture / "2014/01/08/footage-of-air-raids-in-daraya/index.html").read_text(encoding="utf-8")
    assert 'href="/2014/01/08/#footage-of-air-raids-in-daraya"' in html
    assert 'href="/topics/video/"' in html
    assert 'rel="prev" href="/2014/01/08/tuesday-summary/"' in html
    assert 'rel="next" href="/2014/01/08/islamic-state-of-iraq-bombings-tonight/"' in html


def test_aliases_become_redirect_pages(built_fixture: Path) -> None:
    html = (built_fixture / "2014/01/09/old-car-bomb/index.html").read_text(encoding="utf-8")
    assert 'url=/2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/"' in html
    assert "/2014/01/09/old-car-bomb/ /2014/01/09/state-tv-car-bomb" in (built_fixture / "_redirects").read_text()


def test_topic_pages_are_paginated_newest_first(built_fixture: Path) -> None:
    first = (built_fixture / "topics/isis/index.html").read_text(encoding="utf-8")
    second = (built_fixture / "topics/isis/page/2/index.html").read_text(encoding="utf-8")
    assert "Islamic State of Iraq Bombings Tonight" in first
    assert "Tuesday Summary" in first
    assert "Syria Daily, 8 January" in second  # the lead, oldest of the topic
    assert 'href="/topics/isis/page/2/"' in first


def test_code_is_highlighted_with_a_generated_stylesheet(built_fixture: Path) -> None:
    html = (built_fixture / "2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/index.html").read_text()
    assert '<pre class="highlight"><code class="language-python">' in html
    css = re.search(r'href="/(static/pygments\.[0-9a-f]+\.css)"', html)
    assert css and ".highlight" in (built_fixture / css.group(1)).read_text()


def test_sub_path_base_url_prefixes_every_internal_link(fixture_site: Path) -> None:
    build(fixture_site, base_url="https://example.org/archive/")
    html = (fixture_site / "public" / DAY1).read_text(encoding="utf-8")
    internal = re.findall(r'(?:href|src)="(/[^"]*)"', html)
    assert internal and all(link.startswith("/archive/") for link in internal)


def test_a_second_build_writes_nothing(fixture_site: Path) -> None:
    build(fixture_site)
    before = mtimes(fixture_site / "public")
    result = build(fixture_site)
    assert (result.written, result.removed) == (0, 0)
    assert mtimes(fixture_site / "public") == before


def test_the_same_input_builds_byte_identical_output(tmp_path: Path) -> None:
    one, two = copy_site(FIXTURE_SITE, tmp_path / "one"), copy_site(FIXTURE_SITE, tmp_path / "two")
    build(one)
    build(two)
    assert snapshot(one / "public") == snapshot(two / "public")


def edit_entry(site: Path) -> None:
    path = site / "content/entries/2014/01/08/01-tuesday-summary.md"
    path.write_text(path.read_text().replace("talk of a truce", "talk of a ceasefire"))


def edit_template(site: Path) -> None:
    theme = site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    source = Path(__file__).resolve().parents[2] / "themes/default/templates/entry.html"
    (theme / "entry.html").write_text(source.read_text().replace("Read it in the live blog", "Read it in context"))


def edit_config(site: Path) -> None:
    path = site / "site.toml"
    path.write_text(path.read_text().replace("Fixture Live Archive", "Renamed Archive"))


def add_entry(site: Path) -> None:
    (site / "content/entries/2014/01/09/02-new.md").write_text(
        "---\ntitle: A New Entry\ndate: 2014-01-09\nseq: 2\nkind: entry\nslug: a-new-entry\n"
        "tags: [aleppo]\n---\n\nNew.\n"
    )


def delete_entry(site: Path) -> None:
    (site / "content/entries/2014/02/01/02-aleppo.md").unlink()


def retag(site: Path) -> None:
    path = site / "content/entries/2014/01/08/02-footage-of-air-raids.md"
    path.write_text(path.read_text().replace("tags: [video]", "tags: [video, aleppo]"))


def edit_topics(site: Path) -> None:
    path = site / "content/topics.toml"
    path.write_text(path.read_text().replace('name = "Aleppo"', 'name = "Aleppo (Halab)"'))


def edit_lead_title(site: Path) -> None:
    path = site / "content/entries/2014/01/08/00-lead.md"
    path.write_text(path.read_text().replace("Insurgents take Aleppo", "Insurgents retake Aleppo"))


def edit_aliased_entry_title(site: Path) -> None:
    path = site / "content/entries/2014/01/09/01-car-bomb.md"
    path.write_text(path.read_text().replace("Kills 17", "Kills 18"))


def edit_last_title_of_a_day(site: Path) -> None:
    """The next day's first permalink links back to this entry, across the day boundary."""
    path = site / "content/entries/2014/01/08/03-bombings.md"
    path.write_text(path.read_text().replace("Bombings Tonight", "Bombings This Evening"))


@pytest.mark.parametrize(
    "change",
    [
        edit_entry,
        edit_last_title_of_a_day,
        edit_template,
        edit_config,
        add_entry,
        delete_entry,
        retag,
        edit_topics,
        edit_lead_title,
        edit_aliased_entry_title,
    ],
)
@pytest.mark.parametrize("warm", [False, True], ids=["cold process", "warm process"])
def test_an_incremental_build_equals_a_clean_build(tmp_path: Path, change: object, warm: bool) -> None:
    """A warm process (``sitegen serve``) keeps the cache's tables in a memo between builds: same output."""
    assert callable(change)
    incremental = copy_site(FIXTURE_SITE, tmp_path / "incremental")
    memo = Memo() if warm else None
    build(incremental, memo=memo)
    change(incremental)
    result = build(incremental, memo=memo)
    assert result.written > 0
    clean = copy_site(incremental, tmp_path / "clean")
    build(clean)
    assert snapshot(incremental / "public") == snapshot(clean / "public")
    assert cache_records(incremental) == cache_records(clean)  # what the next build starts from, too


def cache_records(site: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The output and page-group records as the cache holds them on disk (not as a memo has them)."""
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        return dict(cache.outputs()), dict(cache.groups())


def test_a_warm_process_notices_another_process_built_in_between(tmp_path: Path) -> None:
    """The server's memo must not outlive a manual build: same-size edits make stale records look valid."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    memo = Memo()
    build(site, memo=memo)
    edit_aliased_entry_title(site)  # "Kills 17" → "Kills 18": every output keeps its size
    build(site)  # another process: the memo's records are now out of date
    path = site / "content/entries/2014/01/09/01-car-bomb.md"
    path.write_text(path.read_text().replace("Kills 18", "Kills 17"))
    build(site, memo=memo)
    clean = copy_site(site, tmp_path / "clean")
    build(clean)
    assert snapshot(site / "public") == snapshot(clean / "public")


def test_an_entry_edit_rewrites_only_what_shows_it(fixture_site: Path) -> None:
    build(fixture_site)
    edit_entry(fixture_site)
    before = snapshot(fixture_site / "public")
    build(fixture_site)
    after = snapshot(fixture_site / "public")
    rewritten = sorted(path for path in after if before.get(path) != after[path])
    assert "2014/01/08/tuesday-summary/index.html" in rewritten
    assert DAY1 in rewritten
    assert "2014/01/09/index.html" not in rewritten
    assert "2014/02/01/aleppo-again/index.html" not in rewritten


def test_a_rebuild_after_a_prose_edit_loads_neither_markdown_it_nor_pyyaml(fixture_site: Path) -> None:
    """A typo fix does not pay for libraries it does not need.

    Plain paragraphs skip markdown-it (and Pygments), and import's canonical front matter is read without PyYAML.
    """
    build(fixture_site)
    path = fixture_site / "content/entries/2014/01/08/02-footage-of-air-raids.md"
    path.write_text(path.read_text() + "\nA sentence the editor added.\n")
    code = (
        "import sys; from pathlib import Path; from sitegen.build import build; r = build(Path(sys.argv[1])); "
        "print(r.written, sorted(m for m in ('markdown_it', 'pygments', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(fixture_site)], capture_output=True, text=True, check=True)
    written, loaded = done.stdout.split(" ", 1)
    assert int(written) > 0
    assert loaded.strip() == "[]"
    assert (
        "A sentence the editor added."
        in (fixture_site / "public/2014/01/08/footage-of-air-raids-in-daraya/index.html").read_text()
    )


def test_a_failed_build_leaves_the_previous_site_alone(fixture_site: Path) -> None:
    build(fixture_site)
    before = snapshot(fixture_site / "public")
    theme = fixture_site / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    (theme / "day.html").write_text("{% extends 'base.html' %}{% block main %}{{ no_such_thing }}{% endblock %}")
    edit_entry(fixture_site)
    with pytest.raises(BuildFailed, match=r"day\.html"):
        build(fixture_site)
    assert snapshot(fixture_site / "public") == before
    litter = [p.name for p in fixture_site.iterdir() if p.name.startswith(".public.")]
    assert litter == []


def test_bad_front_matter_fails_before_anything_is_written(fixture_site: Path) -> None:
    build(fixture_site)
    before = snapshot(fixture_site / "public")
    bad = fixture_site / "content/entries/2014/01/08/03-bombings.md"
    bad.write_text(bad.read_text().replace("seq: 3", "seq: three"))
    with pytest.raises(SitegenError) as caught:
        build(fixture_site)
    assert caught.value.path == bad
    assert caught.value.line == 5
    assert snapshot(fixture_site / "public") == before


@pytest.mark.parametrize("workers", ["1", "2"])
def test_bad_front_matter_is_reported_alike_when_parsed_on_all_cores(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """A first build parses on all cores; a file that fails there is reported as a serial build would."""
    monkeypatch.setenv("SITEGEN_WORKERS", workers)
    monkeypatch.setattr("sitegen.parallel.PARALLEL_MIN", 1)
    day = fixture_site / "content/entries/2014/01/08"
    (day / "03-bombings.md").write_text((day / "03-bombings.md").read_text().replace("seq: 3", "seq: three"))
    (day / "04-talks.md").write_text("---\ntitle: [unclosed\n---\n")
    with pytest.raises(SitegenError) as caught:
        build(fixture_site)
    assert [(problem.path.name if problem.path else "", problem.line) for problem in caught.value.problems] == [
        ("03-bombings.md", 5),
        ("04-talks.md", 3),
    ]


def test_duplicate_slugs_in_a_day_are_a_user_error(fixture_site: Path) -> None:
    day = fixture_site / "content/entries/2014/01/08"
    shutil.copy(day / "01-tuesday-summary.md", day / "09-copy.md")
    with pytest.raises(SitegenError, match="duplicate slug 'tuesday-summary'"):
        build(fixture_site)


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("2014/01/08/tuesday-summary/", "is already a URL of 2014/01/08/01-tuesday-summary.md"),
        ("2014/01/08/islamic-state-of-iraq-bombings-tonight", "is this entry's own URL"),
    ],
)
def test_an_alias_that_is_already_a_url_is_a_user_error(fixture_site: Path, alias: str, message: str) -> None:
    """Two pages may not write one output: which one won would depend on the order they were made in."""
    entry = fixture_site / "content/entries/2014/01/08/03-bombings.md"
    entry.write_text(entry.read_text().replace("tags:", f"aliases: [{alias}]\ntags:", 1))
    with pytest.raises(SitegenError, match=f"03-bombings.md:1: alias '{alias}' {re.escape(message)}"):
        build(fixture_site)


def test_a_tag_no_topic_defines_warns_with_file_and_line_and_fails_when_strict(fixture_site: Path) -> None:
    result = build(fixture_site)
    assert any("03-bombings.md:8: tag 'undefined-topic'" in warning for warning in result.warnings)
    with pytest.raises(SitegenError, match="undefined-topic"):
        build(fixture_site, strict=True)


def test_outputs_nothing_produces_any_more_are_pruned(fixture_site: Path) -> None:
    build(fixture_site)
    assert (fixture_site / "public/2014/02/01/aleppo-again/index.html").exists()
    delete_entry(fixture_site)
    result = build(fixture_site)
    assert result.removed > 0
    assert not (fixture_site / "public/2014/02").exists()


def test_files_the_build_did_not_make_are_never_deleted(fixture_site: Path) -> None:
    build(fixture_site)
    keep = fixture_site / "public" / "CNAME"
    keep.write_text("archive.example.org\n")
    delete_entry(fixture_site)
    build(fixture_site)
    assert keep.read_text() == "archive.example.org\n"


def test_a_deleted_output_file_is_restored_by_the_next_build(fixture_site: Path) -> None:
    build(fixture_site)
    (fixture_site / "public" / DAY1).unlink()
    build(fixture_site)
    assert (fixture_site / "public" / DAY1).is_file()


def test_a_corrupt_cache_is_discarded_not_trusted(fixture_site: Path) -> None:
    build(fixture_site)
    expected = snapshot(fixture_site / "public")
    (cache,) = (fixture_site / ".sitegen").glob("cache-*.sqlite")
    cache.write_bytes(b"this is not a database" * 100)
    result = build(fixture_site)
    assert any("cache" in warning for warning in result.warnings)
    assert snapshot(fixture_site / "public") == expected


def test_a_build_without_the_last_ones_records_leaves_identical_files_alone(fixture_site: Path) -> None:
    """A lost cache means re-rendering, not re-uploading: files whose bytes match keep their mtime."""
    build(fixture_site)
    before = mtimes(fixture_site / "public")
    shutil.rmtree(fixture_site / ".sitegen")
    (fixture_site / "public" / DAY1).write_text("changed by hand", encoding="utf-8")
    result = build(fixture_site)
    after = mtimes(fixture_site / "public")
    assert result.written == 1
    assert {path for path in before if after[path] != before[path]} == {DAY1}


@pytest.mark.parametrize(
    "damage",
    [b"\x00not marshal", b"\xe9\x00\x00\x00", marshal.dumps(["not", "a", "dict"]), marshal.dumps({DAY1: ("short",)})],
    ids=["garbage", "truncated", "a list", "short rows"],
)
def test_a_damaged_blob_in_the_cache_means_rebuilding_not_trusting(fixture_site: Path, damage: bytes) -> None:
    """A blob that no longer decodes to records (a torn write, a disk error) is read as empty."""
    import sqlite3

    build(fixture_site)
    expected = snapshot(fixture_site / "public")
    (fixture_site / "public" / DAY1).write_text("stale", encoding="utf-8")  # only a distrustful build repairs this
    (cache,) = (fixture_site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE shards SET data = ?", (damage,))
        db.execute("UPDATE files SET data = ?", (damage,))
        db.execute("UPDATE entries SET data = ?", (damage,))
    edit_entry(fixture_site)
    build(fixture_site)
    clean = copy_site(fixture_site, fixture_site.parent / "clean")
    build(clean)
    assert snapshot(fixture_site / "public") == snapshot(clean / "public")
    assert snapshot(fixture_site / "public") != expected


_real_run = parallel._run


def marking_run(indices: range) -> list[object]:
    """Leaves a file named after the worker's pid, so the test can see a fork happened."""
    (Path(os.environ["MARK_WORKERS_IN"]) / f"worker-{os.getpid()}").touch()
    return _real_run(indices)


def test_a_parallel_build_is_byte_identical_to_a_serial_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = copy_site(FIXTURE_SITE, tmp_path / "serial")
    monkeypatch.setenv("SITEGEN_WORKERS", "1")
    build(serial)
    forked = copy_site(FIXTURE_SITE, tmp_path / "forked")
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    monkeypatch.setattr("sitegen.parallel.PARALLEL_MIN", 1)
    monkeypatch.setenv("MARK_WORKERS_IN", str(tmp_path))
    monkeypatch.setattr(parallel, "_run", marking_run)
    build(forked)
    workers = [path for path in tmp_path.glob("worker-*") if path.name != f"worker-{os.getpid()}"]
    assert workers, "the build never forked a worker"
    assert snapshot(forked / "public") == snapshot(serial / "public")


@pytest.mark.parametrize("version", ["5", CACHE_VERSION], ids=["older version", "this version's number"])
def test_a_cache_laid_out_by_another_version_is_replaced(fixture_site: Path, version: str) -> None:
    """An upgrade meets the old version's tables, whose columns differ: they are dropped, not reused."""
    import sqlite3

    build(fixture_site)
    expected = snapshot(fixture_site / "public")
    (cache,) = (fixture_site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE meta SET value = ? WHERE name = 'version'", (version,))
        db.execute("DROP TABLE files")
        db.execute("CREATE TABLE files (rel TEXT PRIMARY KEY, size INTEGER NOT NULL, digest TEXT NOT NULL)")
        db.execute("CREATE TABLE outputs (path TEXT PRIMARY KEY, page_key TEXT NOT NULL)")
    result = build(fixture_site)
    assert any("build cache" in warning and "rebuilding it" in warning for warning in result.warnings)
    assert snapshot(fixture_site / "public") == expected
    again = build(fixture_site)
    assert (again.written, again.warnings) == (0, ())


def test_a_cache_from_another_version_is_discarded_not_trusted(fixture_site: Path) -> None:
    import sqlite3

    build(fixture_site)
    expected = snapshot(fixture_site / "public")
    (cache,) = (fixture_site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'version'")
        for shard, blob in db.execute("SELECT shard, data FROM shards WHERE name = 'outputs'").fetchall():
            forged = {path: (key, "forged", size) for path, (key, _sha, size) in marshal.loads(blob).items()}
            forged_row = (marshal.dumps(forged), shard)
            db.execute("UPDATE shards SET data = ? WHERE name = 'outputs' AND shard = ?", forged_row)
    edit_entry(fixture_site)
    result = build(fixture_site)
    assert any("another sitegen version" in warning for warning in result.warnings)
    clean = copy_site(fixture_site, fixture_site.parent / "clean")
    build(clean)
    assert snapshot(fixture_site / "public") == snapshot(clean / "public")
    assert snapshot(fixture_site / "public") != expected


def test_the_cache_forgets_parses_and_bodies_no_entry_has_any_more(fixture_site: Path) -> None:
    import sqlite3

    def rows() -> tuple[int, int]:
        (cache,) = (fixture_site / ".sitegen").glob("cache-*.sqlite")
        with sqlite3.connect(cache) as db:
            parses = sum(len(marshal.loads(data)) for (data,) in db.execute("SELECT data FROM entries"))
            return parses, db.execute("SELECT count(*) FROM html").fetchone()[0]

    build(fixture_site)
    first = rows()
    entry = fixture_site / "content/entries/2014/01/08/01-tuesday-summary.md"
    for word in ("one", "two", "three"):
        entry.write_text(entry.read_text() + f"\nAnd {word}.\n")
        build(fixture_site)
    assert rows() == first
