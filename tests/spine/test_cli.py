"""The command line as a user meets it: help, exit codes, one-line errors, a new site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SITEGEN = [sys.executable, "-m", "sitegen"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # Buffered output, as most users have it: what sitegen prints must be flushed before it exits.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run([*SITEGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env)


def test_help_explains_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "import", "serve", "check", "new", "topics"):
        assert command in result.stdout
    build_help = run("build", "--help").stdout
    assert "--base-url" in build_help and "atomic" in build_help


def test_bad_front_matter_is_one_line_exit_2_and_no_traceback(fixture_site: Path) -> None:
    bad = fixture_site / "content/entries/2014/01/08/03-bombings.md"
    bad.write_text(bad.read_text().replace("seq: 3", "seq: three"))
    result = run("build", "--site", str(fixture_site))
    assert result.returncode == 2
    assert f"error: {bad}:5: 'seq' must be a whole number, 0 for the lead" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run("build", "--site", str(fixture_site), "--debug")
    assert "Traceback" in debug.stderr


def test_bad_config_reports_every_problem_and_exits_2(fixture_site: Path) -> None:
    (fixture_site / "site.toml").write_text('titel = "x"\npage_size = -1\n')
    result = run("build", "--site", str(fixture_site))
    assert result.returncode == 2
    assert "site.toml:1: unknown key 'titel'" in result.stderr
    assert "site.toml:2: 'page_size' must be at least 1" in result.stderr


def test_a_template_error_exits_1_and_keeps_the_previous_site(fixture_site: Path) -> None:
    assert run("build", "--site", str(fixture_site)).returncode == 0
    home = (fixture_site / "public/index.html").read_bytes()
    theme = fixture_site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "home.html").write_text("{{ missing_variable.attribute }}")
    result = run("build", "--site", str(fixture_site))
    assert result.returncode == 1
    assert "home.html" in result.stderr and "Traceback" not in result.stderr
    assert (fixture_site / "public/index.html").read_bytes() == home


def test_a_template_syntax_error_names_file_and_line(fixture_site: Path) -> None:
    theme = fixture_site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "year.html").write_text("line one\n{% if %}\n")
    result = run("build", "--site", str(fixture_site))
    assert result.returncode == 2
    assert "year.html:2: template syntax error" in result.stderr


def test_a_missing_theme_is_a_user_error(fixture_site: Path) -> None:
    config = fixture_site / "site.toml"
    config.write_text(config.read_text().replace('theme = "default"', 'theme = "nonesuch"'))
    result = run("build", "--site", str(fixture_site))
    assert result.returncode == 2
    assert "theme 'nonesuch' not found" in result.stderr


def test_quiet_build_prints_a_one_line_summary(fixture_site: Path) -> None:
    result = run("build", "--site", str(fixture_site), "--quiet")
    assert result.returncode == 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("built ") and "written" in lines[0]


def test_new_creates_a_site_that_builds(tmp_path: Path) -> None:
    site = tmp_path / "my-archive"
    assert run("new", str(site)).returncode == 0
    for name in ("site.toml", "content/raw/dumps.toml", "content/topics.toml"):
        assert (site / name).is_file()
    result = run("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "public/index.html").is_file()
    assert run("new", str(site)).returncode == 2
