"""The REST API's rate limits (issue 11), with the production rates: per user (token or session)
and, without valid credentials, per IP. N requests are answered, the N+1st is 429 with
Retry-After, another user or address is still served; the schema documents the 429."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.throttling import OTHER_IP, allowed, assert_throttled

pytestmark = pytest.mark.usefixtures("production_rates", "a_still_clock")


@pytest.fixture
def a_still_clock(monkeypatch):
    """The throttles' clock stands still: the 600 requests are "in one minute" however long a loaded
    machine takes to make them (they took more than a minute with seven test runs on two cores,
    and the window let the 601st through)."""
    from rest_framework.throttling import SimpleRateThrottle

    now = SimpleRateThrottle.timer()
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: now))


def test_the_api_limits_each_user(outsider, owner, token_client):
    """600 requests a minute with one user's token are answered; the 601st is 429 with Retry-After
    and a JSON message; another user's token is still answered."""
    url = reverse("api:account-detail", args=[999999])  # cheap: counted before the 404
    client = token_client(outsider)
    for _ in range(allowed("user")):
        assert client.get(url).status_code == 404
    response = client.get(url)
    assert_throttled(response)
    assert response.json()["detail"]

    assert token_client(owner).get(url).status_code == 404


def test_the_api_limits_requests_without_credentials_per_ip(client, db):
    """Without a valid token (401, a script guessing tokens), 60 a minute from one address; the 61st
    is 429 with Retry-After; another address still gets its 401."""
    url = reverse("api:unit-list")
    guessing = Client(headers={"Authorization": "Bearer not-a-token"})
    for _ in range(allowed("anon")):
        assert guessing.get(url).status_code == 401
    assert_throttled(guessing.get(url))
    assert_throttled(client.get(url))  # no header at all: the same address, the same count

    assert client.get(url, REMOTE_ADDR=OTHER_IP).status_code == 401


def test_the_schema_documents_the_429_answer(client, outsider):
    """Every operation of the OpenAPI schema lists 429 with its Retry-After header."""
    client.force_login(outsider)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    operations = [op for item in schema["paths"].values() for op in item.values() if "responses" in op]
    assert operations
    for operation in operations:
        assert "Retry-After" in operation["responses"]["429"]["headers"]
