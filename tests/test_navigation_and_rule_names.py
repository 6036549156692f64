"""Issue 15, seen as a Swedish user: findings show the rule's translated title (the ID only as a
secondary detail), and the grouped navigation shows each role only the groups it can use."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring.rules import RULES
from tests import factories

pytestmark = pytest.mark.django_db


def swedish(text) -> str:
    with translation.override("sv"):
        return str(text)


def badges(html: str) -> list[tuple[str, str]]:
    """(data-rule, shown text) of each rule badge on the page."""
    return re.findall(r'<span class="badge[^"]*rule-badge[^"]*" title="[^"]*" data-rule="([^"]+)">([^<]+)</span>', html)


def test_inventory_and_today_show_the_rules_translated_title(client, owner):
    """The badges read "Kontot saknar ersättare", not `no-deputy`; the ID is the tooltip."""
    account = factories.staffed_account(owner=owner)
    factories.FindingFactory(account=account, rule="no-deputy")
    client.force_login(owner)
    title = swedish(RULES["no-deputy"].title)
    assert title != "The account has no deputy"  # the catalogue translates it

    for url in (reverse("accounts:inventory"), reverse("monitoring:today")):
        html = client.get(url).content.decode()
        assert badges(html) == [("no-deputy", title)], url
        assert ">no-deputy<" not in html


def test_account_findings_and_overview_name_the_rule_in_words(client, comms):
    account = factories.staffed_account()
    factories.FindingFactory(account=account, rule="no-owner")
    client.force_login(comms)
    title = swedish(RULES["no-owner"].title)

    monitoring_page = client.get(reverse("monitoring:account", args=[account.pk])).content.decode()
    assert f'<strong data-rule="no-owner">{title}</strong>' in monitoring_page
    overview = client.get(reverse("monitoring:overview")).content.decode()
    assert f'{title} <span class="small">' in overview  # the open findings: title first, ID after


GROUPS = ("nav-accounts", "nav-records", "nav-followup", "nav-admin")


def groups_shown(client) -> set[str]:
    html = client.get(reverse("accounts:inventory")).content.decode()
    return {group for group in GROUPS if f'id="{group}"' in html}


@pytest.mark.parametrize(
    "role, expected",
    [
        # Everyone has registers (the records of their own accounts, issue 14).
        ("owner", {"nav-accounts", "nav-records"}),
        # Auditors read the platform catalogue, impostor cases and webhooks (issue 14).
        ("auditor", {"nav-accounts", "nav-records", "nav-followup", "nav-admin"}),
        ("comms", {"nav-accounts", "nav-records", "nav-followup", "nav-admin"}),
    ],
)
def test_each_role_sees_only_the_groups_it_can_use(client, request, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert groups_shown(client) == expected


def test_a_manager_sees_follow_up(client, manager):
    factories.UnitFactory(manager=manager)
    client.force_login(manager)
    assert "nav-followup" in groups_shown(client) and "nav-admin" not in groups_shown(client)


def test_the_group_of_the_current_page_is_marked(client, comms):
    client.force_login(comms)
    html = client.get(reverse("accounts:mine")).content.decode()
    toggle = re.search(r'<button[^>]*id="nav-accounts"', html).group(0)
    assert " active" in toggle
    assert f'href="{reverse("accounts:mine")}" aria-current="page"' in html
