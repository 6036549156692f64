"""The daily digest (issue 13): people who chose "one daily digest" (org.User.notification_mode)
receive the portal's e-mails once a day, in one message, instead of one by one.

The outbox sender (services.notifications_send) leaves their rows alone (services.sent_at_once),
except the kinds in services.IMMEDIATE_KINDS, which are urgent and still go at once:
escalations (RESP-1, MON-2), criticism to answer within the 24-hour rule (ANS-1, ANS-2), a broken
audit chain, digests themselves, and any row with an attachment.

``digest_queue`` runs each morning (CELERY_BEAT_SCHEDULE "daily-digest", 08:30 Stockholm, after the
08:00 reminders so that today's reminders are in today's digest). For each digest recipient with
waiting rows, in one transaction: it locks those rows (skipping rows another run holds), queues
one ``digest`` e-mail in the recipient's language listing each waiting message (subject, its first
lines, its link), and marks the rows sent (``sent_at`` is when they went into the digest). The
digest row is then delivered like any other outbox row, exactly once. A second run finds nothing
waiting and sends nothing; two runs at once skip each other's rows; the digest's dedupe key names
its recipient and its newest row, so a retry cannot queue the same digest twice.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from org.choices import NotificationMode
from org.models import User

FIRST_LINES = 3


def _waiting(now: datetime.datetime):
    """Rows waiting for a digest: unsent, for a digest recipient, not sent at once, and not held by
    a sender's live claim (a row claimed while its recipient still wanted each e-mail at once)."""
    return Notification.objects.filter(
        ~services.sent_at_once(),
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - services.CLAIM_TIMEOUT),
        sent_at__isnull=True,
        recipient__notification_mode=NotificationMode.DIGEST,
    )


def first_lines(text: str, n: int = FIRST_LINES) -> list[str]:
    """The first ``n`` non-empty lines of a message, before its footer."""
    lines = []
    for line in text.splitlines():
        if line.strip() == "--":
            break
        if line.strip():
            lines.append(line.strip())
        if len(lines) == n:
            break
    return lines


def digest_queue(*, now: datetime.datetime | None = None) -> int:
    """Queue one digest e-mail for each recipient who has waiting rows; returns how many were queued."""
    now = now or timezone.now()
    recipient_ids = list(_waiting(now).order_by().values_list("recipient_id", flat=True).distinct())
    queued = 0
    for recipient in User.objects.filter(pk__in=recipient_ids).order_by("pk"):
        with transaction.atomic():
            rows = list(
                _waiting(now)
                .filter(recipient=recipient)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("created_at", "pk")
            )
            if not rows:
                continue  # another run took them
            items = [{"subject": row.subject, "lines": first_lines(row.body_text), "link": row.link} for row in rows]
            digest = services.notification_queue(
                template=services.DIGEST_KIND,
                dedupe_key=f"digest:{recipient.pk}:{rows[-1].pk}",
                recipient=recipient,
                context={"items": items, "day": timezone.localdate(now)},
            )
            if digest is None:  # no address, or already queued: leave the rows as they are
                continue
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now, claimed_at=now)
            queued += 1
    return queued
