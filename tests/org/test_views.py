import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import AccountStatus
from audit.models import AuditEvent
from org.choices import UnitKind
from org.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

S = AccountStatus
UNITS = reverse("org:unit-list")
UNIT_CREATE = reverse("org:unit-create")


def unit_page(unit) -> str:
    return reverse("org:unit-detail", args=[unit.pk])


def unit_edit(unit) -> str:
    return reverse("org:unit-update", args=[unit.pk])


@pytest.fixture
def department():
    """A department with a division and a research group below it."""
    department = factories.UnitFactory(name="Institutionen", manager=factories.UserFactory())
    division = factories.UnitFactory(parent=department, name="Avdelningen")
    factories.UnitFactory(parent=division, name="Forskargruppen")
    return department


@pytest.mark.parametrize("role", ["comms", "auditor", "outsider"])
def test_every_member_of_staff_sees_the_organisation(client, role, request, department):
    """The organisation is not secret inside KI: every logged-in user sees the unit list and unit pages."""
    client.force_login(request.getfixturevalue(role))

    units = client.get(UNITS)

    assert units.status_code == 200
    assert set(units.context["units"]) == set(Unit.objects.all())
    assert client.get(unit_page(department)).status_code == 200


def test_unit_page_lists_the_accounts_of_the_whole_subtree(client, comms, department):
    """The unit page lists the accounts of the unit and every unit below it, not of other units."""
    below = Unit.objects.get(name="Forskargruppen")
    inside = [factories.SocialAccountFactory(unit=department), factories.SocialAccountFactory(unit=below)]
    factories.SocialAccountFactory()
    client.force_login(comms)

    response = client.get(unit_page(department))

    assert {a.pk for a in response.context["accounts"]} == {a.pk for a in inside}


def test_unit_page_shows_other_staff_only_what_they_may_see(client, outsider, department):
    """PRIV-3: on a unit page, staff with no role see the active official accounts only."""
    active = factories.SocialAccountFactory(unit=department, status=S.ACTIVE)
    factories.SocialAccountFactory(unit=department, status=S.DRAFT, activated_at=None)
    client.force_login(outsider)

    response = client.get(unit_page(department))

    assert [a.pk for a in response.context["accounts"]] == [active.pk]


def test_unit_page_names_the_nearest_manager_above(client, outsider, department):
    """RESP-1: a unit without a manager shows the nearest responsible manager above it."""
    group = Unit.objects.get(name="Forskargruppen")
    client.force_login(outsider)

    response = client.get(unit_page(group))

    assert (response.context["manager"], response.context["manager_unit"]) == (department.manager, department)


@pytest.mark.parametrize("role", ["auditor", "outsider"])
def test_only_comms_may_create_or_edit_units(client, role, request, department):
    """Auditors and other staff get 403 on the unit forms, and a POST changes nothing."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(UNIT_CREATE).status_code == 403
    assert client.get(unit_edit(department)).status_code == 403
    assert client.post(unit_edit(department), {"name": "Ändrat", "kind": UnitKind.OFFICE}).status_code == 403
    department.refresh_from_db()
    assert department.name == "Institutionen"
    assert AuditEvent.objects.count() == 0


def test_comms_creates_a_unit_through_the_service(client, comms, department):
    """A unit created on the form gets its path under the parent and an audit event."""
    client.force_login(comms)

    response = client.post(UNIT_CREATE, {"name": "Ny avdelning", "kind": UnitKind.DIVISION, "parent": department.pk})

    unit = Unit.objects.get(name="Ny avdelning")
    assert response.status_code == 302
    assert response["Location"] == unit_page(unit)
    assert (unit.parent, unit.depth) == (department, 2)
    assert unit.path.startswith(department.path)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["unit.create"]


def test_unit_edit_form_does_not_offer_the_units_own_subtree_as_parent(client, comms, department):
    """A unit cannot be moved below itself: its own subtree is not a valid parent on the form."""
    group = Unit.objects.get(name="Forskargruppen")
    client.force_login(comms)

    response = client.post(
        unit_edit(department), {"name": department.name, "kind": UnitKind.DEPARTMENT, "parent": group.pk}
    )

    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    department.refresh_from_db()
    assert department.parent is None
    assert AuditEvent.objects.count() == 0


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_unit_page_queries_do_not_grow_with_the_number_of_accounts(client, comms, department):
    """The unit page runs as many queries for 200 accounts (with owner and deputy) in its subtree as for 5."""
    below = Unit.objects.get(name="Forskargruppen")
    for _ in range(5):
        factories.staffed_account(unit=department)
    client.force_login(comms)
    few = queries_for(client, unit_page(department))

    for i in range(195):
        factories.staffed_account(unit=below if i % 2 else department)
    many = queries_for(client, unit_page(department))

    assert few == many
