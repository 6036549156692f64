"""SocialAccountQuerySet.visible_in_unit (issue 12): the accounts of a unit's subtree that the user
may see, with the visibility test left out only where it removes nothing (a responsible manager
of the unit sees its whole subtree). The unit page's panel and sub-unit counts and the response
times page read it: each must show what visible_to(user).in_unit(unit) shows, for every kind of
user, and the sub-unit counts must agree with it."""

import pytest
from django.test import RequestFactory

from accounts.choices import AccountStatus, Classification
from accounts.models import SocialAccount
from accounts.selectors import social_account_counts_below
from accounts.views import unit_accounts_panel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(comms, outsider):
    head, dean, owner = (factories.UserFactory(username=n) for n in ("head", "dean", "owner-x"))
    top = factories.UnitFactory(manager=dean)
    department = factories.UnitFactory(parent=top, manager=head)
    division = factories.UnitFactory(parent=department)
    other = factories.UnitFactory(parent=top)
    accounts = [
        factories.staffed_account(unit=department, owner=owner),
        factories.staffed_account(unit=division, status=AccountStatus.DRAFT),
        factories.staffed_account(unit=division, classification=Classification.STUDENT_AMBASSADOR),
        factories.staffed_account(unit=division),
        factories.staffed_account(unit=other, status=AccountStatus.DRAFT),
    ]
    return {"users": [head, dean, owner, comms, outsider], "department": department, "accounts": accounts}


def test_it_shows_what_the_visibility_test_shows_to_everyone(tree):
    department = tree["department"]
    for user in tree["users"]:
        expected = set(SocialAccount.objects.visible_to(user).in_unit(department))
        assert set(SocialAccount.objects.visible_in_unit(user, department)) == expected, user.username


def test_a_responsible_manager_reads_the_subtree_without_the_visibility_test(tree):
    head, dean, owner = tree["users"][:3]
    department = tree["department"]
    # Above the department (dean) or of it (head): every account below it, drafts included.
    for manager in (head, dean):
        where = str(SocialAccount.objects.visible_in_unit(manager, department).query).split(" WHERE ")[1]
        assert "created_by_id" not in where and "accounts_assignment" not in where
        assert SocialAccount.objects.visible_in_unit(manager, department).count() == 4
    # Anyone else keeps the test: the owner sees their account and the public ones only.
    assert (
        "accounts_assignment" in str(SocialAccount.objects.visible_in_unit(owner, department).query).split(" WHERE ")[1]
    )
    assert SocialAccount.objects.visible_in_unit(owner, department).count() == 2


def test_the_unit_page_panel_and_sub_unit_counts_agree_with_it(tree):
    department = tree["department"]
    children = list(department.children.all())
    for user in tree["users"]:
        request = RequestFactory().get("/")
        request.user = user
        _template, panel = unit_accounts_panel(request, department)
        expected = set(SocialAccount.objects.visible_to(user).in_unit(department))
        assert {a.pk for a in panel["accounts"]} == {a.pk for a in expected}, user.username
        counts = social_account_counts_below(user=user, units=children, limit=1000)
        assert counts == {c.pk: SocialAccount.objects.visible_to(user).in_unit(c).count() for c in children}
