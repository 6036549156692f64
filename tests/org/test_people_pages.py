"""The People pages (issue 13): administrators and the communications department search people,
see a person's roles, units, accounts, absences and single sign-on identities, grant and revoke
roles with a reason, and add pending people. Everyone else gets 403, like the other role-only pages."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.choices import Role
from audit.models import AuditEvent
from org import roles
from org.choices import IdentityProvider
from org.models import ExternalIdentity, User
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = reverse("people:list")
CREATE = reverse("people:create")


def person_page(person) -> str:
    return reverse("people:detail", args=[person.pk])


def role_url(person) -> str:
    return reverse("people:role", args=[person.pk])


@pytest.fixture
def administrator(db):
    user = factories.UserFactory(username="admin-user")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


@pytest.mark.parametrize("role", ["auditor", "registrar", "manager", "outsider"])
def test_people_pages_answer_403_to_everyone_but_administrators_and_comms(client, role, request, owner):
    """Only those who manage people (org.permissions.can_manage_people) open the People pages;
    nothing is written by a refused post (issue 13)."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(PEOPLE).status_code == 403
    assert client.get(person_page(owner)).status_code == 403
    assert client.get(CREATE).status_code == 403
    response = client.post(role_url(owner), {"role": roles.AUDITOR, "change": "grant", "reason": "x"})
    assert response.status_code == 403
    assert not owner.groups.exists()
    assert "People" not in client.get(reverse("org:unit-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("role", ["comms", "administrator"])
def test_comms_and_administrators_search_people_by_name_username_and_email(client, role, request, owner, deputy):
    """The search box finds people by every word of the name, the username or the e-mail address."""
    client.force_login(request.getfixturevalue(role))

    by_name = client.get(PEOPLE, {"q": "olivia Ägare"})
    by_email = client.get(PEOPLE, {"q": "deputy@ki"})

    assert [p for p, _roles in by_name.context["people"]] == [owner]
    assert [p for p, _roles in by_email.context["people"]] == [deputy]
    assert person_page(owner) in by_name.content.decode()


def test_the_people_list_filters_by_role_pending_and_left(client, comms, auditor, owner):
    """Filters: a role, people who never logged in (pending) and people who have left."""
    owner.last_login = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    owner.save()
    leaver = factories.UserFactory(left_on=datetime.date(2026, 3, 1), last_login=owner.last_login)
    pending = factories.UserFactory()
    client.force_login(comms)

    def found(**params):
        return {p for p, _roles in client.get(PEOPLE, params).context["people"]}

    assert found(role=roles.AUDITOR) == {auditor}
    assert pending in found(status="pending") and owner not in found(status="pending")
    assert found(status="left") == {leaver}
    assert owner in found(status="active") and leaver not in found(status="active")


def test_the_people_list_is_paginated_fifty_a_page(client, comms):
    """Never everyone on one page: 50 people a page."""
    factories.UserFactory.create_batch(55)
    client.force_login(comms)

    first = client.get(PEOPLE)
    second = client.get(PEOPLE, {"page": 2})

    assert len(first.context["people"]) == 50
    assert len(second.context["people"]) == User.objects.count() - 50


def test_the_person_page_shows_status_roles_units_accounts_absences_and_identities(client, comms, owner, deputy):
    """Everything the People page knows about a person: unit, status, roles, units managed,
    accounts held as owner or deputy (RES-2, from the accounts app's hook), absences, SSO identities."""
    unit = factories.UnitFactory(name="Institutionen för test", manager=owner)
    owner.unit = unit
    owner.save()
    owner.groups.add(Group.objects.get(name=roles.REGISTRAR))
    account = factories.staffed_account(owner=owner, deputy=deputy, name="Testkontot")
    factories.AbsenceFactory(person=owner, first_day=datetime.date(2026, 7, 1), last_day=datetime.date(2026, 7, 20))
    ExternalIdentity.objects.create(user=owner, provider=IdentityProvider.OIDC, subject="olivia@ki.se")
    client.force_login(comms)

    response = client.get(person_page(owner), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Institutionen för test" in page and "Registrar" in page
    assert [u.pk for u in response.context["managed_units"]] == [unit.pk]
    assert account.get_absolute_url() in page and "Account owner" in page
    assert "olivia@ki.se" in page and "OpenID Connect" in page
    assert "Pending (never logged in)" in page  # has never logged in


def test_comms_grants_a_role_with_a_reason_and_it_is_audited(client, comms, owner):
    """Granting a role: the person holds it and the audit trail says who, what and why (issue 13)."""
    client.force_login(comms)

    response = client.post(role_url(owner), {"role": roles.AUDITOR, "change": "grant", "reason": "Internrevision 2026"})

    assert response.status_code == 302
    assert roles.AUDITOR in set(owner.groups.values_list("name", flat=True))
    event = AuditEvent.objects.get(action="role.grant")
    assert (event.actor_id, event.object_id, event.after, event.note) == (
        comms.pk,
        str(owner.pk),
        {"role": roles.AUDITOR},
        "Internrevision 2026",
    )


def test_a_role_is_revoked_with_a_reason(client, administrator, auditor):
    client.force_login(administrator)

    client.post(role_url(auditor), {"role": roles.AUDITOR, "change": "revoke", "reason": "Slutat i revisionen"})

    assert not auditor.groups.exists()
    assert AuditEvent.objects.get(action="role.revoke").note == "Slutat i revisionen"


def test_a_role_change_without_a_reason_changes_nothing(client, comms, owner):
    client.force_login(comms)

    client.post(role_url(owner), {"role": roles.AUDITOR, "change": "grant", "reason": ""})

    assert not owner.groups.exists()
    assert not AuditEvent.objects.filter(action__startswith="role.").exists()


def test_comms_cannot_touch_the_administrator_role_and_sees_no_button_for_it(client, comms, owner):
    """The communications department grants every role but administrator: no button, and a forged
    post answers 403 with nothing changed."""
    client.force_login(comms)

    rows = {row["role"]: row for row in client.get(person_page(owner)).context["role_rows"]}
    response = client.post(role_url(owner), {"role": roles.ADMINISTRATOR, "change": "grant", "reason": "x"})

    assert not rows[roles.ADMINISTRATOR]["may_change"] and rows[roles.AUDITOR]["may_change"]
    assert response.status_code == 403
    assert not owner.groups.exists()


def test_nobody_sees_buttons_for_their_own_roles(client, administrator):
    client.force_login(administrator)

    response = client.get(person_page(administrator))
    refused = client.post(role_url(administrator), {"role": roles.ADMINISTRATOR, "change": "revoke", "reason": "x"})

    assert not any(row["may_change"] for row in response.context["role_rows"])
    assert 'name="reason"' not in response.content.decode()
    assert refused.status_code == 403
    assert roles.is_administrator(User.objects.get(pk=administrator.pk))


def test_roles_decided_by_single_sign_on_are_shown_as_such_and_not_editable(client, settings, comms, owner):
    """A role SSO_ROLE_MAP names is the identity provider's (org.sso.roles_from_idp): shown as
    "managed by single sign-on", and the service refuses to change it."""
    settings.SSO_ROLE_MAP = {"urn:mace:ki.se:revision": roles.AUDITOR}
    client.force_login(comms)

    response = client.get(person_page(owner), HTTP_ACCEPT_LANGUAGE="en")
    client.post(role_url(owner), {"role": roles.AUDITOR, "change": "grant", "reason": "x"})

    rows = {row["role"]: row for row in response.context["role_rows"]}
    assert rows[roles.AUDITOR]["by_sso"] and not rows[roles.AUDITOR]["may_change"]
    assert "Managed by single sign-on" in response.content.decode()
    assert not owner.groups.exists()


def test_the_leave_and_handover_links_appear_only_when_their_pages_exist(client, comms, owner):
    """ "Mark as left" and "Hand over accounts" are built elsewhere (people:leave, people:handover):
    until those URLs exist, the person page shows no dead link."""
    from django.urls import NoReverseMatch

    client.force_login(comms)
    response = client.get(person_page(owner))
    try:
        expected = reverse("people:leave", args=[owner.pk])
    except NoReverseMatch:
        expected = ""

    assert response.context["leave_url"] == expected


def test_comms_adds_a_pending_person(client, comms):
    """Adding a pending person (name, e-mail, unit): the person exists, has an unusable password
    and the addition is audited as user.create."""
    unit = factories.UnitFactory()
    client.force_login(comms)

    response = client.post(CREATE, {"first_name": "Nina", "last_name": "Ny", "email": "Nina.Ny@KI.se", "unit": unit.pk})

    person = User.objects.get(email="Nina.Ny@ki.se")
    assert response.status_code == 302 and response["Location"] == person_page(person)
    assert (person.username, person.unit, person.is_pending, person.has_usable_password()) == (
        "nina.ny@ki.se",
        unit,
        True,
        False,
    )
    assert AuditEvent.objects.get(action="user.create").actor == comms


def test_a_duplicate_email_is_refused_with_a_clear_message(client, comms, owner):
    """The address is compared without letter case; the form says who already has it, in Swedish."""
    client.force_login(comms)

    response = client.post(CREATE, {"first_name": "Olivia", "last_name": "Igen", "email": "OWNER@ki.se"})

    assert response.status_code == 200
    assert "Olivia Ägare har redan e-postadressen owner@ki.se" in response.content.decode()
    assert User.objects.filter(email__iexact="owner@ki.se").count() == 1


def test_the_navigation_shows_people_to_comms_and_the_profile_to_everyone(client, comms, outsider):
    client.force_login(comms)
    comms_page = client.get(reverse("org:unit-list")).content.decode()
    client.force_login(outsider)
    outsider_page = client.get(reverse("org:unit-list")).content.decode()

    assert f'href="{PEOPLE}"' in comms_page and f'href="{PEOPLE}"' not in outsider_page
    assert f'href="{reverse("profile")}"' in outsider_page


def test_the_accounts_on_the_person_page_are_paginated(client, comms, owner):
    for _ in range(27):
        factories.staffed_account(owner=owner)
    client.force_login(comms)

    response = client.get(person_page(owner))
    second = client.get(person_page(owner), {"accounts": 2})

    (_template, panel), *_ = response.context["panels"]
    (_template, panel2), *_ = second.context["panels"]
    assert len(panel["assignments"]) == 25 and len(panel2["assignments"]) == 2
    assert {a.role for a in panel["assignments"]} == {Role.OWNER}
