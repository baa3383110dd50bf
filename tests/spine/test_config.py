"""site.toml: typed, validated, every error at once, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import SiteConfig, load_config, parse_config
from sitegen.errors import SitegenError


def test_a_full_config_is_read_into_typed_fields(tmp_path: Path) -> None:
    text = 'title = "T"\nbase_url = "https://example.org/archive"\nfeed_length = 10\npage_size = 5\nsearch = "off"\n'
    config = parse_config(text, tmp_path / "site.toml")
    assert config == SiteConfig(
        title="T", base_url="https://example.org/archive/", feed_length=10, page_size=5, search="off"
    )
    assert config.base_path == "/archive/"


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    text = 'title = "T"\npage_sise = 5\nfeed_length = "many"\nbase_url = "example.org"\nsearch = "maybe"\n'
    with pytest.raises(SitegenError) as caught:
        parse_config(text, tmp_path / "site.toml")
    found = [(problem.line, problem.message) for problem in caught.value.problems]
    assert found == [
        (2, "unknown key 'page_sise'"),
        (3, "'feed_length' must be a whole number, not str"),
        (4, "'base_url' must be an absolute http(s) URL, e.g. https://example.org/archive/"),
        (5, "'search' must be one of auto, required, off"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("page_size = 0\n", "'page_size' must be at least 1"),
        ("home_days = true\n", "'home_days' must be a whole number, not bool"),
        ('theme = "../evil"\n', "'theme' must be a plain folder name"),
        ("title = 3\n", "'title' must be a string, not int"),
    ],
)
def test_wrong_values_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SitegenError) as caught:
        parse_config(text, tmp_path / "site.toml")
    assert caught.value.message == message
    assert caught.value.line == 1


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as caught:
        parse_config('title = "T"\nbase_url = \n', tmp_path / "site.toml")
    assert caught.value.line == 2
    assert caught.value.message.startswith("invalid TOML")


def test_a_missing_site_toml_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as caught:
        load_config(tmp_path)
    assert caught.value.message == "no site.toml here"
    assert "sitegen new" in caught.value.hint


def test_base_url_flag_overrides_the_file_and_is_validated(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text('base_url = "https://a.example/"\n', encoding="utf-8")
    assert load_config(tmp_path, "https://b.example/x").base_url == "https://b.example/x/"
    with pytest.raises(SitegenError):
        load_config(tmp_path, "ftp://b.example/")
