"""What the Django admin writes to the audit trail (issue 11, defect 7): many-to-many changes by
name, deletions with the object's fields, password changes (never the password), and users who
acted are deactivated, not deleted."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from notifications.models import Notification
from notifications.services import notification_queue
from org import roles
from org.models import Absence, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def user_form(user, **changes):
    """The admin's user change form as posted, with the user's current values."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "language": user.language or "sv",
        **changes,
    }


def test_group_membership_changes_are_recorded_by_name(admin_client, admin_user):
    comms = Group.objects.get_or_create(name=roles.COMMS)[0]
    auditor = Group.objects.get_or_create(name=roles.AUDITOR)[0]
    person = factories.UserFactory(username="person")
    person.groups.add(auditor)

    response = admin_client.post(
        reverse("admin:org_user_change", args=[person.pk]), user_form(person, groups=[comms.pk])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(person.groups.all()) == [comms]
    event = AuditEvent.objects.get(action="admin.relations")
    assert (event.actor, event.object_id) == (admin_user, str(person.pk))
    assert (event.before, event.after) == ({"groups": [roles.AUDITOR]}, {"groups": [roles.COMMS]})
    assert event.note == f"groups: + {roles.COMMS}, − {roles.AUDITOR}"
    assert not AuditEvent.objects.filter(after__icontains="auth.Group.None").exists()
    assert "auth.Group.None" not in str(list(AuditEvent.objects.values_list("before", "after")))


def test_group_permission_changes_are_recorded_by_name(admin_client):
    group = Group.objects.create(name="archive")
    permission = Permission.objects.get(codename="view_auditevent")

    response = admin_client.post(
        reverse("admin:auth_group_change", args=[group.pk]), {"name": "archive", "permissions": [permission.pk]}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.relations")
    assert event.after == {"permissions": [str(permission)]}
    assert event.note == f"permissions: + {permission}"


def test_deleting_an_absence_in_the_admin_is_recorded_with_its_fields(admin_client, admin_user):
    absence = factories.AbsenceFactory(note="Semester")

    response = admin_client.post(reverse("admin:org_absence_delete", args=[absence.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Absence.objects.exists()
    event = AuditEvent.objects.get(action="admin.delete")
    assert (event.actor, event.object_id, event.object_repr) == (admin_user, str(absence.pk), str(absence))
    assert event.before["note"] == "Semester"
    assert event.before["first_day"] == absence.first_day.isoformat()


def test_deleting_selected_notifications_records_one_event_each(admin_client):
    rows = [
        notification_queue(template="weekly-digest", dedupe_key=f"k{i}", context={}, to_email="a@ki.se")
        for i in range(2)
    ]

    response = admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rows], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Notification.objects.exists()
    events = AuditEvent.objects.filter(action="admin.delete")
    assert sorted(e.object_id for e in events) == sorted(str(r.pk) for r in rows)
    assert {e.before["to_email"] for e in events} == {"a@ki.se"}


def test_an_admin_password_change_is_recorded_without_the_password(admin_client, admin_user):
    person = factories.UserFactory(username="person")
    secret = "a-new-long-passphrase-4711"

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": secret, "password2": secret, "usable_password": "true"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(secret)
    event = AuditEvent.objects.get(action="admin.password")
    assert (event.actor, event.object_id, event.after) == (admin_user, str(person.pk), {"usable_password": True})
    stored = str(list(AuditEvent.objects.values_list("before", "after", "note")))
    assert secret not in stored and person.password not in stored


def test_a_user_who_acted_cannot_be_deleted_in_the_admin(admin_client, comms):
    audit_record(actor=comms, target=comms, action="unit.update")

    page = admin_client.get(reverse("admin:org_user_delete", args=[comms.pk]))
    response = admin_client.post(reverse("admin:org_user_delete", args=[comms.pk]), {"post": "yes"})

    assert "kan inte raderas: inaktivera användaren i stället" in page.content.decode()  # Swedish, the default
    assert response.status_code == 200  # the page of protected objects, nothing deleted
    assert User.objects.filter(pk=comms.pk).exists()
    assert not AuditEvent.objects.filter(action="admin.delete").exists()
