"""Templates and widgets escape through ``html_text``: the text ``markupsafe.escape`` makes, without its wrapper."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from sitegen.escaping import html_text
from sitegen.render import _Environment


class HasHtml:
    def __html__(self) -> str:
        return "<b>safe</b>"


@given(st.text())
def test_text_is_escaped_as_markupsafe_escapes_it(text: str) -> None:
    assert html_text(text) == str(escape(text))
    assert type(html_text(text)) is str


def test_markup_and_other_values_print_as_escape_prints_them() -> None:
    for value in (Markup("<i>kept</i>"), 5, 2.5, None, HasHtml(), ["<x>"]):
        assert html_text(value) == str(escape(value))


def test_compiled_templates_print_through_it() -> None:
    env = _Environment(autoescape=True)
    assert "environment.output_escape(" in str(env.compile("{{ x }}", raw=True))
    template = env.from_string("{{ x }}|{{ y | safe }}|{% set z %}{{ x }}{% endset %}{{ z }}")
    assert template.render(x="<a & 'b'>", y="<b>") == "&lt;a &amp; &#39;b&#39;&gt;|<b>|&lt;a &amp; &#39;b&#39;&gt;"
