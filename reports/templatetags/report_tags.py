"""Figures on screen and in the PDF, rounded exactly as the CSV writes them (reports.writers)."""

import datetime
import decimal

from django import template
from django.utils.formats import number_format

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
