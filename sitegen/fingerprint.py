"""What a build's outputs depend on besides the entries: sitegen's code, the libraries, theme and config.

Kept apart from the render stage (and free of its imports) so that the no-op
check, which runs before anything is rendered, costs no Jinja, Markdown or
Pagefind start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sitegen import __version__
from sitegen.config import SiteConfig
from sitegen.model import Topic
from sitegen.scan import FileStat, KnownFiles, Sources, hash_files
from sitegen.theme import Theme, fingerprint_files
from sitegen.topics import TOPICS_PATH

#: Distributions that turn an entry's Markdown into its body HTML.
MARKDOWN_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "pygments")
#: Distributions whose upgrade can change output bytes (HTML, highlighting, feeds, front matter reading).
OUTPUT_LIBRARIES = (*MARKDOWN_LIBRARIES, "jinja2", "markupsafe", "feedgen", "pyyaml")
#: Pagefind's PyPI distributions, most specific first: the first one installed is the one that runs.
PAGEFIND_DISTS = ("pagefind_bin_extended", "pagefind_bin", "pagefind")


def _dist_key(name: str) -> str:
    """A distribution name as wheel folder names spell it (PEP 503 normalised, dashes as underscores)."""
    return re.sub(r"[-_.]+", "_", name).lower()


@lru_cache(maxsize=1)
def _installed() -> dict[str, str | None]:
    """Distribution → version, from the metadata folders in ``sys.path``'s folders (first wins), as
    ``importlib.metadata`` finds them: ``name-version.dist-info``, or ``.egg-info`` (None: a
    version the folder name does not carry, asked of ``importlib.metadata``). Zips on the
    path are not looked into: no output library is installed as one.

    Every build asks for a dozen versions; importing ``importlib.metadata`` to do so
    cost more than a whole no-op build of a small site.
    """
    found: dict[str, str | None] = {}
    for folder in sys.path:
        with contextlib.suppress(OSError):
            for name in os.listdir(folder or "."):
                stem, _, suffix = name.rpartition(".")
                if suffix in ("dist-info", "egg-info") and stem:
                    dist, _, version = stem.partition("-")
                    exact = suffix == "dist-info" and version and "-" not in version
                    found.setdefault(_dist_key(dist), version if exact else None)
    return found


def _version(name: str) -> str:
    key = _dist_key(name)
    installed = _installed()
    if key not in installed:
        return ""
    version = installed[key]
    if version is not None:
        return version
    from importlib import metadata  # rare: an egg-info, whose folder name may not carry the version

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def pagefind_version() -> str:
    """The installed Pagefind binary's version ('' when it is not installed)."""
    for name in PAGEFIND_DISTS:
        version = _version(name)
        if version:
            return f"{name}-{version}"
    return ""


@lru_cache(maxsize=1)
def library_versions() -> str:
    """Versions of the libraries that shape output, so upgrading one never reuses stale pages."""
    return ",".join(f"{name}={_version(name)}" for name in OUTPUT_LIBRARIES)


@lru_cache(maxsize=1)
def markdown_key() -> str:
    """Identity of body rendering (sitegen/markdown.py and the libraries it drives), for the cached body HTML.

    Read from the source file rather than by importing it: a rebuild whose bodies
    are all cached never loads markdown-it or Pygments.
    """
    source = (Path(__file__).parent / "markdown.py").read_bytes()
    libraries = ",".join(_version(name) for name in MARKDOWN_LIBRARIES)
    return hashlib.sha256(source + libraries.encode()).hexdigest()[:16]


#: sitegen's modules that turn an entry file's bytes into an ``Entry`` (its fields and derived URLs).
PARSER_MODULES = ("content.py", "canonical.py", "frontmatter.py", "model.py")


@lru_cache(maxsize=1)
def parser_key() -> str:
    """Identity of entry parsing, for the cached parses: a sitegen that parses differently starts afresh."""
    digest = hashlib.sha256(_version("pyyaml").encode())
    for name in PARSER_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of sitegen's own source, so an upgraded (or edited) sitegen never reuses stale pages."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def site_fingerprint(config: SiteConfig, theme: Theme, topics: tuple[Topic, ...]) -> str:
    """Hash of every site-wide input: a change here re-renders every page."""
    theme_files = fingerprint_files(theme.template_dirs + theme.static_dirs)
    parts = [code_fingerprint(), library_versions(), repr(config), theme_files, repr(topics), pagefind_version()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def inputs_key(fingerprint: str, digests: Sequence[tuple[str, str]], strict: bool) -> str:
    """Hash of everything a build reads (site-wide inputs, each entry file's path and digest).

    Equal keys mean the site on disk is already current and the build can stop.
    """
    digest = hashlib.sha256(f"{fingerprint}|{strict}".encode())
    for rel, file_digest in digests:
        digest.update(f"{rel}\0{file_digest}\n".encode())
    return digest.hexdigest()


def _stats(folder: str, rel: str = "") -> list[tuple[str, FileStat]]:
    """Every file under ``folder`` with its stat, hidden files and symlinks included (unlike the
    entry scan): the importer decides what counts, so anything there may change what it does."""
    found: list[tuple[str, FileStat]] = []
    with os.scandir(os.path.join(folder, rel)) as scan:
        for item in scan:
            name = f"{rel}/{item.name}" if rel else item.name
            if item.is_dir():
                found.extend(_stats(folder, name))
            else:
                try:
                    found.append((name, FileStat.of(item.stat())))
                except FileNotFoundError:  # a dangling link: its own stat still tells when it changes
                    found.append((name, FileStat.of(item.stat(follow_symlinks=False))))
    return found


def import_inputs(site_dir: Path, known: KnownFiles) -> tuple[str, Sources]:
    """A key over everything the importer reads (content/raw, topics.toml, sitegen's code), by content.

    Equal to the key recorded when the last import started means importing again
    would write nothing, so ``sitegen build`` skips even loading the importer.
    Stats only decide which files must be read and hashed (as for entry files):
    a file whose stat changed, or was too recent to trust when recorded, is read.
    The returned sources are what to record for the next build.
    """
    scanned_ns = time.time_ns()
    raw = site_dir / "content" / "raw"
    found = [(f"content/raw/{rel}", stat) for rel, stat in _stats(str(raw))] if raw.is_dir() else []
    with contextlib.suppress(FileNotFoundError):
        found.append((TOPICS_PATH.as_posix(), FileStat.of((site_dir / TOPICS_PATH).stat())))
    sources = hash_files(site_dir, sorted(found), known, scanned_ns, unreadable_ok=True)
    digest = hashlib.sha256(code_fingerprint().encode())
    for source in sources.files:
        digest.update(f"{source.rel}\0{source.digest}\n".encode())
    return digest.hexdigest(), sources
