"""Signed webhooks (issue 14, feature row 31; docs/webhooks.md), tested against a real HTTP
receiver on 127.0.0.1 (tests/notifications/webhook_receiver.py): events queued in the transaction
of the change, delivered signed (HMAC-SHA256 over "timestamp.body"), retried after a failure under
the same idempotency key, a replay refused by its timestamp, and an endpoint that keeps failing
disabled with an e-mail to the communications department."""

import datetime
import json
import urllib.request

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import AccountStatus
from accounts.services import social_account_transition, social_account_update
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.services import compliance_sweep
from notifications import webhooks
from notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from notifications.webhook_delivery import webhooks_deliver
from notifications.webhook_signing import signature_header, verify_signature
from tests import factories
from tests.notifications.webhook_receiver import Receiver, start

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["account.live", "account.decommissioned", "account.renamed", "finding.opened", "finding.resolved"]


@pytest.fixture
def receiver(settings):
    """The receiver, trusted (WEBHOOKS_TRUSTED_ADDRESSES) as http://127.0.0.1:<its port>."""
    receiver = Receiver()
    server = start(receiver)
    settings.WEBHOOKS_TRUSTED_ADDRESSES = [f"127.0.0.1:{receiver.port}"]
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(comms, receiver):
    endpoint, secret = webhooks.webhook_endpoint_create(
        actor=comms, name="Personalwebben", url=receiver.url, events=ALL_EVENTS
    )
    receiver.secret = secret
    return endpoint


def _go_live(comms):
    account = factories.SocialAccountFactory(status=AccountStatus.APPROVED, activated_at=None)
    social_account_transition(actor=comms, account_id=account.pk, to=AccountStatus.ACTIVE)
    return account


# The signature


def test_verify_signature_accepts_the_signed_body_only():
    """The receiver's helper: the right secret and body within the tolerance; nothing else."""
    body = b'{"event": "account.live"}'
    header = signature_header("s3cret", body, timestamp=1_700_000_000)

    assert verify_signature("s3cret", header, body, tolerance=300, now=1_700_000_100)
    assert not verify_signature("other", header, body, tolerance=300, now=1_700_000_100)
    assert not verify_signature("s3cret", header, body + b" ", tolerance=300, now=1_700_000_100)
    assert not verify_signature("s3cret", header, body, tolerance=300, now=1_700_000_301)  # a replay
    assert not verify_signature("s3cret", "t=abc,v1=00", body)
    assert not verify_signature("s3cret", "", body)


# Delivery to a real receiver


def test_an_account_going_live_reaches_the_receiver_once_signed(comms, endpoint, receiver):
    """The event is queued in the transition's transaction and delivered signed; the receiver
    verifies the signature and processes it once."""
    account = _go_live(comms)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event == "account.live" and delivery.endpoint == endpoint

    assert webhooks_deliver() == 1

    [request] = receiver.requests
    assert request["verified"] and request["key"] == delivery.delivery_key
    payload = receiver.processed[delivery.delivery_key]
    assert payload["event"] == "account.live"
    assert payload["data"]["account"]["id"] == account.pk
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None and delivery.last_status == 200 and delivery.attempts == 1
    assert webhooks_deliver() == 0  # nothing is sent twice
    assert len(receiver.requests) == 1


def test_a_failed_delivery_is_retried_with_backoff_under_the_same_key(comms, endpoint, receiver):
    """At least once: the receiver answers 500, the delivery waits for its backoff, then the retry
    (signed afresh, same X-KI-Delivery) is processed once."""
    receiver.statuses = [500]
    _go_live(comms)
    now = timezone.now()

    assert webhooks_deliver(now=now) == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (1, 500, None)
    assert delivery.next_attempt_at == now + datetime.timedelta(seconds=30)
    assert webhooks_deliver(now=now + datetime.timedelta(seconds=10)) == 0  # not yet due
    assert len(receiver.requests) == 1

    assert webhooks_deliver(now=now + datetime.timedelta(seconds=31)) == 1

    first, second = receiver.requests
    assert first["key"] == second["key"] == delivery.delivery_key
    assert first["verified"] and second["verified"]
    assert list(receiver.processed) == [delivery.delivery_key]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_replayed_request_is_refused_by_its_timestamp(comms, endpoint, receiver):
    """A captured delivery sent again after the receiver's tolerance fails verification (401)."""
    _go_live(comms)
    webhooks_deliver()
    [original] = receiver.requests

    receiver.clock_offset = receiver.tolerance + 1  # the replay arrives later than the tolerance
    replay = urllib.request.Request(
        receiver.url,
        data=original["body"],
        method="POST",
        headers={"X-KI-Signature": original["signature"], "X-KI-Delivery": original["key"]},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(replay, timeout=5)  # noqa: S310 - the test's own receiver

    assert refused.value.code == 401
    assert not receiver.requests[-1]["verified"]
    assert len(receiver.processed) == 1


def test_an_endpoint_that_keeps_failing_is_disabled_and_comms_told(comms, endpoint, receiver, settings):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 2
    settings.COMMS_EMAIL = "socialmedia@example.ki.se"
    receiver.statuses = [500, 503, 500]
    _go_live(comms)
    now = timezone.now()

    webhooks_deliver(now=now)
    webhooks_deliver(now=now + datetime.timedelta(minutes=1))

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    event = AuditEvent.objects.get(action="webhook.auto_disable")
    assert event.actor is None
    notice = Notification.objects.get(kind="webhook-disabled")
    assert notice.to_email == "socialmedia@example.ki.se" and endpoint.name in notice.subject
    # Disabled: nothing more is sent, and a new event is not queued for it.
    assert webhooks_deliver(now=now + datetime.timedelta(hours=1)) == 0
    assert len(receiver.requests) == 2
    _go_live(comms)
    assert WebhookDelivery.objects.count() == 1

    webhooks.webhook_endpoint_set_active(actor=comms, endpoint_id=endpoint.pk, active=True)
    assert webhooks_deliver(now=now + datetime.timedelta(hours=1)) == 0  # the third answer is 500 again
    assert webhooks_deliver(now=now + datetime.timedelta(hours=2)) == 1  # then the waiting one goes


# The address checked and pinned at every attempt (core.outbound)


def test_an_endpoint_whose_name_resolves_to_a_private_address_is_refused_with_the_reason(
    comms, receiver, settings, english
):
    """Issue 17, SSRF and DNS rebinding: `localhost` resolves to 127.0.0.1. Refused at registration
    unless trusted; registered while trusted, it is refused at the next attempt once it is not (as
    if the name had been pointed at a private address since): the reason is recorded on the
    delivery and no connection is opened."""
    named = f"localhost:{receiver.port}"
    with pytest.raises(ApplicationError, match=r"localhost resolves to an address that is not public \(127.0.0.1\)"):
        webhooks.webhook_endpoint_create(actor=comms, name="x", url=f"https://{named}/hooks/ki", events=ALL_EVENTS)
    settings.WEBHOOKS_TRUSTED_ADDRESSES = [named]
    webhooks.webhook_endpoint_create(actor=comms, name="Intranet", url=f"https://{named}/hooks/ki", events=ALL_EVENTS)
    _go_live(comms)
    settings.WEBHOOKS_TRUSTED_ADDRESSES = []

    assert webhooks_deliver() == 0

    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (1, None, None)
    assert delivery.last_error == "The host localhost resolves to an address that is not public (127.0.0.1)."
    assert receiver.connections == 0


def test_a_trusted_test_server_gets_the_post_at_the_checked_address_under_its_name(comms, receiver, settings):
    """The name is resolved once and checked; the POST goes to that address with the name as Host."""
    named = f"localhost:{receiver.port}"
    settings.WEBHOOKS_TRUSTED_ADDRESSES = [named]
    _endpoint, receiver.secret = webhooks.webhook_endpoint_create(
        actor=comms, name="Intranet", url=f"http://{named}/hooks/ki", events=ALL_EVENTS
    )
    _go_live(comms)

    assert webhooks_deliver() == 1

    [request] = receiver.requests
    assert request["verified"] and request["host"] == named
    assert WebhookDelivery.objects.get().last_status == 200


def test_a_redirect_is_an_answer_and_not_followed(comms, endpoint, receiver, english):
    """A 3xx from the endpoint is a failed attempt: its Location (here the receiver itself, trusted)
    is never asked, so a redirect cannot lead the POST past the address check."""
    receiver.statuses = [307]
    receiver.location = receiver.url + "/elsewhere"
    _go_live(comms)

    assert webhooks_deliver() == 0

    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status == 307 and delivery.last_error == "The endpoint answered 307."


def test_an_endpoint_that_answers_too_late_is_a_failed_attempt(comms, endpoint, receiver, settings, english):
    """WEBHOOKS_TIMEOUT_SECONDS bounds the wait: the attempt fails with the reason, to be retried."""
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    receiver.delay = 2.5
    _go_live(comms)

    assert webhooks_deliver() == 0

    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status is None and delivery.last_error == "The server did not answer in time."
    assert delivery.next_attempt_at is not None and delivery.failed_at is None


# Events queued where the change happens


def test_rename_and_decommission_queue_their_events(comms, endpoint):
    account = factories.SocialAccountFactory()
    social_account_update(actor=comms, account_id=account.pk, name="KI Forskning")
    social_account_transition(actor=comms, account_id=account.pk, to=AccountStatus.DECOMMISSIONING)
    social_account_transition(actor=comms, account_id=account.pk, to=AccountStatus.DECOMMISSIONED)

    events = [(d.event, json.loads(d.body)["data"]) for d in WebhookDelivery.objects.order_by("id")]
    assert [e for e, _ in events] == ["account.renamed", "account.decommissioned"]
    assert events[0][1]["previous_name"] == account.name
    assert events[0][1]["account"]["name"] == "KI Forskning"


def test_only_subscribed_active_endpoints_get_an_event(comms, receiver):
    webhooks.webhook_endpoint_create(actor=comms, name="Only renames", url=receiver.url, events=["account.renamed"])
    off, _secret = webhooks.webhook_endpoint_create(actor=comms, name="Off", url=receiver.url, events=ALL_EVENTS)
    webhooks.webhook_endpoint_set_active(actor=comms, endpoint_id=off.pk, active=False)

    _go_live(comms)

    assert WebhookDelivery.objects.count() == 0


def test_the_sweep_queues_opened_and_resolved_findings_set_based(comms, endpoint, django_assert_max_num_queries):
    """The sweep's findings go out in bulk: one delivery per rule and event (up to 500 accounts
    each), whatever the number of accounts, never a query per finding."""
    accounts = [factories.SocialAccountFactory() for _ in range(3)]  # no owner, no deputy
    compliance_sweep()
    opened = [json.loads(d.body)["data"] for d in WebhookDelivery.objects.filter(event="finding.opened")]
    no_owner = next(item for item in opened if item["rule"] == "no-owner")
    assert no_owner["account_ids"] == sorted(a.pk for a in accounts)
    assert len({item["rule"] for item in opened}) == len(opened)  # one delivery per rule

    factories.AssignmentFactory(account=accounts[0])  # an owner now: no-owner resolves for it
    compliance_sweep()

    [resolved] = [
        json.loads(d.body)["data"]
        for d in WebhookDelivery.objects.filter(event="finding.resolved")
        if json.loads(d.body)["data"]["rule"] == "no-owner"
    ]
    assert resolved["account_ids"] == [accounts[0].pk]


# Registering endpoints


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/hook",
        "http://127.0.0.1:8000/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "https://user:pw@93.184.216.34/hook",
    ],
)
def test_an_endpoint_must_be_https_on_a_public_address(comms, url):
    """SSRF: http:// and addresses on private, loopback or link-local networks are refused unless
    the host:port is trusted (WEBHOOKS_TRUSTED_ADDRESSES, empty in production)."""
    with pytest.raises(ApplicationError):
        webhooks.webhook_endpoint_create(actor=comms, name="x", url=url, events=["account.live"])
    assert WebhookEndpoint.objects.count() == 0


def test_a_public_https_address_is_accepted(comms):
    endpoint, secret = webhooks.webhook_endpoint_create(
        actor=comms, name="x", url="https://93.184.216.34/hook", events=["account.live"]
    )
    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert AuditEvent.objects.get(action="webhook.create").actor == comms
    assert secret not in json.dumps(AuditEvent.objects.get(action="webhook.create").after)


@pytest.mark.parametrize("who", ["auditor", "owner"])
def test_only_comms_may_register_an_endpoint(request, who):
    with pytest.raises(NotAllowed):
        webhooks.webhook_endpoint_create(
            actor=request.getfixturevalue(who), name="x", url="http://127.0.0.1/h", events=["account.live"]
        )


def test_the_pages_secret_shown_once_and_permissions(client, comms, auditor, owner, receiver):
    client.force_login(owner)
    assert client.get(reverse("webhooks:list")).status_code == 403
    client.force_login(comms)
    response = client.post(
        reverse("webhooks:create"), {"name": "HR", "url": receiver.url, "events": ["account.live", "finding.opened"]}
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    detail = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in detail

    client.force_login(auditor)
    page = client.get(reverse("webhooks:list")).content.decode()
    assert reverse("webhooks:create") not in page
    assert (
        reverse("webhooks:disable", args=[endpoint.pk])
        not in client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    )
    assert client.post(reverse("webhooks:disable", args=[endpoint.pk])).status_code == 403
    assert client.get(reverse("webhooks:create")).status_code == 403


def test_a_bad_address_on_the_form_is_a_clear_message_and_nothing_is_saved(client, comms):
    client.force_login(comms)
    response = client.post(
        reverse("webhooks:create"),
        {"name": "HR", "url": "http://intranet.ki.se/hook", "events": ["account.live"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with the message
    assert "https://" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_the_beat_schedule_sends_webhooks(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-webhooks"]
    assert entry["task"] == "notifications.tasks.webhooks_deliver_task"


def test_the_sweep_queues_findings_with_as_many_queries_for_more_accounts(comms, endpoint):
    """Set-based: the sweep's queries do not grow with the findings it sends to the endpoints."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sweep_queries(n: int) -> int:
        for _ in range(n):
            factories.SocialAccountFactory()  # no owner, no deputy: findings to open
        with CaptureQueriesContext(connection) as captured:
            compliance_sweep()
        return len(captured)

    few = sweep_queries(3)
    WebhookDelivery.objects.all().delete()
    many = sweep_queries(12)  # opened for these 12 only: the first 3 stay open

    assert many == few
    opened = json.loads(WebhookDelivery.objects.filter(event="finding.opened").order_by("id").first().body)
    assert len(opened["data"]["account_ids"]) == 12
