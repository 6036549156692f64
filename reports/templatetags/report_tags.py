"""Figures on screen and in the PDF, rounded exactly as the CSV writes them (reports.writers)."""

import base64
import datetime
import decimal
import html
import re

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from monitoring.rules import rule_title as rule_title_of

register = template.Library()


@register.filter
def percent(value):
    """0.8709… -> "87.1 %" ("87,1 %" in Swedish); None -> "–". Half-up to one decimal, like the CSV."""
    if value is None or value == "":
        return "–"
    share = (decimal.Decimal(str(value)) * 100).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
    return f"{number_format(share, 1)} %"


@register.filter
def figure(value, kind):
    """One cell of a report table by the figure's kind."""
    if kind == "percent":
        return percent(value)
    if value is None or value == "":
        return "–" if kind != "text" else ""
    if kind == "date" and isinstance(value, datetime.date):
        return value.isoformat()
    if kind == "decimal":
        return number_format(value, 1)
    return value


@register.filter
def get(row, key):
    return row.get(key)


@register.filter
def signed(value, kind):
    """A change with its sign: +3, −2, +4.5 percentage points (percent figures are shares)."""
    if value is None:
        return ""
    if kind == "percent":
        points = (decimal.Decimal(str(value)) * 100).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)
        sign = "+" if points > 0 else ("−" if points < 0 else "±")
        return f"{sign}{number_format(abs(points), 1)} {_('percentage points')}"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value)}"


@register.filter
def rule_title(rule_id):
    """A rule by its translated name (the ID is shown beside it as a secondary detail)."""
    return rule_title_of(rule_id)


@register.filter
def as_img(svg):
    """An inline SVG chart as an <img> with its title and description as the alternative text: in
    the tagged PDF an image is a Figure with /Alt, which a screen reader reads (WeasyPrint does not
    tag inline SVG)."""
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    alt = ". ".join(html.unescape(m.group(1)) for m in (title, desc) if m)
    data = base64.b64encode(str(svg).encode()).decode()
    return format_html('<img class="chart" src="data:image/svg+xml;base64,{}" alt="{}">', data, alt)
