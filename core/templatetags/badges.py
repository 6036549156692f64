"""``{% rule_badge f %}``: a finding's rule as a badge, written by core.html.rule_badge (the one
place its markup is written: the account tables write it in Python too)."""

from django import template
from django.utils.safestring import mark_safe

from core.html import rule_badge as _rule_badge

register = template.Library()


@register.simple_tag
def rule_badge(finding):
    return mark_safe(_rule_badge(finding))
