"""Hooks through which apps on higher floors add to the records pages without records importing
them (as accounts.extensions does for the account pages). An app registers in its AppConfig.ready():

- unit response figures: `fn(unit, now) -> dict | None`, a unit's ANS-1 figures (the keys of
  records.selectors.response_figures, plus `period_start`, `period_end` and `as_of`) from figures
  kept elsewhere: reports keeps them every night per unit and half year (reports.kept), so a
  department's response-time page reads one row instead of every question of its accounts
  (issue 12). None when none are kept for the unit: the page then computes them.
"""

from collections.abc import Callable

unit_response_figures: list[Callable] = []


def kept_unit_figures(unit, now) -> dict | None:
    """The first kept figures a provider has for the unit, or None."""
    for provider in unit_response_figures:
        figures = provider(unit, now)
        if figures is not None:
            return figures
    return None
