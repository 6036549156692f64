"""Query-count guards for the registers and queues across accounts (issue 14): each register page,
queue and export runs the same queries, and the page stays as long, after the records behind it
(on more accounts) have more than doubled (tests/scale/bounded.py); the navigation's queue counts
are a fixed number of COUNT queries whatever the queues hold."""

import pytest
from django.urls import reverse

from accounts.registers import QUEUES
from tests import factories
from tests.registers import data
from tests.scale.bounded import assert_bounded
from tests.scale.flat import assert_flat

pytestmark = pytest.mark.django_db

DAY = 24


def _records(account) -> None:
    """One record of each kind on the account, several of them in a queue."""
    data.incident(account, removed_hours_ago=10 * DAY)
    data.incident(account, hand_off="registry", registry_email="d@ki.se", handed_off_at=data.ago(1))
    data.inquiry(account, due_hours_ago=2)
    data.inquiry(account, hand_off="registry", registry_email="d@ki.se", handed_off_at=data.ago(1))
    data.block(account, blocked_hours_ago=200 * DAY)
    data.consent(account)
    data.records_request([account])
    data.decision(account)


def grower(evidence_account, owner):
    """More accounts in the evidence account's unit, held by the owner, each with its records."""

    def grow(n: int) -> None:
        for _ in range(n):
            _records(factories.staffed_account(owner=owner, unit=evidence_account.unit))

    return grow


REGISTERS = ("removed-posts", "questions", "blocks", "media-consents", "records-requests", "decisions")


# Every register for every role that may open it (records requests are not owners' or managers':
# they get 404, tested in tests/registers).
PAGES = [
    (slug, who)
    for slug in REGISTERS
    for who in ("owner", "manager", "comms", "registrar", "auditor")
    if not (slug == "records-requests" and who in ("owner", "manager"))
]


@pytest.mark.parametrize(("slug", "who"), PAGES)
def test_each_register_page(client, evidence_account, owner, slug, who, request):
    grow = grower(evidence_account, owner)
    grow(26)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("registers:register", args=[slug]), lambda: grow(30))


@pytest.mark.parametrize(
    ("queue", "who"),
    [
        ("registrar-decisions", "registrar"),
        ("registrar-removed-posts", "registrar"),
        ("registrar-questions", "registrar"),
        ("questions-overdue", "comms"),
        ("removed-posts-unregistered", "comms"),
        ("blocks-review-due", "comms"),
    ],
)
def test_each_queue_with_its_reference_forms(client, evidence_account, owner, queue, who, request):
    grow = grower(evidence_account, owner)
    grow(26)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, QUEUES[queue].url(), lambda: grow(30))


@pytest.mark.parametrize("who", ["comms", "registrar", "auditor"])
def test_the_navigation_counts_and_the_index(client, evidence_account, owner, who, request):
    grow = grower(evidence_account, owner)
    grow(3)
    client.force_login(request.getfixturevalue(who))
    assert_flat(client, reverse("registers:index"), lambda: grow(5))
    assert_flat(client, reverse("accounts:inventory"), lambda: grow(5))


@pytest.mark.parametrize("url_name", ["reports:register-csv", "reports:register-xlsx"])
@pytest.mark.parametrize("slug", ["removed-posts", "records-requests", "decisions"])
def test_the_export_reads_in_a_fixed_number_of_queries(client, evidence_account, owner, comms, slug, url_name):
    grow = grower(evidence_account, owner)
    grow(5)
    client.force_login(comms)
    assert_flat(client, reverse(url_name, args=[slug]), lambda: grow(10), max_bytes=1_000_000)
