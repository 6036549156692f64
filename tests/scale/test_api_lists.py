"""Query-count guards (issue 12) for the API's list endpoints: units, accounts, findings,
check-ins and the six registers each run the same queries, and answer at most a page (50 by
default), after what they list has more than doubled (tests/scale/flat.py). The API is asked with
the session (as the portal's pages are), for the roles whose answers differ: comms (every
account), an owner (their own and the public accounts) and a responsible manager (their units')."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import CheckIn
from tests import factories
from tests.scale.flat import assert_flat
from tests.scale.test_register_pages import grower

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
_days = itertools.count(1)


def api_grower(evidence_account, owner):
    """The registers' grower (an account held by the owner with one record of each kind, two
    removed posts and two questions), plus an open finding, two check-ins and a unit a new account."""
    records = grower(evidence_account, owner)

    def grow(n: int) -> None:
        records(n)
        for _ in range(n):
            account = factories.staffed_account(owner=owner, unit=factories.UnitFactory(parent=evidence_account.unit))
            factories.FindingFactory(account=account, rule="missed-monitoring")
            factories.FindingFactory(account=account, rule="no-deputy")
            for _ in range(2):
                day = timezone.localdate() - next(_days) * DAY
                CheckIn.objects.create(account=account, day=day, person_repr="test", source="api")

    return grow


ENDPOINTS = [
    "api:unit-list",
    "api:account-list",
    "api:finding-list",
    "api:checkin-list",
    "api:removed-post-list",
    "api:question-list",
    "api:block-list",
    "api:media-consent-list",
    "api:decision-list",
]


@pytest.mark.parametrize("who", ["comms", "owner", "manager"])
@pytest.mark.parametrize("url_name", ENDPOINTS)
def test_each_api_list_is_flat(client, evidence_account, owner, request, url_name, who):
    grow = api_grower(evidence_account, owner)
    grow(26)  # more than a page (50) of each at both sizes
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name)
    assert_flat(client, url, lambda: grow(30))
    assert len(client.get(url).json()["results"]) <= 50


@pytest.mark.parametrize("who", ["comms", "registrar"])
def test_the_api_records_requests_are_flat(client, evidence_account, owner, request, who):
    """Records requests are comms' and the registrar's (owners and managers get an empty list)."""
    grow = api_grower(evidence_account, owner)
    grow(26)
    client.force_login(request.getfixturevalue(who))
    url = reverse("api:records-request-list")
    assert_flat(client, url, lambda: grow(30))
    assert len(client.get(url).json()["results"]) == 50
