"""Leavers (issue 13): marking a person as left (org.services.person_leave) opens no-owner /
no-deputy on their accounts at once (RES-2) and asks their managers and comms to hand them over;
the bulk handover page hands over all of a leaver's accounts in one form (people:handover)."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import HandoverStatus, Role
from accounts.leavers import handover_assign_direct
from accounts.models import Assignment, Handover
from accounts.services import handover_answer
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from notifications.models import Notification
from notifications.services import notifications_send
from org.models import User
from org.services import person_leave
from tests import factories

LEAVER_ACCOUNTS = 12  # issue 13, "done when": a leaver's 12 accounts handed over in one form
AS_OWNER = 8


@pytest.fixture
def leaver(db):
    return factories.UserFactory(username="leaver", first_name="Lena", last_name="Lämnar")


@pytest.fixture
def department(manager):
    return factories.UnitFactory(manager=manager)


@pytest.fixture
def held(leaver, deputy, owner, department):
    """The leaver owns 8 accounts (deputy: the deputy fixture) and is deputy of 4 (owner: the
    owner fixture), all in a unit under the manager's department, each with a start-page
    screenshot of today (REC-5: a new owner needs one)."""
    group = factories.UnitFactory(parent=department)
    accounts = []
    for i in range(LEAVER_ACCOUNTS):
        if i < AS_OWNER:
            account = factories.staffed_account(owner=leaver, deputy=deputy, unit=group, name=f"Konto {i:02d}")
        else:
            account = factories.staffed_account(owner=owner, deputy=leaver, unit=group, name=f"Konto {i:02d}")
        factories.SnapshotFactory(account=account)
        accounts.append(account)
    return accounts


@pytest.fixture
def successor(db):
    return factories.UserFactory(username="successor", first_name="Sara", last_name="Efterträdare")


@pytest.fixture
def new_deputy(db):
    return factories.UserFactory(username="newdeputy", first_name="Nils", last_name="Ny")


def _open(rule):
    return set(Finding.objects.filter(rule=rule, resolved_at__isnull=True).values_list("account_id", flat=True))


def _leave(actor, leaver, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return person_leave(actor=actor, person=leaver, left_on=timezone.localdate(), **kwargs)


# The service


def test_marking_a_person_as_left_deactivates_them_and_is_audited(comms, leaver, django_capture_on_commit_callbacks):
    """Issue 13: left_on set, is_active false (no local login), one `user.leave` event with the reason."""
    assert _leave(comms, leaver, django_capture_on_commit_callbacks, reason="Anställningen upphörde") is True
    leaver.refresh_from_db()
    assert leaver.left_on == timezone.localdate() and not leaver.is_active
    event = AuditEvent.objects.get(action="user.leave")
    assert event.actor == comms and event.note == "Anställningen upphörde"
    assert event.after["is_active"] is False
    # A leaver cannot log in with the login form any more (the factory's password is "pw"; the
    # same post logs an active person in).
    active = Client().post(reverse("login"), {"username": comms.username, "password": "pw"})
    assert active.status_code == 302
    response = Client().post(reverse("login"), {"username": "leaver", "password": "pw"})
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session


def test_a_leavers_open_session_ends(client, comms, leaver, django_capture_on_commit_callbacks):
    """Deactivated at once: the session they are logged in with no longer lets them in."""
    client.force_login(leaver)
    assert client.get(reverse("accounts:mine")).status_code == 200
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    assert client.get(reverse("accounts:mine")).status_code == 302


def test_marking_again_changes_nothing(comms, leaver, django_capture_on_commit_callbacks):
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    assert _leave(comms, leaver, django_capture_on_commit_callbacks) is False
    assert AuditEvent.objects.filter(action="user.leave").count() == 1


def test_only_administrators_and_comms_mark_leavers(owner, auditor, manager, leaver, comms):
    """can_manage_people: an owner, an auditor or a manager is refused; nobody marks themselves."""
    for actor in (owner, auditor, manager):
        with pytest.raises(NotAllowed):
            person_leave(actor=actor, person=leaver, left_on=timezone.localdate())
    with pytest.raises(NotAllowed):
        person_leave(actor=comms, person=comms, left_on=timezone.localdate())
    leaver.refresh_from_db()
    assert leaver.left_on is None and leaver.is_active


def test_a_day_in_the_future_is_refused(comms, leaver):
    with pytest.raises(ApplicationError):
        person_leave(actor=comms, person=leaver, left_on=timezone.localdate() + datetime.timedelta(days=1))


def test_leaving_opens_no_owner_and_no_deputy_at_once(comms, leaver, held, django_capture_on_commit_callbacks):
    """RES-2: an owner or deputy who has left counts as none; the findings open when the leaver is
    marked, not at the next sweep."""
    assert not _open("no-owner") and not _open("no-deputy")
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    assert _open("no-owner") == {a.pk for a in held[:AS_OWNER]}
    assert _open("no-deputy") == {a.pk for a in held[AS_OWNER:]}
    # The hourly sweep agrees and opens nothing twice.
    compliance_sweep()
    assert Finding.objects.filter(rule="no-owner", resolved_at__isnull=True).count() == AS_OWNER


def test_a_leaver_is_no_owner_even_if_still_active(leaver, held):
    """RES-2: the rule reads left_on as well as is_active (e.g. a leaver set by the SSO mapping)."""
    User.objects.filter(pk=leaver.pk).update(left_on=timezone.localdate())
    compliance_sweep()
    assert _open("no-owner") == {a.pk for a in held[:AS_OWNER]}


def test_managers_and_comms_are_mailed_a_link_to_the_handover_page(
    comms, leaver, held, manager, django_capture_on_commit_callbacks
):
    """Issue 13: the responsible manager of the accounts' unit and comms' mailbox (COMMS-1)."""
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    assert notifications_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([settings.COMMS_EMAIL, manager.email])
    link = reverse("people:handover", args=[leaver.pk])
    assert link == f"/people/{leaver.pk}/handover/"
    for message in mail.outbox:
        assert link in message.body
        assert "Konto 00" in message.body and "Konto 11" in message.body


def test_the_sync_as_the_system_needs_no_actor(leaver, held, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person_leave(actor=None, actor_repr="system:sync_people", person=leaver, left_on=timezone.localdate())
    event = AuditEvent.objects.get(action="user.leave")
    assert event.actor is None and event.actor_repr == "system:sync_people"
    assert len(_open("no-owner")) == AS_OWNER


def test_handovers_waiting_for_the_leaver_are_cancelled(
    comms, leaver, owner, deputy, evidence_account, django_capture_on_commit_callbacks
):
    """A leaver can no longer accept: the offer is cancelled and audited on the account; the
    account stays with its owner."""
    handover = Handover.objects.create(account=evidence_account, from_person=owner, to_person=leaver)
    _leave(comms, leaver, django_capture_on_commit_callbacks, reason="Slutat")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.CANCELLED
    event = AuditEvent.objects.get(action="handover.cancelled")
    assert event.object_id == str(evidence_account.pk) and event.note == "Slutat"
    assert Assignment.objects.current().get(account=evidence_account, role=Role.OWNER).person == owner


# Direct assignment


def test_comms_appoints_directly_with_one_audit_event_and_e_mails(comms, leaver, held, successor):
    account = held[0]
    handover_assign_direct(actor=comms, account_id=account.pk, owner=successor, reason="Lena har slutat")
    assert Assignment.objects.current().get(account=account, role=Role.OWNER).person == successor
    event = AuditEvent.objects.get(action="handover.assign")
    assert event.note == "Lena har slutat" and event.after == {"owner": str(successor)}
    assert Notification.objects.filter(kind="handover-assigned", recipient=successor).exists()


def test_only_comms_appoints_directly_and_with_a_reason(manager, comms, leaver, held, successor):
    with pytest.raises(NotAllowed):
        handover_assign_direct(actor=manager, account_id=held[0].pk, owner=successor, reason="x")
    with pytest.raises(ApplicationError):
        handover_assign_direct(actor=comms, account_id=held[0].pk, owner=successor, reason=" ")


def test_the_deputy_taking_over_from_a_leaver_does_not_make_the_leaver_deputy(
    comms, leaver, deputy, held, django_capture_on_commit_callbacks
):
    """RES-2: accepting from an owner who has left leaves the deputy role empty, not held by the leaver."""
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    handover = Handover.objects.create(account=held[0], from_person=leaver, to_person=deputy, requested_by=comms)
    handover_answer(actor=deputy, handover_id=handover.pk, accept=True)
    current = dict(Assignment.objects.current().filter(account=held[0]).values_list("role", "person"))
    assert current == {Role.OWNER: deputy.pk}


# The bulk handover page


def _url(leaver):
    return reverse("people:handover", args=[leaver.pk])


def _post_all(client, leaver, held, **extra):
    data = {f"select-{a.pk}": "on" for a in held}
    data.update(extra)
    return client.post(_url(leaver), data)


@pytest.fixture
def left(comms, leaver, held, django_capture_on_commit_callbacks):
    _leave(comms, leaver, django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    return leaver


def test_a_manager_offers_all_12_accounts_in_one_form(
    client, manager, left, held, successor, new_deputy, django_capture_on_commit_callbacks
):
    """Issue 13 "done when": 12 accounts in one form. The 8 owned are offered to the successor (who
    accepts as today), the 4 deputised get the new deputy at once; one audit event per change and
    per account; the successor gets one e-mail per account."""
    client.force_login(manager)
    response = _post_all(client, left, held, all_owner=successor.pk, all_deputy=new_deputy.pk, note="Välkommen")
    assert response.status_code == 302
    handovers = Handover.objects.filter(status=HandoverStatus.PENDING, to_person=successor)
    assert handovers.count() == AS_OWNER
    assert AuditEvent.objects.filter(action="handover.propose").count() == AS_OWNER
    assert AuditEvent.objects.filter(action="assignment.deputy").count() == LEAVER_ACCOUNTS - AS_OWNER
    assert Notification.objects.filter(kind="handover-offered", recipient=successor).count() == AS_OWNER
    # The findings stay open until the successor accepts; then the sweep closes them.
    assert len(_open("no-owner")) == AS_OWNER
    compliance_sweep()
    assert not _open("no-deputy")
    for handover in handovers:
        handover_answer(actor=successor, handover_id=handover.pk, accept=True)
    compliance_sweep()
    assert not _open("no-owner") and not _open("no-deputy")


def test_comms_appoints_all_12_directly_in_one_form(client, comms, left, held, successor, new_deputy):
    """One `handover.assign` event per account with the reason; e-mails to the new people; the
    findings close at the next sweep."""
    client.force_login(comms)
    response = _post_all(
        client, left, held, all_owner=successor.pk, all_deputy=new_deputy.pk, direct="1", reason="Lena har slutat"
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(action="handover.assign")
    assert events.count() == LEAVER_ACCOUNTS
    assert {e.note for e in events} == {"Lena har slutat"}
    assert not Assignment.objects.current().filter(person=left).exists()
    assert Assignment.objects.current().filter(person=successor, role=Role.OWNER).count() == AS_OWNER
    assert Assignment.objects.current().filter(person=new_deputy, role=Role.DEPUTY).count() == 4
    assert Notification.objects.filter(kind="handover-assigned", recipient=successor).count() == AS_OWNER
    assert Notification.objects.filter(kind="handover-assigned", recipient=new_deputy).count() == 4
    compliance_sweep()
    assert not _open("no-owner") and not _open("no-deputy")


def test_per_row_choices_override_the_common_one(client, comms, left, held, successor, new_deputy):
    client.force_login(comms)
    _post_all(
        client,
        left,
        held,
        all_owner=successor.pk,
        all_deputy=new_deputy.pk,
        direct="1",
        reason="r",
        **{f"owner-{held[0].pk}": new_deputy.pk, f"deputy-{held[0].pk}": successor.pk},
    )
    current = dict(Assignment.objects.current().filter(account=held[0]).values_list("role", "person"))
    assert current == {Role.OWNER: new_deputy.pk, Role.DEPUTY: successor.pk}


def test_one_bad_row_refuses_the_whole_form_with_a_message_on_that_row(
    client, manager, left, held, successor, new_deputy, english
):
    """All or nothing: an account without a recent screenshot (REC-5) refuses its row; nothing is
    handed over and the row says why."""
    held[3].snapshots.all().delete()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(manager)
    response = _post_all(client, left, held, all_owner=successor.pk, all_deputy=new_deputy.pk)
    assert response.status_code == 200
    assert not Handover.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["handover.propose", "assignment.deputy"]).exists()
    assert "Nothing was handed over" in response.content.decode()
    assert f'id="h-select-{held[3].pk}-error"' in response.content.decode()
    assert "screenshot" in response.content.decode()


def test_a_row_without_the_new_holder_is_refused(client, manager, left, held, successor, english):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(manager)
    response = _post_all(client, left, held, all_owner=successor.pk)  # the 4 deputised rows lack a deputy
    assert response.status_code == 200
    assert not Handover.objects.exists()
    assert response.content.decode().count("Choose the new deputy.") == LEAVER_ACCOUNTS - AS_OWNER


def test_the_page_lists_the_leavers_accounts_for_comms_and_the_manager(client, comms, manager, left, held):
    for user in (comms, manager):
        client.force_login(user)
        page = client.get(_url(left)).content.decode()
        assert all(a.name in page for a in held)
    client.force_login(comms)
    assert 'name="direct"' in client.get(_url(left)).content.decode()
    client.force_login(manager)
    assert 'name="direct"' not in client.get(_url(left)).content.decode()


def test_a_manager_cannot_appoint_directly_by_posting(client, manager, left, held, successor, new_deputy):
    client.force_login(manager)
    _post_all(client, left, held, all_owner=successor.pk, all_deputy=new_deputy.pk, direct="1", reason="r")
    assert not AuditEvent.objects.filter(action="handover.assign").exists()  # the field is not on its form


@pytest.mark.parametrize("who", ["owner", "auditor", "other_manager", "outsider"])
def test_others_get_404(client, request, who, left, held):
    """Auditors never write; an owner, another unit's manager or anyone else may not see the page."""
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(left)).status_code == 404
    assert client.post(_url(left), {f"select-{held[0].pk}": "on"}).status_code == 404


def test_no_handover_page_for_someone_who_has_not_left(client, comms, leaver, held):
    client.force_login(comms)
    assert client.get(_url(leaver)).status_code == 404


# The leave page


def test_comms_marks_a_person_as_left_on_the_leave_page(
    client, comms, leaver, held, django_capture_on_commit_callbacks
):
    client.force_login(comms)
    url = reverse("people:leave", args=[leaver.pk])
    assert url == f"/people/{leaver.pk}/leave/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"left_on": timezone.localdate().isoformat(), "reason": "Slutat"})
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.has_left and not leaver.is_active
    assert len(_open("no-owner")) == AS_OWNER
    page = client.get(url).content.decode()
    assert reverse("people:handover", args=[leaver.pk]) in page


@pytest.mark.parametrize("who", ["owner", "auditor", "manager"])
def test_the_leave_page_is_404_for_others(client, request, who, leaver):
    client.force_login(request.getfixturevalue(who))
    url = reverse("people:leave", args=[leaver.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"left_on": timezone.localdate().isoformat()}).status_code == 404
    leaver.refresh_from_db()
    assert not leaver.has_left
