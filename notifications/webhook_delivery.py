"""Sending webhook deliveries (issue 14, docs/webhooks.md): the e-mail outbox's machinery
(notifications.services.notifications_send) for HTTP.

1. Claim a due delivery with a conditional update (a lease of CLAIM_TIMEOUT, counted as an
   attempt): of two workers, the one whose update changed no row skips it.
2. POST its body, signed at this attempt (X-KI-Signature over "<timestamp>.<body>") and carrying
   its idempotency key (X-KI-Delivery), the same on every attempt: the receiver drops a repeat.
   The endpoint's address is checked again (notifications.webhooks.endpoint_url_check: a name
   may resolve elsewhere since it was registered) and the POST goes to exactly that checked
   address (core.outbound.PinnedClient: no second DNS lookup, so no rebinding; Host, SNI and the
   certificate name the host), with no redirect followed, WEBHOOKS_TIMEOUT_SECONDS to connect,
   to answer and in all, and at most ANSWER_MAX_BYTES of the answer read.
3. A 2xx answer marks it delivered and clears the endpoint's failure count. Anything else (another
   status, a refused or timed-out connection, an address that now resolves to a private network)
   releases the claim and schedules the next attempt with exponential backoff; after MAX_ATTEMPTS
   the delivery is given up. WEBHOOKS_DISABLE_AFTER_FAILURES failures in a row disable the
   endpoint, and the communications department is told by e-mail.

At least once: a worker killed after the receiver answered but before the row was marked sends it
again when the lease ends, under the same idempotency key.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.exceptions import ApplicationError
from core.outbound import Limits, OutboundError, PinnedClient, Target
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services import notification_queue
from notifications.webhook_signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature_header
from notifications.webhooks import endpoint_url_check

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)
MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
SEND_TASK = "notifications.tasks.webhooks_deliver_task"
SYSTEM_ACTOR = "system:webhooks_deliver"
ANSWER_MAX_BYTES = 64 * 1024  # of an endpoint's answer: only its status matters
USER_AGENT = "KI-social-media-registry-webhooks/1"


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most six hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _due(now: datetime):
    return WebhookDelivery.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT),
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        delivered_at__isnull=True,
        failed_at__isnull=True,
        endpoint__is_active=True,
    )


def _client() -> PinnedClient:
    seconds = settings.WEBHOOKS_TIMEOUT_SECONDS
    return PinnedClient(
        limits=Limits(connect=seconds, read=seconds, total=seconds, max_bytes=ANSWER_MAX_BYTES),
        headers={"User-Agent": USER_AGENT},
    )


def _post(client: PinnedClient, target: Target, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> int:
    """POST the delivery to the checked address; returns the HTTP status (a redirect is an answer,
    not followed: it could lead past the SSRF check). OutboundError when there is no answer."""
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature_header(endpoint.secret, body),
        DELIVERY_HEADER: delivery.delivery_key,
        EVENT_HEADER: delivery.event,
    }
    return client.request("POST", endpoint.url, target=target, headers=headers, content=body, truncate=True).status


def webhooks_deliver(*, now: datetime | None = None, batch: int = 50) -> int:
    """Send due deliveries; returns how many were delivered (idempotent, safe on two workers)."""
    now = now or timezone.now()
    due = list(_due(now).order_by("created_at", "id").values_list("id", "claimed_at")[:batch])
    delivered = 0
    with _client() as client:
        for row_id, claimed_at in due:
            delivered += _attempt(client, row_id, claimed_at, now=now)
    return delivered


def _attempt(client: PinnedClient, row_id: int, claimed_at, *, now: datetime) -> int:
    """Claim and send one delivery; 1 when it was delivered, else 0."""
    won = WebhookDelivery.objects.filter(pk=row_id, delivered_at__isnull=True, claimed_at=claimed_at).update(
        claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return 0  # another worker got there first
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=row_id)
    endpoint = delivery.endpoint
    status, error = None, ""
    try:
        target = endpoint_url_check(endpoint.url)  # again: a name may resolve elsewhere since it was registered
        status = _post(client, target, endpoint, delivery)
    except ApplicationError as exc:  # the address is refused now (SSRF)
        error = str(exc.message)
    except OutboundError as exc:  # refused connection, timed out, TLS, bad answer
        error = str(exc.reason)
    if status is not None and 200 <= status < 300:
        WebhookDelivery.objects.filter(pk=row_id).update(delivered_at=timezone.now(), last_status=status, last_error="")
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return 1
    _failed(
        delivery, now=now, status=status, error=error or _("The endpoint answered %(status)s.") % {"status": status}
    )
    return 0


def _failed(delivery: WebhookDelivery, *, now: datetime, status: int | None, error: str) -> None:
    logger.warning("webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            claimed_at=None,
            last_status=status,
            last_error=error[:500],
            next_attempt_at=now + backoff(delivery.attempts),
            failed_at=now if delivery.attempts >= MAX_ATTEMPTS else None,
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if endpoint.is_active and endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES:
            _disable(endpoint, now=now, error=error)


def _disable(endpoint: WebhookEndpoint, *, now: datetime, error: str) -> None:
    """Disable an endpoint that keeps failing, and tell the communications department."""
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = _("%(n)d failed attempts in a row. Last error: %(error)s") % {
        "n": endpoint.consecutive_failures,
        "error": error,
    }
    endpoint.disabled_reason = endpoint.disabled_reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    audit_record(
        actor=None,
        actor_repr=SYSTEM_ACTOR,
        target=endpoint,
        action="webhook.auto_disable",
        before={"is_active": True},
        after={"is_active": False, "consecutive_failures": endpoint.consecutive_failures},
        note=error[:300],
    )
    notification_queue(
        template="webhook-disabled",
        dedupe_key=f"webhook-disabled:{endpoint.pk}:{now.isoformat()}",
        to_email=settings.COMMS_EMAIL,
        language=settings.LANGUAGE_CODE,
        context={"endpoint": endpoint, "error": error},
        link=reverse("webhooks:detail", args=[endpoint.pk]),
    )
