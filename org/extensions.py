"""Hooks through which apps on higher floors add to the unit pages without org importing them
(like accounts.extensions for the account pages). An app registers in its AppConfig.ready():

- unit panels: `fn(request, unit) -> (template_name, context) | None`, shown on the unit page in
  the order the apps are installed (the accounts of the unit's subtree, the response-time link …);
- sub-unit columns: `fn(request, unit, children) -> (label, {child_pk: value}) | None`, a column
  of the page's "Units below" table (the number of accounts below each child …). A hook answers
  for all the children at once, with a fixed number of queries, never one per child;
- person panels: `fn(request, person) -> (template_name, context) | None`, shown on the People
  pages' person page (the accounts the person holds as owner or deputy).
"""

from collections.abc import Callable

from core import hooks

unit_panels: list[Callable] = []
subunit_columns: list[Callable] = []


def panels(request, unit) -> list[tuple[str, dict]]:
    return hooks.panels(unit_panels, request, unit)


def subunit_table(request, unit, children) -> tuple[list[str], list[tuple]]:
    """The "Units below" table: the column labels of the hooks that answer, and one row per
    child, `(child, [value of each column])`."""
    columns = [column for hook in subunit_columns if (column := hook(request, unit, children))]
    rows = [(child, [values.get(child.pk) for _label, values in columns]) for child in children]
    return [label for label, _values in columns], rows


# Person panels (the People page's person, issue 13): `fn(request, person) -> (template_name,
# context) | None`, e.g. the accounts the person holds as owner or deputy (accounts).
person_panels: list[Callable] = []


def person_panel_list(request, person) -> list[tuple[str, dict]]:
    return hooks.panels(person_panels, request, person)
