"""Build-time SVG charts: the calendar heatmap and the topic sparkline.

Charts are drawn here, in Python, rather than in the browser: the archive must
read without JavaScript, and a chart computed at build time costs no script,
no request and no layout shift. Everything is inlined as SVG text, so the
output must be byte-identical for the same input: only integers and fixed
formats go into the markup, and the order of elements follows the calendar.

Every text that reaches the markup passes through ``markupsafe.escape``; the
functions return ``Markup`` so templates insert them without double escaping.

``TEMPLATE_HELPERS`` is registered as Jinja globals by the renderer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from markupsafe import Markup, escape

from sitegen.index import Day, Year
from sitegen.jsonld import JSONLD_HELPERS
from sitegen.model import Entry

_DATE = attrgetter("date")

#: One calendar cell is CELL units wide, cells are STEP apart.
CELL = 10
STEP = 12
#: Room for the weekday labels on the left and the month labels on top.
LEFT = 28
TOP = 14
#: How many shades a day with entries can take (CSS classes hm1 … hm4; hm0 is a day without entries).
LEVELS = 4
#: The home page shows this many weeks up to the archive's last day.
RECENT_WEEKS = 53
#: The width (CSS px) a calendar is drawn at: a full year fills the theme's wide column
#: (52rem), a shorter span is drawn larger, up to MAX_ZOOM times, so a young archive's
#: calendar is not a postage stamp. CSS shrinks it on narrow screens.
TARGET_WIDTH = 832
MAX_ZOOM = 2
#: Never narrower than this (a cell of about 8.5 px): on a phone a year scrolls sideways
#: inside its box rather than shrinking into specks.
MIN_ZOOM = 0.85
#: A sparkline shows at least this many months.
SPARK_MONTHS = 12

_WEEKDAYS = ((0, "Mon"), (2, "Wed"), (4, "Fri"))

UrlFor = Callable[[str], str]


def entries_label(count: int) -> str:
    """'1 entry', '16 entries'; a day with only its lead says so instead of '0 entries'."""
    if count == 0:
        return "summary only"
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def day_label(day: date, count: int) -> str:
    """The tooltip and accessible name of a calendar cell: 'Wed 8 Jan 2014: 16 entries'."""
    return f"{day:%a} {day.day} {day:%b %Y}: {entries_label(count)}"


def level(count: int, most: int) -> int:
    """Shade 1 … LEVELS, proportional to the busiest day shown, so every chart uses its full scale."""
    if most <= 0 or count <= 0:
        return 1
    return max(1, min(LEVELS, -(-count * LEVELS // most)))


def _square(x: int, y: int) -> str:
    return f"M{x} {y}h{CELL}v{CELL}h-{CELL}z"


def calendar(days: Iterable[Day], start: date, end: date, url: UrlFor, label: str) -> Markup:
    """An SVG calendar from ``start`` to ``end``: a column per week (Monday on top), a link per day with entries.

    Days without a page are drawn as plain grey squares in a single path, so a
    sparse year costs a few bytes per empty day rather than an element each.
    """
    shown = [day for day in days if start <= day.date <= end]
    most = max((len(day.entries) for day in shown), default=0)
    origin = start - timedelta(days=start.weekday())
    weeks = (end - origin).days // 7 + 1
    width = LEFT + weeks * STEP
    height = TOP + 7 * STEP
    zoom = min(MAX_ZOOM, TARGET_WIDTH / width)

    def position(day: date) -> tuple[int, int]:
        offset = (day - origin).days
        return LEFT + (offset // 7) * STEP, TOP + (offset % 7) * STEP

    parts = [
        f'<svg class="heatmap" role="group" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="{round(width * zoom)}" height="{round(height * zoom)}" style="min-width:{round(width * MIN_ZOOM)}px">'
    ]
    last_label = -10
    first = date(start.year, start.month, 1)
    while first <= end:
        column = ((max(first, start) - origin).days) // 7
        if column - last_label >= 3 and weeks - column >= 2:
            parts.append(f'<text x="{LEFT + column * STEP}" y="{TOP - 4}">{first:%b}</text>')
            last_label = column
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    for row, name in _WEEKDAYS:
        parts.append(f'<text x="0" y="{TOP + row * STEP + CELL - 1}">{name}</text>')
    linked = {day.date: day for day in shown}
    empty: list[str] = []
    cells: list[str] = []
    current = start
    while current <= end:
        x, y = position(current)
        day = linked.get(current)
        if day is None:
            empty.append(_square(x, y))
        else:
            count = len(day.entries)
            cells.append(
                f'<a href="{escape(url(day.url))}"><title>{escape(day_label(current, count))}</title>'
                f'<path class="hm{level(count, most)}" d="{_square(x, y)}"/></a>'
            )
        current += timedelta(days=1)
    if empty:
        parts.append(f'<path class="hm0" d="{"".join(empty)}"/>')
    parts.extend(cells)
    parts.append("</svg>")
    return Markup("".join(parts))


def year_heatmap(year: Year, url: UrlFor) -> Markup:
    """The whole calendar year, 1 January to 31 December, for the year page."""
    return calendar(year.days, date(year.year, 1, 1), date(year.year, 12, 31), url, f"Entries per day in {year.year}")


def recent_heatmap(days: Sequence[Day], url: UrlFor, weeks: int = RECENT_WEEKS) -> Markup:
    """The last ``weeks`` weeks of the archive, ending on its last day, for the home page.

    Anchored on the archive's own last day, not today's date, so the same
    archive always draws the same chart.
    """
    if not days:
        return Markup("")
    end = days[-1].date
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    start = max(start, days[0].date)
    label = f"Entries per day from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    return calendar(days, start, end, url, label)


def heatmap_legend() -> Markup:
    """The 'fewer … more' key that goes under a heatmap; the shades are the chart's CSS classes."""
    swatches = "".join(f'<i class="hm{n}"></i>' for n in range(LEVELS + 1))
    return Markup(f'<p class="heatmap-legend" aria-hidden="true">Fewer {swatches} More</p>')


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def sparkline(entries: Sequence[Entry], name: str = "") -> Markup:
    """Entries per month, one bar a month, up to the topic's last entry.

    The span is the topic's own (the topic page's inputs say nothing about
    other topics): from its first entry, or SPARK_MONTHS back from its last
    when that is shorter (the months before a topic's first entry truly had
    none of its entries), so a one-month topic is one bar, not a slab. The
    SVG stretches to whatever width the CSS gives it.
    """
    if not entries:
        return Markup("")
    by_day = Counter(map(_DATE, entries))  # counted in C: a big topic has tens of thousands of entries
    counts: Counter[tuple[int, int]] = Counter()
    for day, count in by_day.items():
        counts[day.year, day.month] += count
    first, last = min(by_day), max(by_day)
    active = _months(first, last)
    back = last.year * 12 + last.month - SPARK_MONTHS
    months = _months(min(first, date(back // 12, back % 12 + 1, 1)), last)
    most = max(counts.values())
    peak = min(month for month in months if counts[month] == most)
    height = 24
    bars = []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        if count:
            bar = max(2, round(count * (height - 2) / most))
            bars.append(f"M{index * 4} {height}v-{bar}h3v{bar}z")

    def month_name(month: tuple[int, int]) -> str:
        return f"{date(month[0], month[1], 1):%b %Y}"

    span = month_name(active[0]) if len(active) == 1 else f"{month_name(active[0])} to {month_name(active[-1])}"
    prefix = f"{name}: " if name else ""
    label = f"{prefix}{entries_label(len(entries))}, {span}; busiest month {month_name(peak)} ({most})"
    width = len(months) * 4 - 1
    return Markup(
        f'<svg class="sparkline" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none" width="120" height="{height}"><title>{escape(label)}</title>'
        f'<path class="spark-base" d="M0 {height - 0.5}h{width}"/><path class="spark-bars" d="{"".join(bars)}"/></svg>'
    )


TEMPLATE_HELPERS: dict[str, Callable[..., Any]] = {
    "year_heatmap": year_heatmap,
    "recent_heatmap": recent_heatmap,
    "heatmap_legend": heatmap_legend,
    "sparkline": sparkline,
    "entries_label": entries_label,
    **JSONLD_HELPERS,
}
