"""The scheduled half-year report (issue 16): at the start of January and July the compliance
report of the half year that ended is made for the whole of KI and for each top-level unit, kept
as an immutable DeliveredReport (PDF, its SHA-256 and the page-1 figures) and e-mailed as a link
(not an attachment: it names people) to the communications department, the auditors and the
unit's responsible manager.

Idempotent: a scope and period is made once (the unique constraint), and each e-mail is queued
once (its dedupe key); a second run the same day makes and sends nothing. `compare` makes the
report again and says which page-1 figures differ from what was sent (data corrected since).
"""

import datetime
import hashlib
import json
import secrets
import tempfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from audit.services import audit_record
from monitoring.services import job_run
from notifications.services import notification_queue
from org import roles
from org.calendar import local_day
from org.models import Unit
from reports import report_files
from reports.choices import ExportFormat
from reports.compliance import ComplianceReport
from reports.figures import Period
from reports.models import DeliveredReport

JOB = "report_delivery"
SYSTEM_ACTOR = "system:report_delivery"
STORAGE_DIR = "delivered"


def ended_half_year(today: datetime.date) -> Period:
    """The last half year that ended before `today`."""
    return Period.half_year(today.year - 1, 2) if today.month <= 6 else Period.half_year(today.year, 1)


def scope_key(unit: Unit | None) -> str:
    return f"unit-{unit.pk}" if unit else "ki"


def summary_of(report: ComplianceReport) -> dict:
    """The page-1 figures as JSON: what a re-run is compared with."""
    answer = report.answer()
    return json.loads(
        json.dumps(
            {
                "verdicts": {v.key: v.verdict for v in answer.verdicts},
                "trend": {t.key: {"now": t.now, "before": t.before} for t in answer.trends},
                "attention": [item.account_id for item in answer.attention],
            },
            cls=DjangoJSONEncoder,
        )
    )


def _make(unit: Unit | None, period: Period, now: datetime.datetime, language: str) -> DeliveredReport | None:
    report = ComplianceReport(user=None, unit=unit, period=period, now=now, system=True)
    with translation.override(language), tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        report_files.write_pdf(report, handle)
        download_name = report_files.file_name(report, ExportFormat.PDF)
        summary = summary_of(report)
        handle.flush()
        handle.seek(0)
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = handle.tell()
        handle.seek(0)
        name = f"{STORAGE_DIR}/{scope_key(unit)}-{period.start.isoformat()}-{secrets.token_hex(8)}.pdf"
        stored = default_storage.save(name, File(handle, name=name))
    try:
        with transaction.atomic():
            record = DeliveredReport.objects.create(
                scope_key=scope_key(unit),
                unit=unit,
                period_start=period.start,
                period_end=period.end,
                language=language,
                made_at=now,
                file_name=stored,
                download_name=download_name,
                size=size,
                sha256=digest,
                summary=summary,
            )
            audit_record(
                actor=None,
                actor_repr=SYSTEM_ACTOR,
                target=record,
                action="export.report_delivered",
                after={"scope": record.scope_key, "period": str(period), "sha256": digest},
            )
            _queue_emails(record, unit)
    except IntegrityError:  # made meanwhile by a concurrent run: keep theirs
        default_storage.delete(stored)
        return None
    return record


def _recipients(unit: Unit | None):
    """The auditors, and the unit's responsible manager for a unit's report (the communications
    department gets its copy at its shared address)."""
    people = list(get_user_model().objects.filter(groups__name=roles.AUDITOR, is_active=True).order_by("pk"))
    if unit is not None and unit.manager_id and unit.manager.is_active:
        people.append(unit.manager)
    return {person.pk: person for person in people}.values()


def _queue_emails(record: DeliveredReport, unit: Unit | None) -> int:
    link = reverse("reports:delivered-download", args=[record.pk])
    context = {"record": record, "scope": unit.display_name if unit else None}
    queued = 0
    for person in _recipients(unit):
        queued += bool(
            notification_queue(
                template="report-delivered",
                dedupe_key=f"report-delivered:{record.pk}:{person.pk}",
                recipient=person,
                context=context,
                link=link,
            )
        )
    queued += bool(
        notification_queue(
            template="report-delivered",
            dedupe_key=f"report-delivered:{record.pk}:comms",
            to_email=settings.COMMS_EMAIL,
            language="sv",
            context=context,
            link=link,
        )
    )
    return queued


def half_year_reports_deliver(*, now: datetime.datetime | None = None) -> dict:
    """Make and send the reports of the half year that ended: all of KI and each top-level unit
    still open. Scopes already delivered for the period are skipped."""
    now = now or timezone.now()
    period = ended_half_year(local_day(now))
    with job_run(JOB, now) as counts:
        done = set(
            DeliveredReport.objects.filter(period_start=period.start, period_end=period.end).values_list(
                "scope_key", flat=True
            )
        )
        scopes = [None, *Unit.objects.filter(parent__isnull=True).open().select_related("manager").order_by("path")]
        made = 0
        for unit in scopes:
            if scope_key(unit) in done:
                continue
            made += _make(unit, period, now, settings.REPORTS_DELIVERY_LANGUAGE) is not None
        counts.update({"period": str(period), "scopes": len(scopes), "made": made})
    return counts


def compare(record: DeliveredReport, *, now: datetime.datetime | None = None) -> dict:
    """Make the delivered report again and return the page-1 figures that differ from what was
    sent: {figure: (sent, now)}; empty when nothing changed."""
    period = Period(record.period_start, record.period_end)
    report = ComplianceReport(user=None, unit=record.unit, period=period, now=now or timezone.now(), system=True)
    with translation.override(record.language):
        again = summary_of(report)
    differences = {}
    for part in ("verdicts", "trend"):
        for key, sent in record.summary.get(part, {}).items():
            if again[part].get(key) != sent:
                differences[f"{part}.{key}"] = (sent, again[part].get(key))
    if again["attention"] != record.summary.get("attention"):
        differences["attention"] = (record.summary.get("attention"), again["attention"])
    return differences
