"""Query-count guards (issue 12) for the list pages and endpoints that had none in tests/scale: the
people and account searches behind the pickers, the directory's Atom feed, the delivered reports
on the report page, the account page's captures and covers, the cover page and the access review.
Each runs the same queries, and stays under 200 KB (or as long, tests/scale/bounded.py), after
what it lists has more than doubled."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.choices import CoverMeasure
from monitoring.models import Cover
from reports.models import DeliveredReport
from tests import factories
from tests.scale.bounded import assert_bounded
from tests.scale.flat import assert_flat
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
_n = itertools.count()


# The searches behind every person and account picker (core.widgets.SearchSelect): at most 20
# results, however many match.


def _zebras(n: int) -> None:
    for _ in range(n):
        i = next(_n)
        factories.UserFactory(first_name="Zebra", last_name=f"Randig {i}", username=f"zebra{i}")
        factories.SocialAccountFactory(name=f"Zebra {i}", handle=f"zebra{i}")


@pytest.mark.parametrize("who", ["comms", "owner"])
@pytest.mark.parametrize("url_name", ["people:search", "accounts:search"])
def test_the_picker_searches_answer_at_most_a_page_in_as_many_queries(client, request, who, url_name):
    """Issue 12, item 2: 30 or 90 people and accounts match "zebra"; the answer is the same size."""
    _zebras(30)
    client.force_login(request.getfixturevalue(who))
    url = reverse(url_name) + "?q=zebra"
    queries, size = assert_flat(client, url, lambda: _zebras(60), max_bytes=10_000)
    assert len(client.get(url).json()["results"]) == 20
    print(f"\n{url}: {queries} queries, {size} bytes")


# The public Atom feed of accounts that went live or were decommissioned (issue 16).


def test_the_directory_feed_is_flat(client):
    """The latest 50 entries, with 60 or 150 accounts live."""

    def grow(n):
        for _ in range(n):
            factories.SocialAccountFactory(activated_at=timezone.now() - next(_n) * datetime.timedelta(minutes=1))

    grow(60)
    assert_bounded(client, reverse("directory:feed"), lambda: grow(90))


# The report page's delivered half-year reports (issue 16): the latest few, for whoever may make
# the same report.


def _delivered(units, n: int) -> None:
    start = datetime.date(2020, 1, 1)
    for _ in range(n):
        k = next(_n)
        for unit in units:
            DeliveredReport.objects.create(
                scope_key=f"unit-{unit.pk}",
                unit=unit,
                period_start=start + k * 200 * DAY,
                period_end=start + (k * 200 + 180) * DAY,
                language="sv",
                made_at=timezone.now(),
                file_name=f"delivered/{unit.pk}-{k}.pdf",
                download_name=f"{unit.pk}-{k}.pdf",
                size=1000,
                sha256="0" * 64,
            )


@pytest.mark.parametrize("who", ["comms", "manager"])
def test_the_report_page_lists_the_latest_delivered_reports(client, request, evidence_account, who):
    units = [evidence_account.unit, evidence_account.unit.parent]
    _delivered(units, 5)
    client.force_login(request.getfixturevalue(who))
    assert_bounded(client, reverse("reports:compliance"), lambda: _delivered(units, 20))


# The account page's captures (watching) and covers, the cover page, the access review.


def _captures_and_covers(account, n: int) -> None:
    today = timezone.localdate()
    for _ in range(n):
        k = next(_n)
        shot = factories.SnapshotFactory(account=account, taken_on=today - k * DAY)
        Capture.objects.create(
            account=account,
            day=today - k * DAY,
            trigger=CaptureTrigger.SCHEDULED,
            status=CaptureStatus.CAPTURED if k % 2 else CaptureStatus.MANUAL,
            url=account.url,
            snapshot=shot if k % 2 else None,
            reason="" if k % 2 else "login wall",
        )
        Cover.objects.create(
            account=account,
            measure=CoverMeasure.STAND_IN,
            stand_in=factories.UserFactory(),
            first_day=today + k * DAY,
            last_day=today + k * DAY,
        )


@pytest.mark.parametrize("who", ["owner", "comms"])
def test_the_account_page_shows_the_latest_captures_and_covers(client, request, evidence_account, who):
    """The capture panel shows the latest three, the covers the next twenty: 25 or 60 of each."""
    _captures_and_covers(evidence_account, 25)
    client.force_login(request.getfixturevalue(who))
    url = reverse("accounts:detail", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: _captures_and_covers(evidence_account, 35))


@pytest.mark.parametrize("who", ["comms", "manager"])
def test_the_cover_page_is_flat(client, request, evidence_account, who):
    """MON-2: a page of covers (and the calendar), 30 or 70 of them."""
    _captures_and_covers(evidence_account, 30)
    client.force_login(request.getfixturevalue(who))
    url = reverse("monitoring:cover", args=[evidence_account.pk])
    assert_bounded(client, url, lambda: _captures_and_covers(evidence_account, 40))


def test_the_access_review_is_flat(client, owner, evidence_account):
    """START-1: the owner's yearly review of who has access, with 6 or 40 publishers."""

    def grow(n):
        for _ in range(n):
            factories.PublisherFactory(account=evidence_account)

    grow(6)
    client.force_login(owner)
    assert_flat(client, reverse("accounts:access-review", args=[evidence_account.pk]), lambda: grow(34))


# The user's API tokens (issue 14): at most MAX_USABLE_TOKENS in use, but revoked and expired ones
# stay listed, a page at a time.
def _revoked_tokens(user, n: int) -> None:
    from org.models import ApiToken

    now = timezone.now()
    ApiToken.objects.bulk_create(
        ApiToken(user=user, name=f"script {i}", prefix=f"p{i}", digest=f"{user.pk}-{next(_n)}", revoked_at=now)
        for i in range(n)
    )


def test_the_api_token_list_is_flat(client, owner):
    _revoked_tokens(owner, 30)
    client.force_login(owner)
    assert_bounded(client, reverse("api-tokens:list"), lambda: _revoked_tokens(owner, 40))
