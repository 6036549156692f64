"""Hooks through which apps on higher floors add to the unit pages without org importing them
(like accounts.extensions for the account pages). An app registers in its AppConfig.ready():

- unit panels: `fn(request, unit) -> (template_name, context) | None`, shown on the unit page in
  the order the apps are installed (the accounts of the unit's subtree, the response-time link …);
- unit close hooks: `fn(*, actor, unit, successor) -> int`, called by org.services.unit_close
  inside its transaction: the app moves what belongs to the closed unit (its accounts, with their
  open requests) to the successor, auditing each move, and returns how many it moved;
- sub-unit columns: `fn(request, unit, children) -> (label, {child_pk: value}) | None`, a column
  of the page's "Units below" table (the number of accounts below each child …). A hook answers
  for all the children at once, with a fixed number of queries, never one per child;
- person panels: `fn(request, person) -> (template_name, context) | None`, shown on the People
  pages' person page (the accounts the person holds as owner or deputy).
"""

from collections.abc import Callable

from django.http import Http404

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


# People who leave KI (issue 13). org.services.person_leave calls each hook inside its transaction,
# after the person is marked as left: `fn(*, actor, person, left_on, reason, actor_repr)`. accounts queues the
# e-mails to the leaver's managers and comms with a link to the handover page; monitoring opens the
# no-owner / no-deputy findings of the leaver's accounts once the transaction commits.
person_left_hooks: list[Callable] = []

# Pages about a person that a higher app serves under /people/<id>/… (the bulk handover lists
# accounts, so it lives in accounts): `name -> view(request, pk)`, registered in AppConfig.ready().
person_pages: dict[str, Callable] = {}


def person_left(*, actor, person, left_on, reason: str, actor_repr: str | None = None) -> None:
    for hook in person_left_hooks:
        hook(actor=actor, person=person, left_on=left_on, reason=reason, actor_repr=actor_repr)


def person_page(name: str) -> Callable:
    """The view behind a person page's URL in org.urls_people: the one a higher app registered
    under `name`, looked up when the page is asked for (404 if no app registered it)."""

    def view(request, pk: int):
        page = person_pages.get(name)
        if page is None:
            raise Http404
        return page(request, pk)

    view.__name__ = f"person_page_{name}"
    return view


# Person panels (the People page's person, issue 13): `fn(request, person) -> (template_name,
# context) | None`, e.g. the accounts the person holds as owner or deputy (accounts).
person_panels: list[Callable] = []


def person_panel_list(request, person) -> list[tuple[str, dict]]:
    return hooks.panels(person_panels, request, person)
