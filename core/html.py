"""Writing repeated HTML in Python, for the few places where the template engine's cost per row
is most of a page's time (issue 12, third pass: the account tables, the directory's rows, the
select options of the filter forms). Each helper writes exactly what the template it replaces
wrote; the strings are plain ``str`` until the caller marks the whole as safe once.

- :func:`text`: a value escaped as the template engine escapes it (a safe string as it is);
- :func:`id_url`: an address with an object's id in it, reversed once for a whole table;
- :func:`rule_badge`: a finding's rule as a badge (``{% rule_badge f %}`` in templates, so
  that the markup is written in one place).
"""

import html
from collections.abc import Callable

from django.urls import reverse

# An id no table shows: reversed once, then replaced by each row's id.
_ID_PLACEHOLDER = "2147483647"


def text(value) -> str:
    """django.utils.html.conditional_escape without making a SafeString of each piece: a safe
    string as it is, anything else (a lazy translation too) escaped like django.utils.html.escape."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def id_url(viewname: str) -> Callable[[int], str]:
    """``lambda pk: reverse(viewname, args=[pk])``, escaped for an attribute, reversing once:
    a table of 25 rows called ``reverse`` 25 times for the same pattern (issue 12)."""
    url = reverse(viewname, args=[_ID_PLACEHOLDER])
    prefix, found, suffix = url.partition(_ID_PLACEHOLDER)
    if not found or _ID_PLACEHOLDER in suffix:  # a pattern that does not show the id once as it is
        return lambda pk: text(reverse(viewname, args=[pk]))
    prefix, suffix = text(prefix), text(suffix)
    return lambda pk: f"{prefix}{pk}{suffix}"


def rule_badge(finding) -> str:
    """A finding's rule in words (issue 15): the translated title, the rule's ID as a tooltip and
    data attribute; ``finding`` has ``severity``, ``rule`` and ``title`` (monitoring.selectors.OpenFinding)."""
    colour = "danger" if finding.severity == "high" else "warning"
    rule = text(finding.rule)
    return (
        f'<span class="badge text-bg-{colour} rule-badge me-1" title="{rule}" data-rule="{rule}">'
        f"{text(finding.title)}</span>"
    )
