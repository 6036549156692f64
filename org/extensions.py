"""Hooks through which apps on higher floors add to the unit pages without org importing them
(like accounts.extensions for the account pages). An app registers in its AppConfig.ready():

- unit panels: `fn(request, unit) -> (template_name, context) | None`, shown on the unit page in
  the order the apps are installed (the accounts of the unit's subtree, the response-time link …);
- unit close hooks: `fn(*, actor, unit, successor) -> int`, called by org.services.unit_close
  inside its transaction: the app moves what belongs to the closed unit (its accounts, with their
  open requests) to the successor, auditing each move, and returns how many it moved;
- sub-unit columns: `fn(request, unit, children) -> (label, {child_pk: value}) | None`, a column
  of the page's "Units below" table (the number of accounts below each child …). A hook answers
  for all the children at once, with a fixed number of queries, never one per child.
"""

from collections.abc import Callable

from core import hooks

unit_panels: list[Callable] = []
subunit_columns: list[Callable] = []
unit_close_hooks: list[Callable] = []


def panels(request, unit) -> list[tuple[str, dict]]:
    return hooks.panels(unit_panels, request, unit)


def subunit_table(request, unit, children) -> tuple[list[str], list[tuple]]:
    """The "Units below" table: the column labels of the hooks that answer, and one row per
    child, `(child, [value of each column])`."""
    columns = [column for hook in subunit_columns if (column := hook(request, unit, children))]
    rows = [(child, [values.get(child.pk) for _label, values in columns]) for child in children]
    return [label for label, _values in columns], rows
