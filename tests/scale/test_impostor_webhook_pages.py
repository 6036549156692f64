"""Query-count guards for the impostor and webhook pages (issue 14): each runs the same queries,
and stays under 200 KB, after the rows behind it have more than doubled (tests/scale/flat.py)."""

import itertools
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import WebhookDelivery, WebhookEndpoint
from records.models import ImpostorCase, ImpostorReport
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db
_n = itertools.count()


def add_cases(n: int, **fields) -> None:
    now = timezone.now()
    cases = ImpostorCase.objects.bulk_create(
        ImpostorCase(
            key=f"text:fake{i}",
            address=f"@fake{i}",
            last_action_at=now,
            reports_count=1,
            listed_at=now if fields.get("listed_publicly") else None,
            **fields,
        )
        for i in (next(_n) for _ in range(n))
    )
    ImpostorReport.objects.bulk_create(ImpostorReport(case=c, reason="Fake.") for c in cases)


def add_deliveries(endpoint, n: int) -> None:
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event="account.live", delivery_key=uuid.uuid4().hex, body="{}", attempts=1)
        for _ in range(n)
    )


@pytest.mark.parametrize("who", ["comms", "auditor"])
def test_the_case_list_is_flat(client, request, who):
    add_cases(30)
    client.force_login(request.getfixturevalue(who))
    assert_flat(client, reverse("records:impostor-cases"), lambda: add_cases(60))
    assert_flat(client, reverse("records:impostor-cases") + "?status=new", lambda: add_cases(60))


def test_the_public_list_of_known_impostors_is_flat(client):
    add_cases(60, listed_publicly=True, verdict="impostor", status="closed")
    assert_flat(
        client,
        reverse("records:impostors-listed"),
        lambda: add_cases(120, listed_publicly=True, verdict="impostor", status="closed"),
    )


def test_the_case_page_is_flat_in_its_reports(client, comms):
    add_cases(1)
    case = ImpostorCase.objects.get()
    client.force_login(comms)

    def grow():
        ImpostorReport.objects.bulk_create(ImpostorReport(case=case, reason="Again.") for _ in range(80))

    assert_flat(client, reverse("records:impostor-case", args=[case.pk]), grow)


def test_the_webhook_list_and_delivery_log_are_flat(client, comms):
    endpoint = WebhookEndpoint.objects.create(
        name="HR", url="https://93.184.216.34/h", events=["account.live"], secret="s"
    )
    add_deliveries(endpoint, 30)
    client.force_login(comms)

    assert_flat(client, reverse("webhooks:detail", args=[endpoint.pk]), lambda: add_deliveries(endpoint, 60))
    assert_flat(
        client,
        reverse("webhooks:list"),
        lambda: WebhookEndpoint.objects.bulk_create(
            WebhookEndpoint(name=f"E{i}", url="https://93.184.216.34/h", events=[], secret="s") for i in range(60)
        ),
    )
