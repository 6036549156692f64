"""The accounts endpoint: the inventory's filters give the inventory's answer, cursor pagination
walks every row once, and a page costs a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import AccountStatus
from accounts.models import Platform
from tests import factories

pytestmark = pytest.mark.django_db

ACCOUNTS = reverse("api:account-list")
INVENTORY = reverse("accounts:inventory")


def all_ids(api, params=None) -> list[int]:
    """Every id, following the cursor's next links."""
    found, url, params = [], ACCOUNTS, dict(params or {})
    while url:
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        found += [row["id"] for row in body["results"]]
        url, params = body["next"], None
    return found


@pytest.fixture
def inventory(comms):
    """Accounts across two platforms, a unit tree and several statuses."""
    root, child = factories.unit_chain(2)
    other_unit = factories.UnitFactory()
    youtube = Platform.objects.get(slug="youtube")
    factories.staffed_account(unit=root, name="KI Forskning")
    factories.staffed_account(unit=child, name="KI Biblioteket", platform=youtube, handle="kibib")
    factories.staffed_account(unit=child, name="Utbildning KI", status=AccountStatus.DRAFT)
    factories.staffed_account(unit=other_unit, name="Nobel Forum", status=AccountStatus.DECOMMISSIONED)
    factories.staffed_account(unit=other_unit, name="Alumni", platform=youtube, handle="kialumni")
    return {"root": root, "child": child, "youtube": youtube}


def inventory_page_ids(client, params) -> set[int]:
    response = client.get(INVENTORY, params)
    assert response.status_code == 200
    return {a.pk for a in response.context["accounts"]}


@pytest.mark.parametrize(
    "make_params",
    [
        pytest.param(lambda w: {"status": "active"}, id="status"),
        pytest.param(lambda w: {"platform": w["youtube"].pk}, id="platform"),
        pytest.param(lambda w: {"unit": w["root"].pk}, id="unit-subtree"),
        pytest.param(lambda w: {"q": "ki"}, id="q"),
        pytest.param(lambda w: {"q": "kibib"}, id="q-handle"),
        pytest.param(lambda w: {"status": "active", "platform": w["youtube"].pk}, id="combined"),
    ],
)
def test_filters_answer_as_the_inventory_does(make_params, inventory, comms, client, token_client):
    params = make_params(inventory)
    client.force_login(comms)

    expected = inventory_page_ids(client, params)
    listed = set(all_ids(token_client(comms), params))

    assert listed == expected
    assert listed  # each case matches something


def test_the_unit_filter_includes_units_below(inventory, comms, token_client):
    """A unit with everything below it, as on the inventory (one prefix query)."""
    rows = token_client(comms).get(ACCOUNTS, {"unit": inventory["root"].pk}).json()["results"]

    assert {r["unit"]["id"] for r in rows} == {inventory["root"].pk, inventory["child"].pk}


def test_an_invalid_filter_is_400_not_the_whole_inventory(inventory, comms, token_client):
    response = token_client(comms).get(ACCOUNTS, {"status": "nonsense"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_cursor_pagination_walks_every_account_once(comms, token_client):
    factories.SocialAccountFactory.create_batch(7)
    api = token_client(comms)

    first = api.get(ACCOUNTS, {"page_size": 3}).json()
    walked = all_ids(api, {"page_size": 3})

    assert first["next"] and "cursor=" in first["next"]
    assert first["previous"] is None
    assert len(walked) == len(set(walked)) == 7
    assert walked == sorted(walked, reverse=True)  # newest first


def test_an_invalid_cursor_is_404(comms, token_client):
    assert token_client(comms).get(ACCOUNTS, {"cursor": "not-a-cursor"}).status_code == 404


def list_queries(api, count: int) -> int:
    factories.SocialAccountFactory.create_batch(count)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(ACCOUNTS, {"page_size": 100})
    assert len(response.json()["results"]) >= count
    return len(queries)


def test_the_account_list_costs_the_same_queries_for_5_and_50_accounts(owner, token_client):
    """A plain member of staff (not comms) so that the visibility query takes its longest form."""
    api = token_client(owner)
    api.get(ACCOUNTS)  # the first request also writes last_used_at; not what is measured

    few = list_queries(api, 5)
    many = list_queries(api, 45)

    assert few == many
    assert many <= 8
