"""``sitegen check``: passes on whole sites (also under a sub-path), names each broken thing as ``page: link``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitegen import check, reload
from sitegen.build import build
from sitegen.check import DEV_PATH, check_site
from sitegen.cli import main
from tests.conftest import REPO

SUB_PATH = "https://example.org/archive/"


def test_a_fresh_build_has_no_problems(built_fixture: Path) -> None:
    assert check_site(built_fixture.parent, built_fixture) == []


def test_every_internal_link_resolves_under_a_sub_path(fixture_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    build(fixture_site, out, base_url=SUB_PATH)
    assert check_site(fixture_site, out, base_url=SUB_PATH) == []
    home = (out / "index.html").read_text()
    assert 'href="/archive/static/style.' in home and 'href="/archive/feed.xml"' in home
    assert "https://example.org/archive/2014/" in (out / "feed.xml").read_text()


def test_a_site_built_for_the_root_fails_under_a_sub_path(built_fixture: Path) -> None:
    problems = check_site(built_fixture.parent, built_fixture, base_url=SUB_PATH)
    assert "index.html: /topics/ (outside the base path /archive/)" in problems
    assert "feed.xml: https://example.org/2014/02/01/aleppo-again/ (outside the base path /archive/)" in problems


def test_deleting_a_linked_page_is_reported_for_each_page_linking_to_it(
    built_fixture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(built_fixture / "2014/02/01/aleppo-again")
    problems = check_site(built_fixture.parent, built_fixture)
    assert "2014/02/01/index.html: /2014/02/01/aleppo-again/" in problems
    assert "topics/aleppo/index.html: /2014/02/01/aleppo-again/" in problems
    assert "feed.xml: https://example.org/2014/02/01/aleppo-again/" in problems
    assert all(": " in line for line in problems)

    assert main(["check", "--site", str(built_fixture.parent)]) == 1
    out, err = capsys.readouterr()
    assert "2014/02/01/index.html: /2014/02/01/aleppo-again/\n" in out
    assert "problem(s) found" in err


def test_the_command_passes_on_a_good_site(built_fixture: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--site", str(built_fixture.parent)]) == 0
    assert "no problems found" in capsys.readouterr().out


def test_a_missing_anchor_is_reported(built_fixture: Path) -> None:
    day = built_fixture / "2014/01/08/index.html"
    day.write_text(day.read_text().replace('id="islamic-state-of-iraq-bombings-tonight"', 'id="renamed"'))
    problems = check_site(built_fixture.parent, built_fixture)
    expected = (
        "islamic-state-of-iraq-bombings-tonight/index.html: /2014/01/08/#islamic-state-of-iraq-bombings-tonight "
        "(no element with id 'islamic-state-of-iraq-bombings-tonight')"
    )
    assert "2014/01/08/" + expected in problems
    same_page = "2014/01/08/index.html: #islamic-state-of-iraq-bombings-tonight (no element with id"
    assert any(line.startswith(same_page) for line in problems)  # the day's own key-events list


def test_a_page_no_archive_link_leads_to_is_unreachable(built_fixture: Path) -> None:
    orphan = built_fixture / "2014/01/08/orphan/index.html"
    orphan.parent.mkdir()
    shutil.copy(built_fixture / "2014/01/08/tuesday-summary/index.html", orphan)
    assert check_site(built_fixture.parent, built_fixture) == [
        "2014/01/08/orphan/index.html: not reachable from the home page"
    ]


def test_alias_redirect_pages_and_404_need_no_links(built_fixture: Path) -> None:
    alias = built_fixture / "2014/01/09/old-car-bomb/index.html"
    assert 'http-equiv="refresh"' in alias.read_text()
    assert (built_fixture / "404.html").is_file()
    assert check_site(built_fixture.parent, built_fixture) == []


def test_a_broken_feed_is_reported(built_fixture: Path) -> None:
    feed = built_fixture / "feed.xml"
    feed.write_bytes(feed.read_bytes()[:-40])
    atom = built_fixture / "atom.xml"
    atom.write_text(atom.read_text().replace("<title>", "<name>", 1).replace("</title>", "</name>", 1))
    problems = check_site(built_fixture.parent, built_fixture)
    assert any(line.startswith("feed.xml: does not parse as XML") for line in problems)
    assert "atom.xml: lacks feed <title>" in problems


def test_dev_server_leftovers_are_reported(built_fixture: Path) -> None:
    assert DEV_PATH == reload.PREFIX
    page = built_fixture / "2014/01/08/index.html"
    page.write_bytes(reload.inject(page.read_bytes(), "token"))
    problems = check_site(built_fixture.parent, built_fixture)
    assert "2014/01/08/index.html: /__sitegen/ (dev server leftover)" in problems
    assert "2014/01/08/index.html: /__sitegen/reload.js (live-reload script)" in problems


def test_redirect_targets_must_exist(fixture_site: Path) -> None:
    build(fixture_site)
    out = fixture_site / "public"
    assert "/2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/" in (out / "_redirects").read_text()
    shutil.rmtree(out / "2014/01/09/state-tv-car-bomb-in-hama-province-kills-17")
    assert "_redirects: /2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/" in check_site(fixture_site, out)


def test_check_without_a_built_site_is_a_user_error(fixture_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--site", str(fixture_site)]) == 2
    assert "no built site here" in capsys.readouterr().err


def test_the_bundled_archive_passes(request: pytest.FixtureRequest) -> None:
    if not (REPO / "site.toml").is_file() and not os.environ.get("CI"):
        pytest.skip("the repository has no site.toml yet")
    public: Path = request.getfixturevalue("bundled_public")
    assert check_site(public.parent, public) == []


def test_worker_processes_find_the_same_problems(built_fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big sites are parsed in a process pool; it must report exactly what one process does."""
    shutil.rmtree(built_fixture / "2014/02/01/aleppo-again")
    day = built_fixture / "2014/01/08/index.html"
    day.write_bytes(reload.inject(day.read_bytes(), "token"))
    alone = check_site(built_fixture.parent, built_fixture)
    monkeypatch.setattr(check, "PAGES_PER_TASK", 2)
    monkeypatch.setattr(check.os, "cpu_count", lambda: 4)
    pooled = check_site(built_fixture.parent, built_fixture)
    assert pooled == alone and len(alone) > 5
