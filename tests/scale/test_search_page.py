"""Issue 14: the search page (/search/) stays flat: two queries a group (count and rows) plus the
session's, however many accounts, units, people and records match; and the "all results" page of
one kind is one page of 25."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.views_search import GROUP_SIZE
from records.models import Block, Incident, Inquiry, RecordsRequest
from tests import factories
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db


def _grow(account, unit, n: int):
    """n of everything the search finds by the word "zebra"."""
    now = timezone.now()
    for i in range(n):
        factories.SocialAccountFactory(name=f"Zebra {i}", unit=unit)
        factories.UnitFactory(name=f"Zebragruppen {i}", parent=unit)
        factories.UserFactory(last_name=f"Zebrasson{i}", unit=unit)
        Inquiry.objects.create(
            account=account, received_at=now, due_at=now + datetime.timedelta(days=1), kind="question", summary="zebra"
        )
        Incident.objects.create(
            account=account,
            seen_at=now,
            removed_at=now,
            poster="visitor",
            category="rules",
            description="zebra",
            logged_by_repr="t",
        )
        Block.objects.create(account=account, visitor=f"zebra{i}", reason="rules", blocked_at=now, decided_by_repr="t")
        RecordsRequest.objects.create(
            received_at=now, requester=f"Zebra {i}", asked_for="zebra", period_start=now.date(), period_end=now.date()
        )


@pytest.mark.parametrize(
    ("who", "kind"),
    # People are found by comms only (the People pages, issue 13).
    [
        (who, kind)
        for who in ("comms", "owner")
        for kind in ("", "accounts", "questions", "people")
        if (who, kind) != ("owner", "people")
    ],
)
def test_the_search_page_runs_as_many_queries_with_8_or_40_matches_of_each_kind(client, request, who, kind):
    account = factories.staffed_account(owner=request.getfixturevalue("owner"))  # its records: the owner's too
    unit = factories.UnitFactory()
    _grow(account, unit, 8)
    client.force_login(request.getfixturevalue(who))
    url = reverse("search") + "?q=zebra" + (f"&kind={kind}" if kind else "")
    queries, size = assert_flat(client, url, lambda: _grow(account, unit, 32))
    counts = {group.kind.key: group.count for group in client.get(url).context["groups"]}
    # Each group grew past what it shows: the owner's too (their account's records, public accounts).
    assert counts and set(counts.values()) == ({40} if kind else {GROUP_SIZE}), counts
    print(f"\n/search/?q=zebra&kind={kind}: {queries} queries, {size} bytes")
