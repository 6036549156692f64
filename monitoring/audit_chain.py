"""The daily check of the audit trail's hash chain. The chain and its verification live in audit
(the ground floor); this job sits in monitoring because it records a CheckRun and mails the
communications department through the outbox, which audit may not import."""

import datetime

from django.conf import settings
from django.utils import timezone

from audit.labels import CHAIN_BREAK_REASONS
from audit.services import audit_chain_verify
from monitoring.choices import RunStatus
from monitoring.models import CheckRun
from monitoring.services import job_run
from notifications.services import notification_queue

JOB = "verify_audit_chain"


def _last_known_head() -> tuple[int, str] | None:
    """The newest event the last intact run saw: rows removed from the end are found by its absence."""
    for counts in (
        CheckRun.objects.filter(job=JOB, status=RunStatus.OK)
        .order_by("-started_at")
        .values_list("counts", flat=True)[:30]
    ):
        if counts.get("head_id"):
            return counts["head_id"], counts["head_hash"]
    return None


def audit_chain_check(*, now: datetime.datetime | None = None) -> dict:
    """Recompute the chain; if it is broken, queue one e-mail to the communications department per
    break (the outbox's dedupe key names the break, so later runs do not mail again)."""
    now = now or timezone.now()
    known_head = _last_known_head()
    with job_run(JOB, now) as counts:
        checked, broken, head = audit_chain_verify(known_head=known_head)
        counts["checked"] = checked
        if broken is None:
            counts.update({"head_id": head[0] if head else None, "head_hash": head[1] if head else None})
            return counts
        counts["broken"] = broken.key
        row = notification_queue(
            template="audit-chain-broken",
            dedupe_key=f"audit-chain-broken:{broken.key}",
            to_email=settings.COMMS_EMAIL,
            language="sv",
            context={"broken": broken, "reason": CHAIN_BREAK_REASONS[broken.reason], "checked": checked},
        )
        counts["emails"] = int(row is not None)
    return counts
