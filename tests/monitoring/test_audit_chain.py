"""The daily verification of the audit trail's hash chain (issue 11, defect 7): a CheckRun each
time; a break is mailed to the communications department once."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from audit.models import AuditEvent
from audit.services import audit_record
from monitoring.audit_chain import JOB, audit_chain_check
from monitoring.choices import RunStatus
from monitoring.models import CheckRun
from notifications.models import Notification
from notifications.services import notifications_send
from tests import factories
from tests.audit_maintenance import audit_maintenance
from tests.monitoring.helpers import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    unit = factories.UnitFactory()
    return [audit_record(actor=None, target=unit, action="unit.update", note=str(i)) for i in range(4)]


def test_an_intact_chain_is_recorded_as_a_run_and_mails_nobody(events):
    counts = audit_chain_check(now=at(2026, 6, 15, 3, 30))

    run = CheckRun.objects.get(job=JOB)
    assert run.status == RunStatus.OK
    assert counts == run.counts == {"checked": 4, "head_id": events[-1].pk, "head_hash": events[-1].hash}
    assert Notification.objects.count() == 0


def test_a_broken_chain_is_mailed_to_comms_once(events):
    """The same break found by the next run (and the next day's) queues no second e-mail."""
    with audit_maintenance():
        AuditEvent.objects.filter(pk=events[1].pk)._raw_delete(using="default")
    day = at(2026, 6, 15, 3, 30)

    first = audit_chain_check(now=day)
    again = audit_chain_check(now=day + DAY / 24)
    next_day = audit_chain_check(now=day + DAY)
    notifications_send()

    assert (first["emails"], again["emails"], next_day["emails"]) == (1, 0, 0)
    assert first["broken"] == f"{events[2].pk}:link"
    [email] = mail.outbox
    assert email.to == [settings.COMMS_EMAIL]
    with translation.override("sv"):
        assert str(events[2].pk) in email.subject
    assert f"{events[0].pk}" in email.body
    assert CheckRun.objects.filter(job=JOB, status=RunStatus.OK).count() == 3


def test_events_removed_from_the_end_after_an_intact_run_are_mailed(events):
    audit_chain_check(now=at(2026, 6, 15, 3, 30))
    with audit_maintenance():
        AuditEvent.objects.filter(pk=events[-1].pk)._raw_delete(using="default")

    counts = audit_chain_check(now=at(2026, 6, 16, 3, 30))

    assert (counts["broken"], counts["emails"]) == (f"{events[-1].pk}:head", 1)
