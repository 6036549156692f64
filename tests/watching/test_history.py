"""The history of what the collectors saw (issue 17, ObservationDay): one row per account and day,
written set-based with the latest observation, kept WATCHING_HISTORY_DAYS days, shown for the last
30 days on the account page, and counted by profile-unreachable (SEND-1, MON-1) as days without an
answer in a row."""

import datetime

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account, violators
from watching import fixture_routes as routes
from watching.collect import collect_profiles, history_prune
from watching.fixture_servers import FixtureServer
from watching.models import Observation, ObservationDay, Outcome, bio_digest

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 13, 10, 0)
TODAY = NOW.date()


def looked(account, *days_ago, outcome=Outcome.UNREACHABLE, http_status=None):
    for n in days_ago:
        ObservationDay.objects.create(
            account=account, day=TODAY - n * DAY, checked_at=NOW - n * DAY, outcome=outcome, http_status=http_status
        )


def test_a_run_writes_one_row_per_account_and_day(servers):
    """Issue 17: a second run on the same day rewrites the day's row (idempotent); the next day's
    run adds a row and leaves the earlier day as it was (append-only)."""
    server = servers(routes.profile_page("/@ki"))
    account = factories.SocialAccountFactory(platform=factories.platform("tiktok"), url=f"{server.base}/@ki")
    collect_profiles(now=NOW)
    collect_profiles(now=NOW + datetime.timedelta(hours=2))
    (first,) = ObservationDay.objects.filter(account=account)
    assert (first.day, first.outcome, first.http_status) == (TODAY, Outcome.SEEN, 200)
    assert first.checked_at == NOW + datetime.timedelta(hours=2)
    assert first.display_name == "Karolinska Institutet" and first.bio_names_ki is True
    assert first.bio_digest == bio_digest(Observation.objects.get(account=account).bio) != ""

    server.routes.clear()  # renamed: 404
    collect_profiles(now=NOW + DAY)
    days = list(ObservationDay.objects.filter(account=account).order_by("day").values_list("day", "http_status"))
    assert days == [(TODAY, 200), (TODAY + DAY, 404)]


def test_history_writes_stay_set_based(servers):
    """Issue 17: the history adds one upsert per batch, not one statement per account."""
    server = servers(routes.profile_page("/@p"))

    def statements(n):
        ObservationDay.objects.all().delete()
        Observation.objects.all().delete()
        for _ in range(n):
            factories.SocialAccountFactory(platform=factories.platform("tiktok"), url=f"{server.base}/@p")
        with CaptureQueriesContext(connection) as ctx:
            collect_profiles()
        return len(ctx.captured_queries)

    assert statements(2) == statements(9)
    assert ObservationDay.objects.count() == 11


def test_the_history_is_pruned_after_the_retention(settings):
    """WATCHING_HISTORY_DAYS (400 by default): older rows go in one statement, newer ones stay."""
    settings.WATCHING_HISTORY_DAYS = 400
    account = compliant_account(NOW)
    looked(account, 401, 400, 5, outcome=Outcome.SEEN, http_status=200)
    with CaptureQueriesContext(connection) as ctx:
        assert history_prune(NOW) == 1
    assert len(ctx.captured_queries) == 1
    assert sorted(ObservationDay.objects.values_list("day", flat=True)) == [TODAY - 400 * DAY, TODAY - 5 * DAY]


def test_unreachable_counts_days_looked_at_not_calendar_days():
    """SEND-1, MON-1 (profile-unreachable): three looks without an answer, in a row. Two looks
    three days apart are not three days without an answer (the previous rule counted time since
    the first failure); an answer in between starts the count again; a day refused by our own
    safety rules neither counts nor breaks the row; a 5xx is no answer."""
    twice = compliant_account(NOW)
    observe = {"collector": "reachable", "checked_at": NOW, "outcome": Outcome.UNREACHABLE}
    Observation.objects.create(account=twice, unreachable_since=NOW - 3 * DAY, **observe)
    looked(twice, 3, 0)
    interrupted = compliant_account(NOW)
    looked(interrupted, 4, 3, 0)
    looked(interrupted, 2, outcome=Outcome.NOT_MODIFIED, http_status=304)
    with_refusal = compliant_account(NOW)
    looked(with_refusal, 3, 1, 0)
    looked(with_refusal, 2, outcome=Outcome.REFUSED)
    server_errors = compliant_account(NOW)
    looked(server_errors, 2, 1, 0, http_status=503)
    answered_again = compliant_account(NOW)
    looked(answered_again, 3, 2, 1)
    looked(answered_again, 0, outcome=Outcome.SEEN, http_status=200)
    assert violators("profile-unreachable", NOW) == {with_refusal.pk, server_errors.pk}


def test_a_profile_that_stops_answering_opens_the_finding_on_the_third_day(servers):
    """Issue 17 end to end: the collector's daily runs against a port where nothing listens; the
    rule opens on the third day's look, not before."""
    closed = FixtureServer().start()
    closed.stop()  # its port now refuses connections
    server = servers()  # the fixture's short timeouts
    with override_settings(WATCHING_TRUSTED_ADDRESSES=[server.netloc, closed.netloc]):
        account = compliant_account(NOW, url=f"http://{closed.netloc}/@gone", platform=factories.platform("tiktok"))
        found = []
        for n in range(3):
            collect_profiles(now=NOW + n * DAY, account_ids=[account.pk])
            found.append(account.pk in violators("profile-unreachable", NOW + n * DAY))
    assert found == [False, False, True]
    assert set(ObservationDay.objects.filter(account=account).values_list("outcome", flat=True)) == {
        Outcome.UNREACHABLE
    }


def test_the_account_page_shows_the_last_30_days(owner):
    """Issue 17: the watching panel lists the days looked at in the last 30 days, newest first, in
    a table with a caption and column headers; older days are not shown."""
    today = timezone.localdate()
    account = factories.staffed_account(
        owner=owner, url="https://www.tiktok.com/@ki", platform=factories.platform("tiktok")
    )
    now = timezone.now()
    Observation.objects.create(
        account=account, collector="reachable", checked_at=now, outcome=Outcome.SEEN, http_status=200
    )
    for n, status in ((0, 200), (1, 404), (29, 200), (30, 200)):
        ObservationDay.objects.create(
            account=account,
            day=today - n * DAY,
            checked_at=now - n * DAY,
            outcome=Outcome.SEEN if status == 200 else Outcome.GONE,
            http_status=status,
            display_name=f"Name {n}",
        )
    client = Client()
    client.force_login(owner)
    html = client.get(account.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = html[html.index('id="h-observation-days"') :]
    table = table[: table.index("</table>")]
    assert "<caption" in table and '<th scope="col"' in table
    assert "Name 0" in table and "Name 1" in table and "Name 29" in table and "Name 30" not in table
    assert table.index("Name 0") < table.index("Name 1") < table.index("Name 29")
