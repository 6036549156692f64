"""Publishers in the inventory export and the API (issue 15, START-1): names only for those who
may see the account's evidence, one query per chunk or page whatever the number of accounts."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.choices import PublisherStatus
from tests import factories

pytestmark = pytest.mark.django_db


def export_rows(client) -> dict[int, dict]:
    response = client.get(reverse("reports:inventory-csv"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return {int(r["ID"]): r for r in csv.DictReader(io.StringIO(body))}


@pytest.fixture
def published(evidence_account):
    factories.PublisherFactory(account=evidence_account, person=factories.UserFactory(first_name="Eva", last_name="E"))
    factories.PublisherFactory(account=evidence_account, status=PublisherStatus.PENDING)
    factories.AccessReviewFactory(account=evidence_account)
    return evidence_account


@pytest.mark.parametrize(("who", "shown"), [("comms", True), ("owner", True), ("outsider", False)])
def test_the_inventory_export_has_a_publishers_column(client, request, settings, published, who, shown):
    """START-1: the confirmed publishers and the last access review are columns of the export;
    the names only for those who may see the account's evidence."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(request.getfixturevalue(who))

    row = export_rows(client)[published.pk]

    assert row["People with access"] == ("Eva E (Editor (publishes))" if shown else "")
    assert row["Access reviewed"]


@pytest.mark.parametrize(("who", "count"), [("comms", 1), ("outsider", 0)])
def test_the_api_lists_confirmed_publishers(client, request, published, who, count):
    """START-1: the accounts endpoint shows the confirmed publishers to those who see evidence."""
    client.force_login(request.getfixturevalue(who))

    body = client.get(reverse("api:account-detail", args=[published.pk])).json()

    assert len(body["publishers"]) == count
    if count:
        assert body["publishers"][0]["name"] == "Eva E" and body["publishers"][0]["platform_role"] == "editor"
