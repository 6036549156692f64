"""Hooks through which apps on higher floors add to the account pages without accounts importing
them (NetBox's template extensions, in small). An app registers in its AppConfig.ready():

- list annotators: `fn(accounts: list[SocialAccount]) -> None`, called once per list page with the
  page's accounts, to attach what the templates show (one query per hook, not per account);
- detail panels: `fn(request, account) -> (template_name, context) | None`;
- inventory actions: `fn(request) -> list[(label, url)]`, buttons on the inventory page (the
  exports add theirs; the URLs carry the page's filters).
"""

from collections.abc import Callable

from core import hooks

list_annotators: list[Callable] = []
detail_panels: list[Callable] = []
# "To do" sections from higher floors: `fn(user) -> (key, title, accounts, url_name)`, the key a
# slug naming the section (its page is /todo/<key>/), accounts a queryset with a total order, the
# URL name taking the account's pk (the to-do page lives in approvals, below records); optionally a
# fifth, count_from: a queryset with one row per account of the section that is cheaper to count.
todo_providers: list[Callable] = []
inventory_actions: list[Callable] = []
# Below the public directory's answer to "is this an official KI account?" (issue 14):
# `fn(request, answer: accounts.directory.CheckAnswer) -> (template_name, context) | None`
# (records adds the impostor report form and the "known impostor" warning).
directory_answer_panels: list[Callable] = []
# Fields added to /directory/check.json's answer: `fn(request, answer) -> dict` (records adds
# "known_impostor" and "report_url").
directory_check_fields: list[Callable] = []


def annotate(accounts) -> list:
    accounts = list(accounts)
    for hook in list_annotators:
        hook(accounts)
    return accounts


def panels(request, account) -> list[tuple[str, dict]]:
    return hooks.panels(detail_panels, request, account)


def answer_panels(request, answer) -> list[tuple[str, dict]]:
    return hooks.panels(directory_answer_panels, request, answer)


def check_fields(request, answer) -> dict:
    fields = {}
    for hook in directory_check_fields:
        fields.update(hook(request, answer))
    return fields


def inventory_actions_for(request) -> list[tuple[str, str]]:
    result = []
    for hook in inventory_actions:
        result.extend(hook(request))
    return result


# Buttons on a register page (accounts.registers): `fn(request, register) -> list[(label, url)]`
# (the reports floor adds the exports, carrying the page's filters).
register_actions: list[Callable] = []


def register_actions_for(request, register) -> list[tuple[str, str]]:
    result = []
    for hook in register_actions:
        result.extend(hook(request, register))
    return result
