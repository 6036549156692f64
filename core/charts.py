"""Charts drawn on the server as inline SVG: no JavaScript, nothing from a CDN, and the same
markup works on screen and in WeasyPrint's PDF.

Every chart is an <svg role="img"> named by its <title> and described by its <desc>, which
states every value in words; pages also show the numbers in a table beside the chart, so a
screen-reader user loses nothing (WCAG 2.1, 1.1.1).
"""

import itertools
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#4f0433"  # KI plum: contrast 13:1 on white
GRID = "#6c757d"
TEXT = "#212529"
_ids = itertools.count(1)


def _value_text(value, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f} %" if percent else f"{value:g}"


def _svg(width, height, title, description, body) -> SafeString:
    n = next(_ids)
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="chart-t{n} chart-d{n}">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(description)}</desc>'
        f'<g font-family="DejaVu Sans, Arial, sans-serif" font-size="11" fill="{TEXT}">{body}</g></svg>'
    )


def describe(items: Sequence[tuple[str, float | None]], *, percent: bool = False) -> str:
    return "; ".join(f"{label}: {_value_text(value, percent)}" for label, value in items)


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    percent: bool = False,
    width: int = 640,
    label_width: int = 260,
) -> SafeString:
    """Horizontal bars, one per (label, value); for counts by rule or by unit."""
    row = 22
    height = row * max(len(items), 1) + 8
    top = max([v for _l, v in items if v is not None] or [0]) or 1
    scale_max = 1 if percent else top
    span = width - label_width - 70
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        length = 0 if value is None else span * value / scale_max
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{BAR}"></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 14}">{escape(_value_text(value, percent))}</text>'
        )
    return _svg(width, height, title, describe(items, percent=percent), "".join(parts))


def column_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    percent: bool = True,
    width: int = 640,
    height: int = 180,
) -> SafeString:
    """Vertical columns over time (e.g. weekly monitoring coverage), 0–100 % on the axis."""
    left, bottom, top_pad = 50, 28, 8
    plot_h = height - bottom - top_pad
    n = max(len(items), 1)
    step = (width - left - 8) / n
    top = 1 if percent else (max([v for _l, v in items if v is not None] or [0]) or 1)
    parts = [
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="{GRID}"></line>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}" stroke="{GRID}"></line>',
        f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end">{"100 %" if percent else escape(f"{top:g}")}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    label_every = max(1, round(n / 8))
    for i, (label, value) in enumerate(items):
        x = left + i * step + step * 0.15
        h = 0 if value is None else plot_h * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"></rect>'
        )
        if i % label_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}">{escape(label)}</text>')
    return _svg(width, height, title, describe(items, percent=percent), "".join(parts))
