"""The scheduled half-year report (issue 16): made on 1 July for the half year that ended, for all
of KI and each top-level unit, kept immutable with its SHA-256, e-mailed once as a link to the
communications department, the auditors and the unit's responsible manager (RESP-1, COMMS-1)."""

import datetime
import hashlib

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

from audit.models import AuditEvent
from monitoring.models import CheckIn
from notifications.models import Notification
from notifications.services import notifications_send
from reports import delivery
from reports.models import DeliveredReport
from tests.pdf import needs_pdftotext, pdf_text
from tests.reports import compliance_dataset as ds

JULY_FIRST = ds.at(2026, 7, 1, 6, 15)


@pytest.fixture
def data(db):
    return ds.build()


def test_the_half_year_that_ended():
    assert delivery.ended_half_year(datetime.date(2026, 7, 1)) == delivery.Period.half_year(2026, 1)
    assert delivery.ended_half_year(datetime.date(2027, 1, 1)) == delivery.Period.half_year(2026, 2)


@needs_pdftotext
def test_the_job_makes_each_report_once_and_queues_the_emails_once(data, tmp_path, english):
    """COMMS-1, RESP-1: one report for all of KI and one for the top-level department (the
    division is below it); each e-mailed as a link, never attached, to comms, the auditor and,
    for the department, its manager Maja; a second run makes and sends nothing."""
    counts = delivery.half_year_reports_deliver(now=JULY_FIRST)
    again = delivery.half_year_reports_deliver(now=JULY_FIRST + datetime.timedelta(hours=1))

    assert (counts["made"], again["made"]) == (2, 0)
    ki, dept = DeliveredReport.objects.order_by("scope_key")
    assert (ki.scope_key, dept.scope_key) == ("ki", f"unit-{data.department.pk}")
    assert (dept.period_start, dept.period_end) == (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    with default_storage.open(dept.file_name, "rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == dept.sha256 and len(content) == dept.size
    path = tmp_path / "sent.pdf"
    path.write_bytes(content)
    assert "Bedömning per område i riktlinjerna" in pdf_text(path).split("\f")[0]  # Swedish by default
    assert AuditEvent.objects.filter(action="export.report_delivered").count() == 2

    notifications_send()
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert to == sorted([(settings.COMMS_EMAIL,)] * 2 + [(data.auditor.email,)] * 2 + [(data.maja.email,)])
    assert Notification.objects.filter(kind="report-delivered").count() == 5
    message = next(m for m in mail.outbox if m.to == [data.maja.email])
    assert reverse("reports:delivered-download", args=[dept.pk]) in message.body
    assert dept.sha256 in message.body and not message.attachments


def test_a_delivered_report_is_immutable(data):
    """What was sent stays what was sent: the row refuses a second save."""
    delivery.half_year_reports_deliver(now=JULY_FIRST)
    record = DeliveredReport.objects.first()
    record.sha256 = "0" * 64
    with pytest.raises(ValueError, match="immutable"):
        record.save()


def test_who_may_open_a_delivered_report(client, data):
    """RESP-1: the department's manager opens its report (audited), not all of KI's; an owner
    opens neither (404)."""
    delivery.half_year_reports_deliver(now=JULY_FIRST)
    ki = DeliveredReport.objects.get(scope_key="ki")
    dept = DeliveredReport.objects.get(unit=data.department)
    client.force_login(data.maja)
    response = client.get(reverse("reports:delivered-download", args=[dept.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("reports:delivered-download", args=[ki.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="export.delivered_downloaded", actor=data.maja).count() == 1
    client.force_login(data.anna)
    assert client.get(reverse("reports:delivered-download", args=[dept.pk])).status_code == 404
    client.force_login(data.auditor)
    page = client.get(reverse("reports:compliance")).content.decode()
    assert reverse("reports:delivered-download", args=[ki.pk]) in page


def test_a_rerun_is_compared_with_what_was_sent(data, english):
    """A check-in recorded afterwards for a missed day of June changes the coverage: the
    comparison names the figure, with what was sent and what the report says now."""
    delivery.half_year_reports_deliver(now=JULY_FIRST)
    dept = DeliveredReport.objects.get(unit=data.department)
    assert delivery.compare(dept, now=JULY_FIRST) == {}

    CheckIn.objects.create(account=data.c, day=datetime.date(2026, 6, 3), person_repr="Sen rättelse")
    changed = delivery.compare(dept, now=JULY_FIRST)
    assert "trend.coverage" in changed
    sent, now = changed["trend.coverage"]
    assert now["now"] > sent["now"]


def test_the_beat_runs_the_task_on_1_january_and_1_july_and_it_queues_the_emails_once(data, monkeypatch, english):
    """Issue 16's done-when: the beat entry is due at 06:15 on 1 January and 1 July only, and its
    task, run on a fixed date (the clock set to 1 July 2026), makes the two reports and queues
    the five e-mails; run again the same day, it queues nothing more."""
    from django.utils import timezone

    from reports.tasks import half_year_reports_deliver_task

    schedule = settings.CELERY_BEAT_SCHEDULE["deliver-half-year-reports"]
    assert schedule["task"] == half_year_reports_deliver_task.name
    cron = schedule["schedule"]
    assert (cron.minute, cron.hour, cron.day_of_month, cron.month_of_year) == ({15}, {6}, {1}, {1, 7})

    monkeypatch.setattr(timezone, "now", lambda: JULY_FIRST)
    first = half_year_reports_deliver_task.apply().get()
    queued = Notification.objects.filter(kind="report-delivered").count()
    second = half_year_reports_deliver_task.apply().get()

    assert (first["made"], second["made"], first["period"]) == (2, 0, "2026-01-01 – 2026-06-30")
    assert queued == 5 and Notification.objects.filter(kind="report-delivered").count() == 5
    assert DeliveredReport.objects.count() == 2
