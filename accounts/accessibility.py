"""The portal's own accessibility (DOS-lagen 2018:1937, issue 15): the statement's dates and the
problem reports anyone can send from it, which reach the communications department.

- ``accessibility_report_submit``: anyone, logged in or not (the view limits it per client IP,
  THROTTLE_RATES["accessibility-report"]); the report is stored, audited and e-mailed to
  settings.COMMS_EMAIL in one transaction. Nothing is sent to the address the reporter typed:
  the form must not be a way to make the portal e-mail strangers.
- ``accessibility_report_answer``: comms mark a report answered with what they did (audited).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.choices import ReportStatus
from accounts.models import AccessibilityReport
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue

# The statement is dated and reviewed (DIGG's model statement): change these when it is reviewed.
STATEMENT_PUBLISHED = datetime.date(2026, 12, 5)
STATEMENT_REVIEWED = datetime.date(2026, 12, 5)
# Where anyone may report a public body whose digital service is not accessible (DIGG's form).
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@transaction.atomic
def accessibility_report_submit(
    *, message: str, page_url: str = "", name: str = "", email: str = "", user=None
) -> AccessibilityReport:
    """Store a report about the portal's accessibility and tell the communications department."""
    message = message.strip()
    if not message:
        raise ApplicationError(_("Describe the problem."))
    reporter = user if user is not None and user.is_authenticated else None
    report = AccessibilityReport(
        message=message,
        page_url=page_url.strip(),
        name=name.strip(),
        email=email.strip(),
        reported_by=reporter,
    )
    report.full_clean()
    report.save()
    audit_record(
        actor=reporter,
        actor_repr=None if reporter else "public",
        target=report,
        action="accessibility_report.submit",
        after={"page_url": report.page_url},
    )
    notification_queue(
        template="accessibility-report",
        dedupe_key=f"accessibility-report:{report.pk}",
        to_email=settings.COMMS_EMAIL,
        context={"report": report},
        link=reverse("accessibility:report-list"),
    )
    return report


@transaction.atomic
def accessibility_report_answer(*, actor, report_id: int, answer: str) -> AccessibilityReport:
    """Mark a report answered with what was done (comms only)."""
    if not permissions.can_answer_accessibility_reports(actor):
        raise NotAllowed(_("Only the communications department answers accessibility reports."))
    report = AccessibilityReport.objects.select_for_update().get(pk=report_id)
    answer = answer.strip()
    if report.status == ReportStatus.ANSWERED:
        raise ApplicationError(_("This report has already been answered."))
    if not answer:
        raise ApplicationError(_("Write what was done or answered."))
    report.status = ReportStatus.ANSWERED
    report.answer = answer
    report.answered_at = timezone.now()
    report.answered_by = actor
    report.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    audit_record(
        actor=actor,
        target=report,
        action="accessibility_report.answer",
        before={"status": ReportStatus.OPEN},
        after={"status": ReportStatus.ANSWERED},
        note=answer,
    )
    return report


def accessibility_report_list(*, user):
    """The reports for the comms list: open first, newest first (404 for anyone else)."""
    if not permissions.can_see_accessibility_reports(user):
        return AccessibilityReport.objects.none()
    return AccessibilityReport.objects.select_related("answered_by").order_by("-status", "-created_at", "-id")
