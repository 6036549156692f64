"""Hooks through which apps on higher floors add to the unit pages without org importing them
(like accounts.extensions for the account pages). An app registers in its AppConfig.ready():

- unit panels: `fn(request, unit) -> (template_name, context) | None`, shown on the unit page in
  the order the apps are installed (the accounts of the unit's subtree, the response-time link …).
"""

from collections.abc import Callable

from core import hooks

unit_panels: list[Callable] = []


def panels(request, unit) -> list[tuple[str, dict]]:
    return hooks.panels(unit_panels, request, unit)
