"""Query-count guards for the records pages (issue 12): each page runs the same queries, and stays
under 200 KB, after the rows behind it have more than doubled (tests/scale/flat.py)."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Snapshot
from records.models import Block, Incident, Inquiry, MediaConsent, RecordsRequest, WeedingDecision
from tests import factories
from tests.scale.bounded import assert_bounded

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
_n = itertools.count()


def _ago(hours: int) -> datetime.datetime:
    return timezone.now() - hours * HOUR


def add_blocks(account, n: int) -> None:
    Block.objects.bulk_create(
        Block(
            account=account,
            visitor=f"@visitor{next(_n)}",
            reason="c_defamation",
            blocked_at=_ago(i + 1),
            decided_by_repr="Olivia Ägare",
        )
        for i in range(n)
    )


def add_consents(account, n: int) -> None:
    """Consents, every third withdrawn (MEDIA-1): those in force each carry a withdrawal form."""
    today = timezone.localdate()
    MediaConsent.objects.bulk_create(
        MediaConsent(
            account=account,
            subject=f"Person {next(_n)}",
            form="written",
            given_on=today,
            publication="Instagram",
            photographer="Fotograf",
            photographer_consents=True,
            withdrawn_on=today if i % 3 == 0 else None,
            withdrawn_via="email" if i % 3 == 0 else "",
        )
        for i in range(n)
    )


def add_incidents(account, n: int) -> None:
    """Removed posts, each with two screenshots as evidence (the post and KI's reply)."""
    for i in range(n):
        incident = Incident.objects.create(
            account=account,
            seen_at=_ago(i + 2),
            removed_at=_ago(i + 1),
            poster="visitor",
            category="f_advertising",
            description="Reklam.",
            logged_by_repr="Olivia Ägare",
            hand_off="registry" if i % 2 else "",
        )
        incident.evidence.set(
            [
                factories.SnapshotFactory(account=account, kind="removed_post"),
                factories.SnapshotFactory(account=account, kind="ki_reply"),
            ]
        )


def add_inquiries(account, n: int, *, routed_to=None, answered_by=None) -> None:
    """Questions, half of them answered; the open ones routed to `routed_to` if given; each with a
    screenshot of the post (REC-3, REC-4)."""
    inquiries = Inquiry.objects.bulk_create(
        Inquiry(
            account=account,
            received_at=_ago(i + 30),
            due_at=_ago(i + 6),
            kind="criticism" if routed_to else "question",
            summary=f"Fråga {next(_n)}",
            routed_to=routed_to if i % 2 else None,
            answered_at=None if i % 2 else _ago(i + 10),
            answered_by=None if i % 2 else answered_by,
        )
        for i in range(n)
    )
    shots = Snapshot.objects.bulk_create(
        factories.SnapshotFactory.build(account=account, kind="inquiry") for _ in inquiries
    )
    Inquiry.evidence.through.objects.bulk_create(
        Inquiry.evidence.through(inquiry_id=inquiry.pk, snapshot_id=shot.pk)
        for inquiry, shot in zip(inquiries, shots, strict=True)
    )


def add_records_requests(accounts, n: int) -> None:
    for i in range(n):
        req = RecordsRequest.objects.create(
            received_at=_ago(i + 1),
            requester=f"Journalist {next(_n)}",
            asked_for="Allt.",
            period_start=timezone.localdate() - datetime.timedelta(days=30),
            period_end=timezone.localdate(),
            status="open" if i % 2 else "closed",
        )
        req.accounts.set(accounts)


def add_weeding(account, n: int) -> None:
    WeedingDecision.objects.bulk_create(
        WeedingDecision(
            account=account,
            period_start=datetime.date(2020, 1, 1),
            period_end=datetime.date(2020, 6, 30),
            basis="Gallringsbeslut",
            decided_by_repr="Karin Kommunikatör",
            deleted=[{"taken_on": "2020-01-01", "kind": "start_page", "sha256": "0" * 64}],
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("who", ["owner", "comms"])
def test_the_blocking_log(client, evidence_account, who, request):
    add_blocks(evidence_account, 30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(
        client, reverse("records:blocks", args=[evidence_account.pk]), lambda: add_blocks(evidence_account, 40)
    )


@pytest.mark.parametrize("who", ["owner", "auditor", "comms"])
def test_the_consent_register(client, evidence_account, who, request):
    add_consents(evidence_account, 30)
    client.force_login(request.getfixturevalue(who))
    url = reverse("records:consents", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: add_consents(evidence_account, 40))


@pytest.mark.parametrize("who", ["owner", "manager", "comms"])
def test_removed_posts(client, evidence_account, who, request):
    add_incidents(evidence_account, 30)
    client.force_login(request.getfixturevalue(who))
    url = reverse("records:incidents", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: add_incidents(evidence_account, 40))


@pytest.mark.parametrize("who", ["owner", "manager", "comms"])
def test_questions_and_comments(client, evidence_account, manager, who, request):
    """Both lists grow: the open questions (each with its answer form) and those answered."""
    add_inquiries(evidence_account, 60, routed_to=manager, answered_by=manager)
    client.force_login(request.getfixturevalue(who))
    url = reverse("records:inquiries", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: add_inquiries(evidence_account, 80, routed_to=manager, answered_by=manager))


@pytest.mark.parametrize("who", ["manager", "comms"])
def test_the_response_times_of_a_unit(client, evidence_account, who, request):
    """The manager's unit page of response times (ANS-1): more accounts, each with questions."""
    department = evidence_account.unit.parent

    def grow(n):
        for _ in range(n):
            account = factories.staffed_account(unit=evidence_account.unit)
            add_inquiries(account, 4)

    grow(30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("records:unit-inquiries", args=[department.pk]), lambda: grow(40))


@pytest.mark.parametrize("who", ["registrar", "comms", "auditor"])
def test_the_records_requests(client, evidence_account, who, request):
    add_records_requests([evidence_account], 30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("records:request-list"), lambda: add_records_requests([evidence_account], 40))


def test_a_records_request(client, registrar):
    """The request's page: its accounts and what its bundle would hold."""
    accounts = [factories.SocialAccountFactory() for _ in range(3)]
    add_records_requests(accounts, 1)
    req = RecordsRequest.objects.get()

    def grow():
        for account in accounts:
            add_incidents(account, 3)
            add_inquiries(account, 6)
            factories.SnapshotFactory(account=account)

    client.force_login(registrar)
    assert_bounded(client, reverse("records:request-detail", args=[req.pk]), grow)


@pytest.mark.parametrize("who", ["comms", "owner"])
def test_weeding(client, evidence_account, who, request):
    add_weeding(evidence_account, 30)
    add_records_requests([evidence_account], 2)  # one open: a legal hold is shown
    client.force_login(request.getfixturevalue(who))
    assert_bounded(
        client, reverse("records:weeding", args=[evidence_account.pk]), lambda: add_weeding(evidence_account, 40)
    )


@pytest.mark.parametrize("who", ["owner", "auditor", "comms"])
def test_screenshots(client, evidence_account, who, request):
    def grow(n):
        for _ in range(n):
            factories.SnapshotFactory(account=evidence_account, uploaded_by=request.getfixturevalue("owner"))

    grow(30)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("snapshots:list", args=[evidence_account.pk]), lambda: grow(40))
    assert Snapshot.objects.count() == 70


def test_the_request_form_offers_no_account_list(client, registrar):
    """REC-1: the form to log a request picks its accounts by search (core.fields); the page
    lists none of the inventory, so it does not grow with it. A refused form keeps the accounts
    chosen."""
    wanted = factories.SocialAccountFactory(name="KI Kardiologi", handle="kikardiologi")
    url = reverse("records:request-list")

    def grow(n):
        for _ in range(n):
            factories.SocialAccountFactory()

    grow(30)
    client.force_login(registrar)
    assert_bounded(client, url, lambda: grow(40))

    refused = client.post(url, {"accounts": [wanted.pk]})
    assert refused.status_code == 200
    assert "KI Kardiologi" in refused.content.decode()
    assert refused.content.decode().count("<option") < 5
