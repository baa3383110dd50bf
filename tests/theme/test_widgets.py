"""The Python fragments (``ui``) and renderer memos against what they replaced.

``sitegen/widgets.py`` draws the theme's most-used fragments in Python, and
the macros in ``_macros.html`` now call it. Here the Jinja macros they replaced
(``reference_macros.html``) and the macros a site template still imports are
rendered side by side on generated entries, hostile strings included: the
bytes must be the same, or a site's pages would change with the speed-up.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import ChoiceLoader, DictLoader, UndefinedError
from markupsafe import Markup, escape

from sitegen.charts import sparkline
from sitegen.config import SiteConfig
from sitegen.fragments import SiteLinks, TemplateMemo
from sitegen.index import Day, Section, build_index
from sitegen.model import Content, Entry, Topic
from sitegen.render import Renderer
from sitegen.theme import Theme, builtin_themes_dir

REFERENCE = (Path(__file__).parent / "reference_macros.html").read_text(encoding="utf-8")
SITE = SiteConfig(title="T", base_url="https://example.org/a b/")
TOPICS = (
    Topic(slug="aleppo", name="Aleppo", kind="place"),
    Topic(slug="hostile", name='Tags <i>&</i> "quotes" </script>', kind="theme"),
)
CALLS = (
    "{{ chips(e) }}|{{ chips(e, filter=true) }}|{{ time_of(e) }}|{{ latest_marker() }}|{{ permalink(e) }}"
    "|{{ entry_block(e) }}|{{ headlines(day) }}|{{ code_css([e]) }}"
    "|{{ pager(prev, next, prev.title if prev else '', next.title if next else '', label, kind, '') }}"
    "|{{ pager(prev, none, 2014, '') }}|{{ breadcrumbs(items) }}|{{ breadcrumbs([]) }}"
    "|{{ date_crumbs(e.date) }}|{{ date_crumbs(e.date, items) }}"
)
IMPORT = (
    '{% from "_macros.html" import chips, time_of, latest_marker, permalink, entry_block, headlines, code_css,'
    " pager, breadcrumbs, date_crumbs %}"
)

text = st.text(alphabet=st.sampled_from("ab <>&\"'é/"), max_size=12)


@st.composite
def entries(draw: st.DrawFn, seq: int = 1) -> Entry:
    kind = draw(st.sampled_from(["entry", "lead"]))
    return Entry(
        path=f"2014/01/08/{seq:02d}.md",
        title=draw(text),
        date=date(2014, 1, draw(st.integers(1, 28))),
        time=draw(st.none() | st.sampled_from(["08:05", "23:59"])),
        seq=0 if kind == "lead" else seq,
        kind=kind,
        slug=draw(st.sampled_from(["e1", "a-b", "x"])),
        tags=tuple(draw(st.lists(st.sampled_from(["aleppo", "hostile", "unknown", "<b>"]), max_size=4))),
        latest=draw(st.booleans()),
        source="d.txt:1",
        draft=False,
        aliases=(),
        summary=None,
        body=draw(text),
        body_line=8,
        digest=f"d{seq}",
    )


def body_html(entry: Entry) -> str:
    code = '<pre class="highlight">x</pre>' if "a" in entry.body else ""
    return f"<p>{escape(entry.body)}</p>{code}\n"


def renderer() -> Renderer:
    theme = Theme("default", (builtin_themes_dir() / "default" / "templates",), ())
    archive = build_index(Content(entries=(), topics=TOPICS))
    made = Renderer(SITE, archive, theme, {"pygments.css": "static/pygments.1.css"}, body_html)
    theme_loader = made.env.loader
    assert theme_loader is not None
    extra = {"reference.html": REFERENCE, "same.html": "{{ site.title }}", "paged.html": "{{ page_url }}"}
    made.env.loader = ChoiceLoader([DictLoader(extra), theme_loader])
    return made


ENV = renderer().env
#: What topic.html and entry.html now write where they used to loop in Jinja.
INLINE = (
    "{% macro topic_days(entries) %}{% for date, group in ui.by_day(entries) %}\n"
    '<section class="day-summary" aria-labelledby="d-{{ date.isoformat() }}">\n'
    "{{ ui.entry_headlines(group) -}}\n</section>\n{% endfor %}{% endmacro %}"
    "{% macro article_tags(entry) %}{{ ui.article_tags(entry) }}{% endmacro %}"
    "{% macro key_events(entries) %}{{ ui.key_events(entries) }}{% endmacro %}"
)
LOOPS = "|{{ topic_days([e, other, e]) }}|{{ article_tags(e) }}|{{ key_events([e, other]) }}"
OLD = ENV.from_string(
    IMPORT.replace(" %}", ", topic_days, article_tags, key_events %}").replace("_macros.html", "reference.html")
    + CALLS
    + LOOPS
)
NEW = ENV.from_string(IMPORT + INLINE + CALLS + LOOPS)


@given(entries(1), entries(2), st.booleans(), text, text)
def test_fragments_are_the_bytes_the_jinja_macros_made(
    entry: Entry, other: Entry, has_prev: bool, label: str, kind: str
) -> None:
    context = {
        "e": entry,
        "other": other,
        "day": Day(date=entry.date, sections=(Section(dump="d.txt", lead=None, entries=(entry, other)),)),
        "prev": other if has_prev else None,
        "next": entry,
        "label": label,
        "kind": kind,
        "items": [("2014", "2014/"), (entry.title, entry.url)],
    }
    assert NEW.render(context) == OLD.render(context)


def test_the_template_memo_answers_as_the_functions_it_caches() -> None:
    entry = Entry(
        path="2014/01/08/01.md",
        title="t",
        date=date(2014, 1, 8),
        time=None,
        seq=1,
        kind="entry",
        slug="t",
        tags=(),
        latest=False,
        source=None,
        draft=False,
        aliases=(),
        summary=None,
        body="",
        body_line=1,
        digest="d",
    )
    html = "<p>one <b>two</b></p>\n<p>three &amp; four</p>"
    memo = TemplateMemo(lambda _entry: html)
    assert memo.excerpt(entry, 2) == "one two …"
    assert memo.excerpt(entry) == "one two three & four"
    assert memo.entry_markup(entry) == Markup(html)
    topic = (entry,)
    assert memo.sparkline(topic, "X") is memo.sparkline(topic, "X")
    assert memo.sparkline(topic, "X") == sparkline(topic, "X") == memo.sparkline([entry], "X")
    assert memo.has_code([entry]) is False


def test_a_fragment_is_rendered_once_and_sees_no_page_variables() -> None:
    made = renderer()
    assert made.fragment("same.html") == "T"
    assert made.fragment("same.html") is made.fragment("same.html")
    with pytest.raises(UndefinedError):
        made.fragment("paged.html")


def test_site_links_are_what_url_makes() -> None:
    links = SiteLinks.build(lambda path: "/a b/<" + path)
    assert links.home == escape("/a b/<") and links.sitemap == escape("/a b/<sitemap.xml")
