"""``sitegen new DIR``: a working empty site for users not starting from this repository."""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import SitegenError

SITE_TOML = """# sitegen site settings. Unknown keys are errors, so typos cannot slip through.
title = "{title}"
# The address the site will be served from; feeds and canonical links use it.
# A sub-path works too: "https://example.org/archive/".
base_url = "http://127.0.0.1:8000/"
description = "An archive of a daily live blog."
language = "en"
theme = "default"
# Entries in each RSS/Atom feed, entries per topic page, days on the home page.
feed_length = 50
page_size = 50
home_days = 7
# Full-text search with Pagefind: "auto" (skip with a warning if unavailable), "required", or "off".
search = "auto"
"""

DUMPS_TOML = """# One table per raw dump in this folder: what the dump does not say about itself.
#
# ["2014-01-08-syria.txt"]              # a file named YYYY-MM-DD... needs no date here
# ["page-0042.txt"]
# date = 2014-01-08                     # required when the file name has no date
# title = "Syria Daily: ISIS driven out of Aleppo"   # optional: the day page's title
# url = "https://example.org/2014/01/syria-daily/"   # optional: where the page lived
"""

TOPICS_TOML = """# Topics: entries are tagged when their text names a topic or one of its aliases
# (whole words, ignoring case and accents).
#
# [aleppo]
# name = "Aleppo"
# kind = "place"            # group | place | person | theme | media
# aliases = ["Halab"]
# description = "Syria's largest city."

[video]
name = "Video"
kind = "media"
aliases = []
description = "Entries that carried video."

[photos]
name = "Photos"
kind = "media"
aliases = []
description = "Entries that carried photographs."

[audio]
name = "Audio"
kind = "media"
aliases = []
description = "Entries that carried audio."
"""

GITIGNORE = "/public/\n/.sitegen/\n"


def new_site(target: Path) -> list[Path]:
    """Create the files of an empty site in ``target``; refuse to overwrite an existing site."""
    if (target / "site.toml").exists():
        raise SitegenError(target / "site.toml", None, "a site already exists here", "choose an empty folder")
    files = {
        target / "site.toml": SITE_TOML.format(title=target.resolve().name.replace('"', "") or "Live blog archive"),
        target / "content" / "raw" / "dumps.toml": DUMPS_TOML,
        target / "content" / "topics.toml": TOPICS_TOML,
        target / "content" / "entries" / ".keep": "",
        target / ".gitignore": GITIGNORE,
    }
    for path, text in files.items():
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)
