"""Render stage: a ``Page`` → bytes, with Jinja2 (autoescape, StrictUndefined) or feedgen.

The renderer holds only read-only references (config, archive, theme, asset
map, the entry-HTML cache) and memos whose every answer is a pure function of
its key (``fragments.TemplateMemo``, ``widgets.Widgets``), so pages can be
rendered in any order or in parallel worker processes and still come out
byte-identical.

Templates see, besides ``site``, ``archive``, ``url``, ``abs_url``, ``asset``,
``entry_html``, ``excerpt``, ``topic_for`` and the chart and JSON-LD helpers:
``links`` (the site-wide URLs, escaped once), ``ui`` (the shared fragments,
drawn in Python), ``fragment(name)`` (a page-independent template, rendered
once) and ``has_code(entries)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.nodes import Expr
from jinja2.runtime import Context
from markupsafe import Markup

from sitegen.charts import TEMPLATE_HELPERS
from sitegen.config import SiteConfig
from sitegen.errors import BuildFailed, SitegenError
from sitegen.escaping import html_text
from sitegen.feeds import render_feed
from sitegen.fragments import SiteLinks, TemplateMemo
from sitegen.index import Archive
from sitegen.model import Entry
from sitegen.pages import Page
from sitegen.theme import Theme
from sitegen.widgets import Widgets


@lru_cache(maxsize=8192)
def long_date(day: date) -> str:
    """'Wednesday 8 January 2014': the way the blog itself wrote dates (cached: strftime's names are slow)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


class _CodeGenerator(CodeGenerator):
    """Jinja's compiler, with autoescaped output printed through ``html_text`` (sitegen/escaping.py), and
    calls to plain functions made directly (see ``plain_callable``)."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.output_escape(")  # `environment` is a global of every compiled template
        if finalize.src is not None:
            self.write(finalize.src)

    @optimizeconst
    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if forward_caller or self.environment.is_async or self.environment.sandboxed:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("environment.plain_callable(context, ")
        self.visit(node.node, frame)
        # What Jinja's own call passes on to a function that asks for the context (see ``Context.call``).
        self.write(", _loop_vars" if frame.loop_frame else ", None")
        self.write(", _block_vars)(*()" if frame.block_frame else ", None)(*()")  # ``signature`` leads with a comma
        self.signature(node, frame)
        self.write(")")


_PLAIN_TYPES = frozenset({FunctionType, MethodType, BuiltinFunctionType})


def plain_callable(
    context: Context, func: Any, loop_vars: dict[str, Any] | None, block_vars: dict[str, Any] | None
) -> Callable[..., Any]:
    """What a template's call ``func(...)`` calls: ``func`` itself when it is a plain function (asking for
    neither the context nor the environment), else Jinja's own ``Context.call`` bound to it.

    Jinja sends every call in a template through ``Context.call``, whose checks for those requests
    took about a sixth of the render stage (350k calls of sitegen's helpers for a 10k-entry site,
    profiled). The one difference for a plain function: a ``StopIteration`` it raises is an error,
    where Jinja would print it as undefined.
    """
    if type(func) in _PLAIN_TYPES and not hasattr(func, "jinja_pass_arg"):
        return func  # type: ignore[no-any-return]
    return partial(context.call, func, _loop_vars=loop_vars or {}, _block_vars=block_vars or {})


#: Compiled templates are cached under this name pattern; a new code generator needs a new one.
BYTECODE_PATTERN = "sitegen-2-%s.cache"


class _Environment(jinja2.Environment):
    """Jinja's environment with each template's globals in one flat dict, printing through ``output_escape``.

    Jinja chains a template's own globals over the environment's (a ``ChainMap``), so
    that globals added later still show; every render then copies that chain key by key
    in Python, about a sixth of the time an entry page took. The renderer sets all its
    globals before it loads a template and never changes them, as Jinja asks, so a
    flat copy holds the same names and values.
    """

    code_generator_class = _CodeGenerator
    output_escape = staticmethod(html_text)
    plain_callable = staticmethod(plain_callable)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class Renderer:
    """Turns pages into bytes; one per build (or per worker process)."""

    def __init__(
        self,
        config: SiteConfig,
        archive: Archive,
        theme: Theme,
        asset_urls: Mapping[str, str],
        entry_html: Callable[[Entry], str],
        bytecode_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.archive = archive
        self.entry_html = entry_html
        bytecode = jinja2.FileSystemBytecodeCache(str(bytecode_dir), BYTECODE_PATTERN) if bytecode_dir else None
        self.env = _Environment(
            loader=jinja2.FileSystemLoader([str(path) for path in theme.template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates cannot change during a build (a change makes a new build with a new
            # renderer), so skip the three stat() calls per page that checking for it cost.
            auto_reload=False,
            # Compiled templates are reused across builds: compiling them costs more than a small rebuild.
            bytecode_cache=bytecode,
        )
        base_path = config.base_path

        def url(path: str = "") -> str:
            return base_path + path.lstrip("/")

        def abs_url(path: str = "") -> str:
            return config.base_url + path.lstrip("/")

        def asset(name: str) -> str:
            if name not in asset_urls:
                raise BuildFailed(f"template asks for asset '{name}', which the theme does not have")
            return url(asset_urls[name])

        memo = TemplateMemo(entry_html)
        self.env.filters["longdate"] = long_date
        self.env.globals.update(TEMPLATE_HELPERS)
        self.env.globals.update(
            site=config,
            archive=archive,
            url=url,
            abs_url=abs_url,
            asset=asset,
            entry_html=memo.entry_markup,
            excerpt=memo.excerpt,
            topic_for=archive.topics_by_slug.get,
            sparkline=memo.sparkline,
            has_code=memo.has_code,
            links=SiteLinks.build(url),
            ui=Widgets(url, archive.topics_by_slug, memo.entry_markup),
            fragment=self.fragment,
        )
        self._fragments: dict[str, Markup] = {}

    def fragment(self, name: str) -> Markup:
        """The template ``name`` rendered with the globals alone, once per renderer.

        For what is the same on every page (the site header and footer): rendering it
        once saves a dozen lookups and escapes per page. It sees no page variables, so
        it cannot come out differently from one page to the next (asking for one is an
        undefined-variable error naming the template).
        """
        done = self._fragments.get(name)
        if done is None:
            done = self._fragments[name] = Markup(self.env.get_template(name).render())
        return done

    def render(self, page: Page) -> bytes:
        """Produce the page's bytes; template problems become errors naming file and line."""
        if page.kind in ("rss", "atom"):
            return render_feed(
                page.kind,
                self.config,
                page.context["entries"],
                page.path,
                self.entry_html,
                topic=page.context.get("topic"),
            )
        try:
            template = self.env.get_template(page.template)
            text = template.render(page.context)
        except jinja2.TemplateNotFound as exc:
            raise SitegenError(None, None, f"template '{exc.name}' not found in theme '{self.config.theme}'") from None
        except jinja2.TemplateSyntaxError as exc:
            raise SitegenError(exc.filename or exc.name, exc.lineno, f"template syntax error: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise BuildFailed(f"{_template_location(exc)}rendering {page.path} failed: {exc}") from None
        return text.encode("utf-8")


def _template_location(exc: BaseException) -> str:
    """Best-effort ``file:line: `` of the template frame that raised, from the traceback."""
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")) and Path(filename).exists():
            where = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where
