"""Find a theme and fingerprint it.

A theme is looked up in the site's own ``themes/<name>/`` first, then in the
themes shipped with sitegen, so a site can override a single template and
inherit the rest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SitegenError

#: Where the default theme lives: inside the wheel, or at the top of a source checkout.
_PACKAGED = Path(__file__).resolve().parent / "themes"
_CHECKOUT = Path(__file__).resolve().parent.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    #: Template folders, the site's own first.
    template_dirs: tuple[Path, ...]
    #: Static folders, the site's own first; a file in an earlier one wins.
    static_dirs: tuple[Path, ...]


def builtin_themes_dir() -> Path:
    """The folder holding the themes shipped with sitegen."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def find_theme(site_dir: Path, name: str) -> Theme:
    """Resolve ``name`` to its template and static folders; a missing theme is a user error."""
    roots = [site_dir / "themes" / name, builtin_themes_dir() / name]
    found = [root for root in dict.fromkeys(root.resolve() for root in roots) if root.is_dir()]
    if not found:
        raise SitegenError(
            site_dir / "site.toml", None, f"theme '{name}' not found", f"looked in {roots[0]} and {roots[1]}"
        )
    return Theme(
        name=name,
        template_dirs=tuple(root / "templates" for root in found if (root / "templates").is_dir()),
        static_dirs=tuple(root / "static" for root in found if (root / "static").is_dir()),
    )


def fingerprint_files(folders: tuple[Path, ...]) -> str:
    """Hash of every file's name and bytes in ``folders``: changes when any template or asset does."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
