"""Pending people (issue 13): named by comms or an administrator before they ever log in
(org.services.person_create), chosen as owner or deputy at once (RES-2), reminded by e-mail
meanwhile (MON-1), and linked to their single sign-on identity by e-mail at their first login."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring import reminders
from notifications.services import notifications_send
from org import roles
from org.models import ExternalIdentity, User
from org.selectors import person_search
from org.services import person_create
from org.sso import Claims, sign_in
from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account

pytestmark = pytest.mark.django_db

MORNING = at(2026, 5, 13, 8, 0)


def add_nina(actor, **kwargs):
    return person_create(actor=actor, first_name="Nina", last_name="Ny", email="nina.ny@ki.se", **kwargs)


def test_person_create_makes_a_pending_person_with_an_unusable_password_and_audits_it(comms):
    unit = factories.UnitFactory()

    person = add_nina(comms, unit=unit)

    assert (person.username, person.email, person.unit) == ("nina.ny@ki.se", "nina.ny@ki.se", unit)
    assert person.is_pending
    assert not person.has_usable_password()
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor, event.object_id, event.after["email"]) == (comms, str(person.pk), "nina.ny@ki.se")


def test_an_administrator_may_add_people_too(db):
    administrator = factories.UserFactory()
    administrator.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))

    assert add_nina(administrator).is_pending


@pytest.mark.parametrize("role", ["auditor", "registrar", "manager", "outsider"])
def test_others_may_not_add_people(role, request):
    with pytest.raises(NotAllowed):
        add_nina(request.getfixturevalue(role))
    assert not User.objects.filter(email="nina.ny@ki.se").exists()


def test_a_duplicate_email_is_refused_whatever_its_letter_case(comms, english):
    add_nina(comms)

    with pytest.raises(ApplicationError, match="already has the e-mail address nina.ny@ki.se"):
        person_create(actor=comms, first_name="N", last_name="Ny", email="NINA.NY@KI.SE")
    assert User.objects.filter(email__iexact="nina.ny@ki.se").count() == 1


def test_a_taken_username_gets_a_suffix(comms):
    factories.UserFactory(username="nina.ny@ki.se", email="other@ki.se")

    assert add_nina(comms).username == "nina.ny@ki.se-2"


def test_a_pending_person_is_found_by_the_people_pickers(comms, outsider):
    """RES-2: the owner and deputy fields search org.selectors.person_search, which finds pending people."""
    person = add_nina(comms)

    assert list(person_search(user=outsider, query="nina")) == [person]


def test_a_pending_owner_receives_the_reminder_by_email(comms):
    """MON-1, MON-2: a pending owner who has never logged in is reminded at their e-mail address."""
    pending = add_nina(comms)
    compliant_account(MORNING, owner=pending, name="KI Väntande", checked_in_on=MORNING.date() - 2 * DAY)

    reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    [email] = [m for m in mail.outbox if m.to == ["nina.ny@ki.se"]]
    assert "KI Väntande" in email.body


def test_sign_in_links_a_pending_person_by_email(comms):
    """At the first single sign-on the pending person is this row: no second user is created."""
    pending = add_nina(comms)

    user = sign_in(Claims(provider="oidc", subject="abc-123", email="Nina.Ny@ki.se", first_name="Nina", last_name="Ny"))

    assert user.pk == pending.pk
    assert ExternalIdentity.objects.get(provider="oidc", subject="abc-123").user_id == pending.pk
    assert User.objects.filter(email__iexact="nina.ny@ki.se").count() == 1
