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


# ---------------------------------------------------------------------------------------------
# Pages (issue 12): the accounts panel a page at a time, the units below with their counts
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def pages_of_two(monkeypatch):
    from accounts import views as account_views

    monkeypatch.setattr(account_views, "UNIT_PANEL_PAGE_SIZE", 2)


def panel_names(response) -> list[str]:
    return [a.name for a in response.context["accounts"]]


def test_unit_page_shows_the_accounts_a_page_at_a_time(client, comms, department, pages_of_two):
    below = Unit.objects.get(name="Forskargruppen")
    for letter in "ABCDE":
        factories.SocialAccountFactory(name=f"Konto {letter}", unit=below if letter in "BD" else department)
    client.force_login(comms)

    first = client.get(unit_page(department), headers={"accept-language": "en"})
    last = client.get(unit_page(department) + "?page=3")

    assert panel_names(first) == ["Konto A", "Konto B"]
    html = first.content.decode()
    assert "5 accounts, page 1 of 3" in html
    nav = html[html.index('<nav aria-label="Pages">') :]
    assert 'aria-current="page"' in nav[: nav.index("</nav>")]
    assert '?page=2"' in nav[: nav.index("</nav>")]
    assert panel_names(last) == ["Konto E"]


@pytest.mark.parametrize("page", ["4", "0", "abc"])
def test_a_unit_page_past_the_last_answers_404(client, comms, department, pages_of_two, page):
    for _ in range(5):
        factories.SocialAccountFactory(unit=department)
    client.force_login(comms)
    assert client.get(unit_page(department), {"page": page}).status_code == 404


def test_units_below_are_listed_with_the_accounts_of_their_subtrees(client, comms, department):
    """Each unit right below shows how many accounts it and its own units below hold."""
    division = Unit.objects.get(name="Avdelningen")
    group = Unit.objects.get(name="Forskargruppen")
    empty = factories.UnitFactory(parent=department, name="Tomma enheten")
    factories.SocialAccountFactory(unit=department)
    factories.SocialAccountFactory(unit=division)
    factories.SocialAccountFactory(unit=group)
    factories.SocialAccountFactory(unit=group)
    client.force_login(comms)

    response = client.get(unit_page(department))

    assert response.context["subunit_columns"] == ["Konton (med enheterna under)"]
    counts = {child.name: values for child, values in response.context["subunit_rows"]}
    assert counts == {"Avdelningen": [3], "Tomma enheten": [0]}
    assert response.context["paginator"].count == 4
    assert empty.pk


def test_units_below_count_only_what_the_user_may_see(client, outsider, department):
    """PRIV-3: staff with no role count (and see) the active official accounts only."""
    division = Unit.objects.get(name="Avdelningen")
    factories.SocialAccountFactory(unit=division, status=S.ACTIVE)
    factories.SocialAccountFactory(unit=division, status=S.DRAFT, activated_at=None)
    client.force_login(outsider)

    response = client.get(unit_page(department))

    assert [values for _child, values in response.context["subunit_rows"]] == [[1]]
    assert response.context["paginator"].count == 1


def test_a_manager_sees_the_drafts_of_their_subtree_only(client, manager, evidence_account):
    """On the root's page a manager sees their own department's draft, not another department's;
    the counts say the same."""
    mine = evidence_account.unit.parent  # the department the manager answers for
    root = factories.UnitFactory(name="Roten")
    other = factories.UnitFactory(parent=root, name="Annan institution")
    Unit.objects.filter(pk=mine.pk).update(parent=root)
    # Keep the materialised paths as the service would: the department (and its group) under the root.
    for unit in Unit.objects.filter(path__startswith=mine.path):
        Unit.objects.filter(pk=unit.pk).update(path=root.path + unit.path, depth=unit.depth + 1)
    own_draft = factories.SocialAccountFactory(unit=mine, status=S.DRAFT, activated_at=None, name="Eget utkast")
    factories.SocialAccountFactory(unit=other, status=S.DRAFT, activated_at=None, name="Annat utkast")
    public = factories.SocialAccountFactory(unit=other, status=S.ACTIVE, name="Annat aktivt")
    client.force_login(manager)

    response = client.get(unit_page(root))

    assert sorted(panel_names(response)) == sorted([own_draft.name, evidence_account.name, public.name])
    assert "Annat utkast" not in response.content.decode()
    counts = {child.name: values for child, values in response.context["subunit_rows"]}
    assert counts[other.name] == [1]
    assert counts[Unit.objects.get(pk=mine.pk).name] == [2]
