"""The watcher: which paths count, one call per burst, editor saves by rename, polling."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.watch import InputFilter, Watcher
from tests.serve.conftest import ENTRY, save_by_rename, wait_until

QUIET = 0.6  # how long "nothing happened" is watched for


class Calls:
    """Records on_change calls from the watcher thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bursts: list[frozenset[Path]] = []

    def __call__(self, paths: frozenset[Path]) -> None:
        with self.lock:
            self.bursts.append(paths)

    @property
    def paths(self) -> set[Path]:
        with self.lock:
            return set().union(*self.bursts) if self.bursts else set()

    def count(self) -> int:
        with self.lock:
            return len(self.bursts)


@pytest.fixture
def watch(fixture_site: Path) -> Iterator[Callable[..., Calls]]:
    watchers: list[Watcher] = []

    def start(**options: object) -> Calls:
        calls = Calls()
        options.setdefault("ignore", [fixture_site / "public"])
        watcher = Watcher(fixture_site, calls, **options)  # type: ignore[arg-type]
        watcher.start()
        watchers.append(watcher)
        return calls

    yield start
    for watcher in watchers:
        watcher.stop()


@pytest.mark.parametrize(
    ("rel", "accepted"),
    [
        ("site.toml", True),
        ("content/topics.toml", True),
        ("content/entries/2014/01/08/03-bombings.md", True),
        ("content/raw/2014-01-10.txt", True),
        ("content/raw/dumps.toml", True),
        ("themes/default/templates/base.html", True),
        ("themes/default/static/style.css", True),
        ("content/entries/2014/01/08/.03-bombings.md.swp", False),
        ("content/entries/2014/01/08/03-bombings.md.swx", False),
        ("content/entries/2014/01/08/03-bombings.md~", False),
        ("content/entries/2014/01/08/4913", False),
        ("content/entries/2014/01/08/.#03-bombings.md", False),
        ("content/entries/2014/01/08/#03-bombings.md#", False),
        ("content/entries/2014/01/08/03-bombings.md.tmp", False),
        ("content/entries/2014/01/08/03-bombings.md___jb_tmp___", False),
        ("content/entries/2014/01/08/.goutputstream-X1Y2", False),
        ("content/.git/index", False),
        (".git/HEAD", False),
        (".sitegen/cache.sqlite", False),
        ("public/index.html", False),
        ("public/2014/01/08/index.html", False),
        (".public.sitegen-stage/index.html", False),
        ("README.md", False),
        ("notes/todo.md", False),
        ("site.toml.swp", False),
    ],
)
def test_input_filter(fixture_site: Path, rel: str, accepted: bool) -> None:
    check = InputFilter(fixture_site, ignore=[fixture_site / "public"])
    assert check.accepts(fixture_site / rel) is accepted


def test_output_inside_content_is_ignored(tmp_path: Path) -> None:
    check = InputFilter(tmp_path, ignore=[tmp_path / "content" / "out"])
    assert not check.accepts(tmp_path / "content" / "out" / "index.html")
    assert check.accepts(tmp_path / "content" / "outline.md")


def test_paths_outside_the_site_are_ignored(tmp_path: Path) -> None:
    check = InputFilter(tmp_path / "site")
    assert not check.accepts(tmp_path / "site.toml")
    assert not check.accepts(tmp_path / "other" / "content" / "x.md")


def test_a_burst_is_one_call(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch(debounce=0.5)
    folder = fixture_site / "content" / "entries" / "2014" / "03" / "01"
    folder.mkdir(parents=True)
    written = [folder / f"{n:02d}-entry.md" for n in range(20)]
    for path in written:
        path.write_text("x")
    wait_until(lambda: calls.count() >= 1, what="a call")
    time.sleep(QUIET + 0.5)
    assert calls.count() == 1
    assert set(written) <= calls.paths


def test_save_by_rename_is_seen_by_its_destination(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch()
    entry = fixture_site / ENTRY
    save_by_rename(entry, entry.read_text() + "\nEdited.\n")
    wait_until(lambda: entry in calls.paths, what="the renamed-over entry")
    assert all(path.name.endswith(".md") and not path.name.startswith(".") for path in calls.paths)


def test_vim_style_save_is_seen(watch: Callable[..., Calls], fixture_site: Path) -> None:
    """vim (backupcopy=no): write 4913 to probe, rename the file to a backup, write anew, delete the backup."""
    calls = watch()
    entry = fixture_site / ENTRY
    text = entry.read_text()
    probe = entry.with_name("4913")
    probe.write_text("")
    probe.unlink()
    os.replace(entry, entry.with_name(entry.name + "~"))
    entry.write_text(text + "\nEdited in vim.\n")
    entry.with_name(entry.name + "~").unlink()
    wait_until(lambda: entry in calls.paths, what="the saved entry")
    assert calls.paths == {entry}


def test_editor_litter_output_and_cache_never_trigger(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch()
    folder = (fixture_site / ENTRY).parent
    for name in (".03-bombings.md.swp", "03-bombings.md~", "4913", ".#03-bombings.md", "x.tmp"):
        (folder / name).write_text("litter")
        (folder / name).unlink()
    (fixture_site / "public" / "2014").mkdir(parents=True)
    (fixture_site / "public" / "2014" / "index.html").write_text("out")
    (fixture_site / ".sitegen").mkdir()
    (fixture_site / ".sitegen" / "cache.sqlite").write_text("cache")
    (fixture_site / ".git").mkdir()
    (fixture_site / ".git" / "index").write_text("git")
    (fixture_site / "README.md").write_text("readme")
    time.sleep(QUIET)
    assert calls.count() == 0


def test_reading_inputs_never_triggers(watch: Callable[..., Calls], fixture_site: Path) -> None:
    """A build opens every input; "opened"/"closed" events must not start the next build."""
    calls = watch()
    for path in (fixture_site / "content").rglob("*"):
        if path.is_file():
            path.read_bytes()
    time.sleep(QUIET)
    assert calls.count() == 0


def test_site_toml_topics_and_raw_dumps_are_watched(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch()
    (fixture_site / "site.toml").write_text((fixture_site / "site.toml").read_text() + "\n")
    topics = fixture_site / "content" / "topics.toml"
    topics.write_text(topics.read_text() + "\n")
    raw = fixture_site / "content" / "raw"
    raw.mkdir()
    (raw / "2014-01-10.txt").write_text("LATEST: something\n")
    wanted = {fixture_site / "site.toml", topics, raw / "2014-01-10.txt"}
    wait_until(lambda: wanted <= calls.paths, what="site.toml, topics.toml and the new dump")


def test_themes_created_after_start_are_watched(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch()
    templates = fixture_site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    time.sleep(0.3)  # the new folder is scheduled from its creation event
    template = templates / "base.html"
    template.write_text("<html></html>")
    wait_until(lambda: template in calls.paths, what="the new template")


def test_polling_sees_saves_by_rename(watch: Callable[..., Calls], fixture_site: Path) -> None:
    calls = watch(poll=True, poll_interval=0.1)
    entry = fixture_site / ENTRY
    save_by_rename(entry, entry.read_text() + "\nPolled.\n")
    wait_until(lambda: entry in calls.paths, what="the polled entry")


def test_changes_during_a_slow_callback_come_in_the_next_call(fixture_site: Path) -> None:
    bursts: list[frozenset[Path]] = []
    first_running = threading.Event()

    def slow(paths: frozenset[Path]) -> None:
        bursts.append(paths)
        if len(bursts) == 1:
            first_running.set()
            time.sleep(0.5)

    watcher = Watcher(fixture_site, slow)
    watcher.start()
    try:
        entry = fixture_site / ENTRY
        entry.write_text(entry.read_text() + "\none\n")
        assert first_running.wait(10)
        topics = fixture_site / "content" / "topics.toml"
        topics.write_text(topics.read_text() + "\n")
        wait_until(lambda: len(bursts) >= 2, what="a second call")
        assert topics in bursts[1]
    finally:
        watcher.stop()


def test_idle_is_called_once_after_a_burst_and_a_pause(fixture_site: Path) -> None:
    events: list[str] = []
    watcher = Watcher(
        fixture_site,
        lambda paths: events.append("change"),
        on_idle=lambda: events.append("idle"),
        idle_after=0.3,
    )
    watcher.start()
    try:
        time.sleep(0.5)
        assert events == []  # no burst yet: nothing to be idle after
        entry = fixture_site / ENTRY
        entry.write_text(entry.read_text() + "\none\n")
        wait_until(lambda: events == ["change", "idle"], what="a change, then idle")
        time.sleep(0.6)
        assert events == ["change", "idle"]  # once per pause, not a heartbeat
    finally:
        watcher.stop()
