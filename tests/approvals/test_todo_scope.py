"""The to-do's sections read the accounts without the visibility test (issue 12: visible ∧
managed = managed); these tests hold them to it: whatever the role, no section lists an account
the user may not see (DESIGN.md, who sees what; START-1, RESP-1), and each still lists what waits
for the user."""

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus, Classification, Origin
from accounts.models import SocialAccount
from approvals.selectors import todo_for
from tests import factories

pytestmark = pytest.mark.django_db

S = AccountStatus


@pytest.fixture
def scene(org, head, requester, owner):
    """Accounts in every status and of both classifications, imported and requested, in the head's
    department, below it, and in the sibling department; some requested by `requester`, some
    held by `owner`."""
    made = []
    for unit in (org.department, org.division, org.sibling):
        for status in S.values:
            for classification in Classification.values:
                for origin in (Origin.IMPORT, Origin.REQUEST):
                    made.append(
                        factories.SocialAccountFactory(
                            unit=unit, status=status, classification=classification, origin=origin
                        )
                    )
    for account in made[::7]:
        factories.AssignmentFactory(account=account, person=owner)
    SocialAccount.objects.filter(pk__in=[a.pk for a in made[::5]]).update(created_by=requester)
    return made


@pytest.mark.usefixtures("scene")
@pytest.mark.parametrize("who", ["head", "dean", "other_head", "requester", "owner", "outsider", "comms", "auditor"])
def test_no_todo_section_lists_an_account_the_user_may_not_see(who, request):
    """DESIGN.md (who sees what), issue 12: each section is a part of what the user may see."""
    user = request.getfixturevalue(who)
    visible = set(SocialAccount.objects.visible_to(user).values_list("pk", flat=True))

    for key, accounts in todo_for(user=user).items():
        listed = set(accounts.values_list("pk", flat=True))
        assert listed <= visible, (who, key, listed - visible)


def test_the_managers_retroactive_section_lists_their_subtrees_imported_accounts(scene, head, org):
    """START-1, RESP-1: the head confirms the imported active and decommissioning accounts of
    their department and the units below it, none of the sibling department's."""
    expected = {
        a.pk
        for a in scene
        if a.unit_id in (org.department.pk, org.division.pk)
        and a.origin == Origin.IMPORT
        and a.status in (S.ACTIVE, S.DECOMMISSIONING)
    }

    listed = set(todo_for(user=head)["retroactive"].values_list("pk", flat=True))

    assert listed == expected and expected


def test_a_long_section_says_more_than_the_limit(client, scene, head, settings, monkeypatch):
    """Issue 12: a section's count on the to-do page is a badge like the navigation's queue counts:
    it stops at QUEUE_COUNT_LIMIT ("fler än 5"), up to it the exact number; the section's own page
    counts up to PAGINATION_COUNT_LIMIT."""
    from accounts import registers

    client.force_login(head)
    monkeypatch.setattr(registers, "QUEUE_COUNT_LIMIT", 5)
    settings.PAGINATION_COUNT_LIMIT = 5

    html = client.get(reverse("approvals:todo"), headers={"accept-language": "sv"}).content.decode()
    section = client.get(reverse("approvals:todo-section", args=["retroactive"]), headers={"accept-language": "sv"})

    assert '<span class="badge text-bg-secondary">fler än 5</span>' in html
    # The whole section, a page of 25 at a time, counts up to the end of its page: all 8.
    assert '<span class="badge text-bg-secondary">8</span>' in section.content.decode()
    monkeypatch.setattr(registers, "QUEUE_COUNT_LIMIT", 8)
    html = client.get(reverse("approvals:todo"), headers={"accept-language": "sv"}).content.decode()
    assert '<span class="badge text-bg-secondary">8</span>' in html


def test_the_decision_page_counts_the_units_accounts_up_to_the_limit(
    client, org, head, requester, settings, monkeypatch
):
    """Issue 12, START-1: the manager deciding sees the unit's first accounts and a link to all of
    them, counted up to PAGINATION_COUNT_LIMIT ("fler än 2") and exactly below it."""
    from approvals import views

    monkeypatch.setattr(views, "UNIT_ACCOUNTS_SHOWN", 1)
    request = factories.SocialAccountFactory(
        unit=org.department, status=S.AWAITING_MANAGER, created_by=requester, activated_at=None
    )
    for _ in range(3):
        factories.SocialAccountFactory(unit=org.division)
    client.force_login(head)
    page = reverse("approvals:detail", args=[request.pk])

    settings.PAGINATION_COUNT_LIMIT = 2
    bounded = client.get(page, headers={"accept-language": "sv"}).content.decode()
    settings.PAGINATION_COUNT_LIMIT = 3
    exact = client.get(page, headers={"accept-language": "sv"}).content.decode()

    assert "Alla enhetens fler än 2 konton i kontoförteckningen" in bounded
    assert "Alla enhetens 3 konton i kontoförteckningen" in exact


@pytest.mark.parametrize("who", ["head", "dean", "other_head", "owner", "outsider"])
def test_the_coverage_gap_and_publisher_counts_are_the_sections_accounts(who, request, scene, org, head, owner):
    """Issue 12, MON-2, PRIV-2: the to-do page counts the coverage gaps from the open findings and
    each account's current unit (a finding keeps the unit at the time: an account moved out of the
    head's department no longer counts for the head, one moved in does), and the publishers
    section from the pending publishers; each count is the number of accounts its section lists."""
    from accounts.access_selectors import todo_publishers_to_confirm
    from core.pagination import bounded_count
    from monitoring.cover import cover_needed

    for account in scene[::3]:
        factories.FindingFactory(account=account, rule="coverage-gap")
        factories.PublisherFactory(account=account, status="pending")
        factories.PublisherFactory(account=account, status="pending")  # two: the account counts once
    moved_out = next(a for a in scene[::3] if a.unit_id == org.department.pk)
    moved_in = next(a for a in scene[::3] if a.unit_id == org.sibling.pk)
    SocialAccount.objects.filter(pk=moved_out.pk).update(unit=org.sibling)
    SocialAccount.objects.filter(pk=moved_in.pk).update(unit=org.division)
    user = request.getfixturevalue(who)

    _key, _title, gaps, _url, counted = cover_needed(user)
    publishers = todo_publishers_to_confirm(user)[2]

    assert bounded_count(counted, 1000) == gaps.count() == len(set(gaps.values_list("pk", flat=True)))
    if who == "head":
        listed = set(gaps.values_list("pk", flat=True))
        assert moved_in.pk in listed and moved_out.pk not in listed
        assert set(publishers.values_list("pk", flat=True)) == {
            a.pk
            for a in scene[::3]
            if a.pk != moved_out.pk and (a.unit_id in (org.department.pk, org.division.pk) or a.pk == moved_in.pk)
        }
    if who == "other_head":
        assert set(publishers.values_list("pk", flat=True)) == {
            a.pk for a in scene[::3] if a.pk != moved_in.pk and (a.unit_id == org.sibling.pk or a.pk == moved_out.pk)
        }
    if who in ("owner", "outsider"):
        assert not publishers.exists()  # no unit of theirs
