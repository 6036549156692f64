"""Query-count guards for the account pages and the pages that list a user's work (issue 12): the
inventory, My accounts, an account's page, its history and its monitoring, Today, To do and
absences run the same queries, and are no longer, after the rows behind them have more than
doubled (tests/scale/bounded.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus, PublisherStatus, Role
from audit.services import audit_record
from monitoring.models import CheckIn
from tests import factories
from tests.scale.bounded import assert_bounded
from tests.scale.test_record_pages import add_incidents, add_inquiries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()


def add_accounts(n: int, **kwargs) -> list:
    """Staffed accounts, each with an open finding (the inventory's findings column)."""
    accounts = [factories.staffed_account(**kwargs) for _ in range(n)]
    for account in accounts:
        factories.FindingFactory(account=account, rule="missed-monitoring")
    return accounts


# The inventory and My accounts


# The inventory's filters offer every unit and every owner or deputy (org and people grow with
# KI, not with its accounts; the person filter is being replaced by a search): the accounts grow
# here, in one unit and with the same two people.


@pytest.mark.parametrize(
    "query",
    ["", "?sort=status", "?sort=-updated&status=active", "?q=KI+account&sort=platform", "?page=2"],
)
def test_the_inventory_for_comms(client, comms, evidence_account, owner, deputy, query):
    unit = evidence_account.unit
    add_accounts(60, unit=unit, owner=owner, deputy=deputy)
    client.force_login(comms)
    url = reverse("accounts:inventory") + query
    assert_bounded(client, url, lambda: add_accounts(70, unit=unit, owner=owner, deputy=deputy))


def test_the_inventory_filtered_by_unit_and_person(client, comms, evidence_account, owner, deputy):
    unit = evidence_account.unit
    add_accounts(30, unit=unit, owner=owner, deputy=deputy)
    client.force_login(comms)
    url = reverse("accounts:inventory") + f"?unit={unit.parent_id}&person={owner.pk}&sort=-name"
    assert_bounded(client, url, lambda: add_accounts(40, unit=unit, owner=owner, deputy=deputy))


@pytest.mark.parametrize("who", ["owner", "outsider", "manager"])
def test_the_inventory_for_staff(client, evidence_account, who, request, owner, deputy):
    """An owner sees their accounts and the public ones, a manager also their units'."""
    unit, keeper = evidence_account.unit, factories.UserFactory()

    def grow(n):
        add_accounts(n, unit=unit, owner=keeper, deputy=deputy)  # public, and in the manager's unit
        add_accounts(n, unit=unit, owner=owner, deputy=deputy, status=AccountStatus.DRAFT, activated_at=None)

    grow(30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("accounts:inventory"), lambda: grow(35))


def test_my_accounts(client, owner, deputy):
    add_accounts(30, owner=owner, deputy=deputy)
    client.force_login(owner)
    assert_bounded(client, reverse("accounts:mine"), lambda: add_accounts(40, owner=deputy, deputy=owner))


# An account's page, its history and its monitoring


def grow_account(account, comms, n: int) -> None:
    """n more of everything the account's page could list: audit events, owners over time,
    check-ins, screenshots, removed posts, questions, resolved findings and follow-ups."""
    for i in range(n):
        audit_record(actor=comms, target=account, action="block.record", note=f"evidence {i}")
        audit_record(actor=comms, target=account, action="account.update", after={"name": f"Namn {i}"})
    former = account.assignments.filter(role=Role.OWNER).earliest("started_at").started_at
    for i in range(n):
        started = former - (i + 2) * DAY
        factories.AssignmentFactory(account=account, started_at=started, ended_at=started + DAY)
    last = CheckIn.objects.filter(account=account).order_by("day").values_list("day", flat=True).first() or TODAY
    CheckIn.objects.bulk_create(
        CheckIn(account=account, day=last - (i + 1) * DAY, person_repr="test", source="web") for i in range(n)
    )
    for _ in range(n):
        factories.SnapshotFactory(account=account)
        factories.FollowUpFactory(account=account)
        factories.FindingFactory(account=account, rule="no-deputy", resolved_at=timezone.now())
    add_incidents(account, n // 4)
    add_inquiries(account, n)


@pytest.mark.parametrize("who", ["owner", "comms", "outsider"])
def test_the_account_page(client, evidence_account, comms, who, request):
    """The latest of each history, with links to the whole: the page does not grow."""
    grow_account(evidence_account, comms, 30)
    client.force_login(request.getfixturevalue(who))
    url = reverse("accounts:detail", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: grow_account(evidence_account, comms, 40))


@pytest.mark.parametrize("who", ["comms", "outsider"])
@pytest.mark.parametrize("query", ["", "?page=2&people=2"])
def test_the_account_history(client, evidence_account, comms, who, query, request):
    grow_account(evidence_account, comms, 60)  # two full pages of each list
    client.force_login(request.getfixturevalue(who))
    url = reverse("accounts:history", args=[evidence_account.pk]) + query
    assert_bounded(client, url, lambda: grow_account(evidence_account, comms, 40))


@pytest.mark.parametrize("who", ["owner", "auditor", "comms"])
def test_the_account_monitoring(client, evidence_account, comms, who, request):
    grow_account(evidence_account, comms, 40)
    client.force_login(request.getfixturevalue(who))
    url = reverse("monitoring:account", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: grow_account(evidence_account, comms, 50))


# A user's work: Today, To do, absences


def test_today(client, owner):
    def grow(n):
        for account in add_accounts(n, owner=owner):
            CheckIn.objects.create(account=account, day=TODAY - DAY, person_repr="test", source="web")

    grow(60)
    client.force_login(owner)
    assert_bounded(client, reverse("monitoring:today"), lambda: grow(70))


def test_the_to_do_page_of_comms(client, comms):
    def grow(n):
        add_accounts(n, status=AccountStatus.AWAITING_COMMS, activated_at=None)

    grow(15)
    client.force_login(comms)
    assert_bounded(client, reverse("approvals:todo"), lambda: grow(20))
    assert_bounded(client, reverse("approvals:todo-section", args=["to_sign_off"]), lambda: grow(40))


def test_the_to_do_page_of_a_manager(client, evidence_account, manager):
    """Requests to decide, accounts to approve retroactively, criticism routed to the manager,
    coverage gaps and publishers to confirm in the manager's unit."""
    unit = evidence_account.unit

    def grow(n):
        add_accounts(n, unit=unit, status=AccountStatus.AWAITING_MANAGER, activated_at=None)
        add_accounts(n, unit=unit, origin="import")
        for account in add_accounts(n, unit=unit):
            add_inquiries(account, 2, routed_to=manager)
            factories.FindingFactory(account=account, rule="coverage-gap")
            factories.PublisherFactory(account=account, status=PublisherStatus.PENDING)

    grow(12)
    client.force_login(manager)
    assert_bounded(client, reverse("approvals:todo"), lambda: grow(15))
    for section in ("to_decide", "retroactive", "routed_criticism", "cover_needed", "publishers"):
        assert_bounded(client, reverse("approvals:todo-section", args=[section]), lambda: grow(30))


def test_the_to_do_page_of_an_owner(client, owner):
    """Requests to finish, approved accounts to put live, accounts being decommissioned, access
    to review (live for years, never reviewed) and coverage gaps, all the owner's."""
    long_ago = timezone.now() - 3 * 365 * DAY

    def grow(n):
        add_accounts(n, owner=owner, created_by=owner, status=AccountStatus.DRAFT, activated_at=None)
        add_accounts(n, owner=owner, status=AccountStatus.APPROVED, activated_at=None)
        add_accounts(n, owner=owner, status=AccountStatus.DECOMMISSIONING)
        for account in add_accounts(n, owner=owner, activated_at=long_ago):
            factories.FindingFactory(account=account, rule="coverage-gap")

    grow(12)
    client.force_login(owner)
    assert_bounded(client, reverse("approvals:todo"), lambda: grow(15))
    sections = ("my_requests", "to_go_live", "decommissioning", "access_review", "cover_needed")
    totals = {s.key: s.total for s in client.get(reverse("approvals:todo")).context["sections"]}
    assert all(totals[key] >= 27 for key in sections), totals  # each section grew
    for section in sections:
        assert_bounded(client, reverse("approvals:todo-section", args=[section]), lambda: grow(30))


def test_absences(client, owner):
    def grow(n):
        for i in range(n):
            day = TODAY + (len(owner.absences.all()) + i) * 3 * DAY
            factories.AbsenceFactory(person=owner, first_day=day, last_day=day + DAY)

    grow(30)
    client.force_login(owner)
    assert_bounded(client, reverse("monitoring:absences"), lambda: grow(40))


@pytest.mark.parametrize("who", ["manager", "comms"])
def test_the_approval_page(client, evidence_account, owner, deputy, who, request):
    """The request to decide (for comms, to follow) lists the unit's other accounts: the first of
    them, not all. (Its handover form offers every person: people grow with KI, and that field is
    being replaced by a search, so the accounts grow here with the same two people.)"""
    unit = evidence_account.unit
    waiting = factories.staffed_account(unit=unit, status=AccountStatus.AWAITING_MANAGER, activated_at=None)

    def grow(n):
        add_accounts(n, unit=unit, owner=owner, deputy=deputy)

    grow(30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("approvals:detail", args=[waiting.pk]), lambda: grow(40))
