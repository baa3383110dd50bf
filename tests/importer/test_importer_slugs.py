"""Slugs and write confinement: nothing a dump says can put a file outside content/entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.errors import SitegenError
from sitegen.importer.slugs import slugify, unique_slug
from sitegen.importer.write import atomic_write, confined
from sitegen.model import SLUG_MAX, SLUG_RE


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Islamic State of Iraq Bombings Tonight", "islamic-state-of-iraq-bombings-tonight"),
        (
            "Insurgents: ISIS No Longer “Brothers” But “Gangs of Baghdadi”",
            "insurgents-isis-no-longer-brothers-but-gangs-of-baghdadi",
        ),
        ("Government’s “Remarkable Steps”", "governments-remarkable-steps"),
        ("Ḥamā: Qalʿat al-Maḍīq", "hama-qalat-al-madiq"),
        ("../../etc/passwd", "etc-passwd"),
        ("", "entry"),
        ("—", "entry"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.text())
def test_any_title_gives_a_valid_slug(title: str) -> None:
    slug = slugify(title)
    assert SLUG_RE.match(slug) and len(slug) <= SLUG_MAX
    assert unique_slug(slug, {slug}) != slug and len(unique_slug(slug, {slug})) <= SLUG_MAX


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("Video: Insurgents Claim “Liberation” of Aleppo Children’s Hospital Used as Prison by Islamic State")
    assert slug == "video-insurgents-claim-liberation-of-aleppo-childrens-hospital-used-as-prison-by"


def test_unique_slug_counts_up() -> None:
    assert unique_slug("a", set()) == "a"
    assert unique_slug("a", {"a", "a-2"}) == "a-3"


@pytest.mark.parametrize("relative", ["../x.md", "/etc/passwd", "a/../../x.md", "C:/x.md", "a\\..\\x.md", "a\x00.md"])
def test_confined_refuses_paths_outside_the_root(tmp_path: Path, relative: str) -> None:
    with pytest.raises(SitegenError):
        confined(tmp_path / "entries", relative)


def test_confined_refuses_a_symlinked_folder_leading_outside(tmp_path: Path) -> None:
    root = tmp_path / "entries"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "2014").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SitegenError, match="leads outside"):
        confined(root, "2014/01/x.md")
    assert Path(confined(root, "2015/01/x.md")) == root / "2015/01/x.md"


def test_atomic_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]
