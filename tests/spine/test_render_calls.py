"""Templates call plain functions directly, and everything else through Jinja's ``Context.call``: either way a
template prints exactly what it prints with Jinja's own environment."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest
from jinja2 import pass_context, pass_environment, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context

from sitegen.render import _Environment, plain_callable


@pass_context
def seen(context: Context, name: str) -> str:
    """What the template's context holds under ``name`` (loop and block variables included)."""
    return repr(context.get(name))


@pass_environment
def escaping(environment: jinja2.Environment) -> str:
    return str(environment.autoescape)


@pass_eval_context
def volatile(eval_ctx: EvalContext) -> str:
    return str(eval_ctx.autoescape)


class Counter:
    """A callable object whose ``__call__`` asks for the context, as Jinja allows."""

    @pass_context
    def __call__(self, context: Context) -> str:
        return str(len(list(context.keys())))


class Helpers:
    def shout(self, text: str) -> str:
        return text.upper() + "!"


def join(*parts: Any, sep: str = "-") -> str:
    return sep.join(map(str, parts))


GLOBALS = {"seen": seen, "escaping": escaping, "volatile": volatile, "counter": Counter(), "h": Helpers(), "join": join}

TEMPLATES = {
    "plain": "{{ join(1, 2, sep='+') }} {{ join(*[3, 4], **{'sep': '/'}) }} {{ h.shout('<hi>') }}"
    "{{ 'a,b'.split(',') }}",
    "builtins": "{{ range(3) | list }} {{ dict(a=1) }} {% set ns = namespace(n=1) %}{{ ns.n }}",
    "context in a loop": "{% for item in ['x', 'y'] %}{% set inner = item ~ '!' %}{{ seen('inner') }}{{ seen('item') }}"
    "{{ loop.cycle('odd', 'even') }}{% endfor %}",
    "context in a block": "{% block b %}{% set here = 7 %}{{ seen('here') }}{{ seen('outer') }}{% endblock %}",
    "environment and eval context": "{{ escaping() }} {{ volatile() }} {{ counter() }}",
    "macros and callers": "{% macro box(x) %}[{{ x }}{{ caller() if caller else '' }}]{% endmacro %}"
    "{{ box('<a>') }}{% call box(1) %}inside {{ seen('outer') }}{% endcall %}",
    "keyword arguments that are Python keywords": "{% macro m(class) %}{{ class }}{% endmacro %}{{ m(class='c') }}",
}


@pytest.mark.parametrize("source", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_a_template_prints_what_it_prints_with_jinjas_own_environment(source: str) -> None:
    ours, jinjas = _Environment(autoescape=True), jinja2.Environment(autoescape=True)
    for env in (ours, jinjas):
        env.globals.update(GLOBALS)
    assert "environment.plain_callable(context, " in str(ours.compile(source, raw=True))
    expected = jinjas.from_string(source).render(outer="<o>")
    assert ours.from_string(source).render(outer="<o>") == expected


def test_a_base_templates_blocks_and_super_calls_print_as_with_jinja() -> None:
    sources = {
        "base.html": "<{% block title %}base {{ seen('page') }}{% endblock %}|{% block other %}o{% endblock %}>",
        "page.html": "{% extends 'base.html' %}{% block title %}{{ super() }} and {{ self.other() }}{% endblock %}",
    }
    ours = _Environment(autoescape=True, loader=jinja2.DictLoader(sources))
    jinjas = jinja2.Environment(autoescape=True, loader=jinja2.DictLoader(sources))
    for env in (ours, jinjas):
        env.globals.update(GLOBALS)
    assert ours.get_template("page.html").render(page=1) == jinjas.get_template("page.html").render(page=1)


def test_only_plain_functions_are_called_directly() -> None:
    context = jinja2.Environment().from_string("").new_context()
    assert plain_callable(context, join, None, None) is join
    assert plain_callable(context, len, None, None) is len
    method = Helpers().shout
    assert plain_callable(context, method, None, None) == method
    for asks in (seen, escaping, volatile, Counter()):
        assert plain_callable(context, asks, None, None) is not asks
