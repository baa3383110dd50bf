"""dumps.toml: validated all at once, and no name can reach outside content/raw."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from importer_helpers import MakeSite

from sitegen.errors import SitegenError
from sitegen.importer.manifest import load_manifest, name_problem, select_dumps

DUMP = "LATEST: A Headline\n\nSome text.\n"


def test_manifest_facts_and_dated_files(make_site: MakeSite) -> None:
    site = make_site(
        {"a.txt": DUMP, "2014-01-10-extra.txt": DUMP},
        '["a.txt"]\ndate = 2014-01-08\ntitle = "Day title"\nurl = "https://example.org/"\n',
    )
    specs = load_manifest(site)
    assert [(s.name, s.date, s.title, s.url) for s in specs] == [
        ("a.txt", date(2014, 1, 8), "Day title", "https://example.org/"),
        ("2014-01-10-extra.txt", date(2014, 1, 10), None, None),
    ]


def test_string_dates_are_accepted(make_site: MakeSite) -> None:
    site = make_site({"a.txt": DUMP}, '["a.txt"]\ndate = "2014-01-08"\n')
    assert load_manifest(site)[0].date == date(2014, 1, 8)


def test_every_problem_is_reported_at_once_with_its_line(make_site: MakeSite) -> None:
    manifest = (
        '["a.txt"]\ndate = 2014-01-08\ncolour = "red"\n\n'  # unknown key (line 1)
        '["b.txt"]\ntitle = "no date"\n\n'  # missing date (line 5)
        '["missing.txt"]\ndate = 2014-01-09\n\n'  # file does not exist (line 8)
        '["c.txt"]\ndate = "yesterday"\n'  # bad date (line 11)
    )
    site = make_site({"a.txt": DUMP, "b.txt": DUMP, "c.txt": DUMP, "stray.txt": DUMP}, manifest)
    with pytest.raises(SitegenError) as caught:
        load_manifest(site)
    found = {(problem.line, problem.message.split(":")[-1].strip()) for problem in caught.value.problems}
    assert (1, "unknown key 'colour'") in found
    assert (5, "missing date") in found
    assert (8, "dump 'missing.txt' does not exist in content/raw") in {
        (p.line, p.message) for p in caught.value.problems
    }
    assert (11, "date must be a date like 2014-01-08") in found
    stray = [p for p in caught.value.problems if p.path is not None and p.path.name == "stray.txt"]
    assert stray and "no entry in dumps.toml and no date in its file name" in stray[0].message


@pytest.mark.parametrize(
    "name",
    ["../outside.txt", "/etc/passwd.txt", "sub/dir.txt", "a\\b.txt", "nul\x00.txt", "CON.txt", "aux.txt", ".x.txt"],
)
def test_names_that_could_escape_or_misbehave_are_refused(make_site: MakeSite, name: str) -> None:
    assert name_problem(name) is not None
    escaped = name.replace("\\", "\\\\").replace("\x00", "\\u0000")
    site = make_site({}, f'["{escaped}"]\ndate = 2014-01-08\n')
    with pytest.raises(SitegenError) as caught:
        load_manifest(site)
    assert caught.value.line == 1


def test_non_txt_names_are_refused() -> None:
    assert name_problem("dump.html") == "dump name must end in .txt"


def test_a_symlink_to_a_file_outside_raw_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(DUMP)
    site = make_site({}, '["link.txt"]\ndate = 2014-01-08\n')
    (site / "content" / "raw" / "link.txt").symlink_to(outside)
    with pytest.raises(SitegenError, match="links to a file outside content/raw"):
        load_manifest(site)


def test_invalid_toml_names_its_line(make_site: MakeSite) -> None:
    site = make_site({"a.txt": DUMP}, '["a.txt"]\ndate = \n')
    with pytest.raises(SitegenError, match="invalid TOML") as caught:
        load_manifest(site)
    assert caught.value.line == 2


def test_selecting_dumps_by_name_or_path(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"a.txt": DUMP, "b.txt": DUMP}, '["a.txt"]\ndate = 2014-01-08\n["b.txt"]\ndate = 2014-01-09\n')
    specs = load_manifest(site)
    assert [s.name for s in select_dumps(site, specs, ["b.txt"])] == ["b.txt"]
    assert [s.name for s in select_dumps(site, specs, [str(site / "content" / "raw" / "a.txt")])] == ["a.txt"]
    with pytest.raises(SitegenError, match="outside content/raw"):
        select_dumps(site, specs, [str(tmp_path / "elsewhere" / "a.txt")])
    with pytest.raises(SitegenError, match="does not exist"):
        select_dumps(site, specs, ["nope.txt"])
    with pytest.raises(SitegenError, match="outside content/raw"):
        select_dumps(site, specs, ["../a.txt"])
