"""The e-mail outbox. Callers queue rows inside their own transaction; a Celery task (or the
send_notifications command) delivers them. Detection and delivery are separate steps.

notifications.tasks imports this module, never the other way round: the kick after a commit
queues the delivery task by its name (SEND_TASK)."""

import hashlib
import logging
from datetime import datetime, timedelta
from email.utils import parseaddr

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications.models import Notification
from org.choices import NotificationMode

logger = logging.getLogger(__name__)

# A claim older than this is taken to have died with its worker and is retried. Longer than any
# SMTP conversation; setting NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS.
CLAIM_TIMEOUT = timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
MAX_ATTEMPTS = 8
# The delivery task (notifications.tasks), by name; the beat schedule names it too.
SEND_TASK = "notifications.tasks.notifications_send_task"


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render emails/<template>-subject.txt, -body.txt and -body.html in the given language."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = " ".join(_render_plain(f"emails/{template}-subject.txt", context).split())
        text = _render_plain(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    return subject, text, html


def _render_plain(name: str, context: dict) -> str:
    """Plain-text templates are not HTML: render them without HTML escaping."""
    return get_template(name).template.render(Context(context, autoescape=False))


def notification_queue(
    *,
    template: str,
    dedupe_key: str,
    context: dict,
    recipient=None,
    to_email: str = "",
    language: str | None = None,
    attachment: tuple[str, str, bytes] | None = None,
    link: str = "",
) -> Notification | None:
    """Queue one e-mail, once per dedupe key. Call inside the transaction of its cause.

    The recipient is a user (their address and language) or a bare address (e.g. a registry or
    the communications department's shared mailbox, in Swedish). Returns None if a row with the
    same key exists already (a repeated cause sends nothing new) or there is no address.
    """
    to_email = to_email or (recipient.email if recipient else "")
    if not to_email:
        logger.warning("notification %s has no address; not queued", dedupe_key)
        return None
    language = language or (getattr(recipient, "language", "") or settings.LANGUAGE_CODE)
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    subject, text, html = render_email(template, {**context, "recipient": recipient, "link": link}, language)
    name, content_type, data = attachment or ("", "", None)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin loses quietly
            notification = Notification.objects.create(
                dedupe_key=dedupe_key[:200],
                kind=template,
                recipient=recipient,
                to_email=to_email,
                language=language,
                subject=subject[:300],
                body_text=text,
                body_html=html,
                attachment_name=name,
                attachment_type=content_type,
                attachment_data=data,
                link=link,
            )
    except IntegrityError:
        return None
    if settings.NOTIFICATIONS_KICK_WORKER:
        _kick_once_on_commit()
    return notification


def _kick_once_on_commit() -> None:
    """Ask for one delivery run when the transaction commits, however many rows it queued."""
    connection = transaction.get_connection()
    if not any(func is _kick_sender for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_kick_sender)


def _kick_sender():
    """Ask a worker to deliver now. A web request must not fail or hang when the broker is down:
    the per-minute beat job delivers the row anyway."""
    try:
        current_app.send_task(SEND_TASK, retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - any broker failure; delivery falls back to the beat job
        logger.warning("broker unavailable; the outbox will be delivered by the periodic job", exc_info=True)


# The daily digest's own e-mail (notifications.digest).
DIGEST_KIND = "digest"
# Kinds that are sent at once even to people who chose the daily digest (issue 13): digests
# themselves; escalations (findings already past their grace period, to the responsible manager,
# RESP-1, MON-2); criticism to be handled by the responsible manager within the 24-hour rule
# (ANS-1, ANS-2); a broken audit chain; a withdrawn media consent, whose material must stop being
# used now (MEDIA-1). A row with an attachment is never folded into a digest.
IMMEDIATE_KINDS = frozenset(
    {DIGEST_KIND, "weekly-digest", "escalation", "inquiry-criticism", "audit-chain-broken", "consent-withdrawn"}
)


def sent_at_once() -> Q:
    """The rows the sender delivers one by one: to a bare address, to someone who wants each e-mail
    at once, of an immediate kind, or carrying an attachment. The rest wait for the recipient's
    daily digest (notifications.digest)."""
    return (
        Q(recipient__isnull=True)
        | Q(recipient__notification_mode=NotificationMode.IMMEDIATE)
        | Q(kind__in=IMMEDIATE_KINDS)
        | ~Q(attachment_name="")
    )


def _due(now: datetime):
    return Notification.objects.filter(
        sent_at_once(),
        Q(sent_at__isnull=True),
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        attempts__lt=MAX_ATTEMPTS,
    )


def notifications_send(*, now: datetime | None = None, batch: int = 100) -> int:
    """Deliver due outbox rows; returns how many were sent.

    1. Claim a row with a conditional update (a lease of CLAIM_TIMEOUT, counted as an attempt):
       when two workers race, the one whose update changed no row skips it (another worker got
       there first). A worker killed while it holds the lease leaves the row to be retried when
       the lease ends, at most MAX_ATTEMPTS times in all (a message that kills its worker every
       time cannot loop for ever).
    2. Hand it to the mail server over one connection per run, under a Message-ID derived from
       the row (message_id), the same on every attempt.
    3. Mark it sent as soon as the server has accepted it, before anything else (not after
       closing the connection): the window in which a kill makes a resend is one UPDATE long,
       and a resend in it carries the same Message-ID. docs/reliability.md says what "exactly
       once" means at the boundary with SMTP.

    A failure releases the claim and schedules a retry with exponential backoff.
    """
    now = now or timezone.now()
    sent = 0
    due = list(_due(now).order_by("created_at").values_list("id", "claimed_at")[:batch])
    if not due:
        return 0
    connection = get_connection()
    try:
        for row_id, claimed_at in due:
            won = Notification.objects.filter(pk=row_id, sent_at__isnull=True, claimed_at=claimed_at).update(
                claimed_at=now, attempts=F("attempts") + 1
            )
            if not won:
                continue
            notification = Notification.objects.get(pk=row_id)
            try:
                _deliver(notification, connection)
            except Exception as exc:  # noqa: BLE001 - SMTP errors of any kind are retried
                Notification.objects.filter(pk=row_id).update(
                    claimed_at=None,
                    last_error=str(exc)[:2000],
                    next_attempt_at=now + timedelta(minutes=2**notification.attempts),
                )
                logger.warning("sending notification %s failed (attempt %s)", row_id, notification.attempts)
                connection.close()  # the next message opens a fresh connection
                continue
            Notification.objects.filter(pk=row_id).update(sent_at=timezone.now())
            sent += 1
    finally:
        connection.close()
    return sent


def message_id(notification: Notification) -> str:
    """The e-mail's Message-ID: derived from the row (its id, and a digest of its dedupe key and
    creation time, so that ids restarted in another database never collide), hence the same
    when the row is sent again after a worker died in the middle of it."""
    digest = hashlib.sha256(f"{notification.dedupe_key}|{notification.created_at.isoformat()}".encode()).hexdigest()
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "kipolicy.invalid"
    return f"<notification.{notification.pk}.{digest[:16]}@{domain}>"


def _deliver(notification: Notification, connection) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        headers={"X-KI-Notification": str(notification.pk), "Message-ID": message_id(notification)},
        connection=connection,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.attachment_name and notification.attachment_data is not None:
        message.attach(notification.attachment_name, bytes(notification.attachment_data), notification.attachment_type)
    connection.open()  # once per run: a no-op while the connection is open
    if not message.send():
        raise RuntimeError("the mail backend sent nothing")
