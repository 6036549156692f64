"""The profile page's e-mail preferences and the unit page's manager form (issue 13)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from audit.models import AuditEvent
from org import permissions, roles
from org.choices import NotificationMode
from org.models import Unit, User
from tests import factories

pytestmark = pytest.mark.django_db

PROFILE = reverse("profile")


def test_a_person_chooses_the_daily_digest_and_english_on_their_profile(client, outsider):
    """The person's own preferences: saved and audited as user.update (the digest: notifications.digest)."""
    client.force_login(outsider)
    assert client.get(PROFILE).status_code == 200

    response = client.post(PROFILE, {"language": "en", "notification_mode": NotificationMode.DIGEST})

    assert response.status_code == 302
    outsider.refresh_from_db()
    assert (outsider.language, outsider.notification_mode) == ("en", NotificationMode.DIGEST)
    event = AuditEvent.objects.get(action="user.update")
    assert (event.actor, event.after) == (outsider, {"language": "en", "notification_mode": "digest"})


def test_saving_unchanged_preferences_records_nothing(client, outsider):
    client.force_login(outsider)

    client.post(PROFILE, {"language": outsider.language, "notification_mode": outsider.notification_mode})

    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_the_profile_page_needs_a_login(client):
    assert client.get(PROFILE).status_code == 302


@pytest.fixture
def administrator(db):
    user = factories.UserFactory(username="admin-user")
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    return user


def manager_url(unit) -> str:
    return reverse("org:unit-manager", args=[unit.pk])


@pytest.mark.parametrize("role", ["comms", "administrator"])
def test_comms_and_administrators_set_the_responsible_manager_from_the_unit_page(client, role, request, owner):
    """RESP-1: the manager is chosen with the person field on the unit page; audited as unit.update."""
    actor = request.getfixturevalue(role)
    unit = factories.UnitFactory()
    client.force_login(actor)
    page = client.get(unit.get_absolute_url())
    assert page.context["manager_form"] is not None and manager_url(unit) in page.content.decode()

    response = client.post(manager_url(unit), {"manager": owner.pk})

    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).manager == owner
    event = AuditEvent.objects.get(action="unit.update")
    assert (event.actor, event.after) == (actor, {"manager": str(owner)})


def test_administrators_may_edit_units(administrator, comms, auditor, outsider):
    """org.permissions.can_edit_units: comms and, since issue 13, administrators."""
    assert permissions.can_edit_units(administrator) and permissions.can_edit_units(comms)
    assert not permissions.can_edit_units(auditor) and not permissions.can_edit_units(outsider)


@pytest.mark.parametrize("role", ["auditor", "manager", "outsider"])
def test_others_see_no_manager_form_and_are_refused(client, role, request, owner):
    unit = factories.UnitFactory()
    client.force_login(request.getfixturevalue(role))

    page = client.get(unit.get_absolute_url())
    response = client.post(manager_url(unit), {"manager": owner.pk})

    assert page.context["manager_form"] is None and manager_url(unit) not in page.content.decode()
    assert response.status_code == 403
    assert Unit.objects.get(pk=unit.pk).manager is None


def test_a_pending_person_can_be_chosen_as_manager(client, comms):
    pending = User.objects.create(username="pending@ki.se", email="pending@ki.se")
    unit = factories.UnitFactory()
    client.force_login(comms)

    client.post(manager_url(unit), {"manager": pending.pk})

    assert Unit.objects.get(pk=unit.pk).manager == pending
