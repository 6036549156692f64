"""Webhook endpoints and the events queued for them (issue 14, docs/webhooks.md).

- Comms registers an endpoint (``webhook_endpoint_create``, which returns the secret: it is shown
  once), changes its events, disables and re-enables it. Auditors read the endpoints and their
  delivery logs. Every change is audited.
- The apps where a change happens queue its event in the same transaction: accounts for an
  account going live, being decommissioned or renamed (``webhook_event_queue``), the compliance
  sweep for the findings it opens and resolves (``webhook_events_queue``: set-based, one
  bulk_create per rule, never a query per finding). notifications.webhook_delivery sends them.
- SSRF: an endpoint must be https:// and its host must resolve only to public addresses
  (core.outbound's rule: no private, loopback, link-local, reserved or multicast address). Only a
  host:port named in settings.WEBHOOKS_TRUSTED_ADDRESSES (the test suite's receiver, a
  developer's) may be http:// or resolve to such an address.
"""

import json
import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from core.outbound import RefusedAddress, Target, is_trusted, target_for, url_origin
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.webhook_models import WebhookEvent
from org import roles

# Findings per delivery: a sweep that opens 200 000 findings sends them 500 to a request.
FINDINGS_PER_DELIVERY = 500


def can_see_webhooks(user) -> bool:
    return roles.sees_everything(user)


def can_manage_webhooks(user) -> bool:
    return roles.is_comms(user)


def _require_manager(actor) -> None:
    if not can_manage_webhooks(actor):
        raise NotAllowed(_("Only the communications department may manage webhooks."))


def trusted_addresses() -> frozenset[str]:
    """The host:port pairs of WEBHOOKS_TRUSTED_ADDRESSES (read at each call: tests override it)."""
    return frozenset(settings.WEBHOOKS_TRUSTED_ADDRESSES)


def endpoint_url_check(url: str) -> Target:
    """The checked address to post to for `url`, or ApplicationError with the reason: at
    registration, and again before every attempt (a name may resolve elsewhere since)."""
    try:
        scheme, host, port = url_origin(url)
    except RefusedAddress as refused:
        if refused.code == "credentials":
            raise ApplicationError(_("The address must not contain a user name or password.")) from None
        if refused.code == "scheme":
            raise ApplicationError(_("The address must start with https://.")) from None
        raise ApplicationError(_("Give the full address, starting with https://.")) from None
    trusted = trusted_addresses()
    if scheme != "https" and not is_trusted(host, port, trusted):
        raise ApplicationError(_("The address must start with https://."))
    try:
        # The host is resolved once here; notifications.webhook_delivery connects to this address.
        return target_for(scheme, host, port, trusted=trusted)
    except RefusedAddress as refused:
        raise ApplicationError(refused.reason) from None


def _events_check(events) -> list[str]:
    events = sorted(set(events))
    if not events or any(e not in WebhookEvent.values for e in events):
        raise ApplicationError(_("Choose at least one event."))
    return events


@transaction.atomic
def webhook_endpoint_create(*, actor, name: str, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its secret, which is never shown again."""
    _require_manager(actor)
    endpoint_url_check(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        name=name.strip(), url=url, events=_events_check(events), secret=secret, created_by=actor
    )
    audit_record(
        actor=actor,
        target=endpoint,
        action="webhook.create",
        after={"name": endpoint.name, "url": url, "events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(*, actor, endpoint_id: int, name: str, url: str, events: list[str]) -> WebhookEndpoint:
    _require_manager(actor)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint_url_check(url)
    before = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events}
    endpoint.name, endpoint.url, endpoint.events = name.strip(), url, _events_check(events)
    endpoint.save(update_fields=["name", "url", "events", "updated_at"])
    after = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events}
    audit_record(actor=actor, target=endpoint, action="webhook.update", before=before, after=after)
    return endpoint


@transaction.atomic
def webhook_endpoint_set_active(*, actor, endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Disable an endpoint (nothing is queued or sent to it), or enable it again (its failure
    count starts afresh; deliveries queued before it was disabled are sent)."""
    _require_manager(actor)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if endpoint.is_active == active:
        return endpoint
    endpoint.is_active = active
    endpoint.consecutive_failures = 0
    endpoint.disabled_at = None if active else timezone.now()
    endpoint.disabled_reason = "" if active else _("Disabled by the communications department.")
    endpoint.save(update_fields=["is_active", "consecutive_failures", "disabled_at", "disabled_reason", "updated_at"])
    audit_record(
        actor=actor,
        target=endpoint,
        action="webhook.enable" if active else "webhook.disable",
        before={"is_active": not active},
        after={"is_active": active},
    )
    return endpoint


# Queueing events


def _body(event: str, key: str, occurred_at, data: dict) -> str:
    payload = {"id": key, "event": event, "occurred_at": occurred_at.isoformat(), "data": data}
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def subscribed_endpoints(event: str) -> list[WebhookEndpoint]:
    """The active endpoints that chose the event (endpoints are few: one query, filtered here)."""
    return [e for e in WebhookEndpoint.objects.filter(is_active=True).only("pk", "events") if event in e.events]


def webhook_events_queue(event: str, items: list[dict], *, endpoints=None) -> int:
    """Queue one delivery per item and subscribed endpoint: one query for the endpoints (unless
    given) and one bulk_create, whatever the number of items. Call inside the transaction of the
    change. Returns how many deliveries were queued."""
    endpoints = subscribed_endpoints(event) if endpoints is None else endpoints
    if not endpoints or not items:
        return 0
    now = timezone.now()
    rows = []
    for data in items:
        event_id = uuid.uuid4().hex  # the event's id, the same for every endpoint
        body = _body(event, event_id, now, data)
        rows.extend(
            WebhookDelivery(endpoint_id=e.pk, event=event, delivery_key=uuid.uuid4().hex, body=body) for e in endpoints
        )
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def webhook_event_queue(event: str, data: dict) -> int:
    """Queue one event (an account's change) for every endpoint that chose it."""
    return webhook_events_queue(event, [data])


def account_data(account) -> dict:
    """What an account event says about the account: what the public directory shows, and ids."""
    return {
        "account": {
            "id": account.pk,
            "name": account.name,
            "platform": account.platform.slug if account.platform_id else None,
            "handle": account.handle,
            "url": account.url,
            "classification": account.classification,
            "status": account.status,
            "unit_id": account.unit_id,
        }
    }


def findings_event_items(rule_id: str, account_ids) -> list[dict]:
    """The sweep's opened or resolved findings of one rule, FINDINGS_PER_DELIVERY a delivery."""
    ids = sorted(account_ids)
    return [
        {"rule": rule_id, "account_ids": ids[i : i + FINDINGS_PER_DELIVERY]}
        for i in range(0, len(ids), FINDINGS_PER_DELIVERY)
    ]
