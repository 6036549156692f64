"""The platform catalogue's rules (issue 14): REC-2's shorter screenshot interval for platforms that
do not keep their content retrievable, and the yearly review of each platform
(`platform-review-overdue`, a subject rule raised to the communications department)."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import Platform
from monitoring import reminders
from monitoring.models import CheckRun
from monitoring.services import compliance_sweep
from monitoring.subject_rules import SUBJECT_RULES
from notifications.models import Notification
from notifications.services import notifications_send
from org.calendar import local_day
from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account, violators

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 13, 10, 0)
TODAY = local_day(NOW)


def test_rec_2_accounts_on_platforms_without_a_retrievable_archive_need_a_screenshot_every_30_days():
    """REC-2, REC-5: on a platform whose content does not stay retrievable (Snapchat in the seeded
    catalogue), a start-page screenshot older than 30 days is overdue; elsewhere 182 days."""
    snapchat = Platform.objects.get(slug="snapchat")
    fresh = compliant_account(NOW, platform=snapchat, snapshot_on=TODAY - 29 * DAY)
    stale = compliant_account(NOW, platform=snapchat, snapshot_on=TODAY - 31 * DAY)
    elsewhere = compliant_account(NOW, snapshot_on=TODAY - 31 * DAY)  # Instagram: retrievable

    assert violators("start-page-snapshot-overdue", NOW) == {stale.pk}
    assert {fresh.pk, elsewhere.pk}.isdisjoint(violators("start-page-snapshot-overdue", NOW))


@override_settings(MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS=10)
def test_rec_2_the_shorter_interval_is_a_setting():
    """REC-2: MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS sets the shorter interval."""
    stale = compliant_account(NOW, platform=Platform.objects.get(slug="snapchat"), snapshot_on=TODAY - 11 * DAY)

    assert violators("start-page-snapshot-overdue", NOW) == {stale.pk}


def test_rec_2_the_rule_is_one_query_per_interval_whatever_the_platforms(django_assert_num_queries):
    """REC-2: the sweep stays set-based: one query per interval (an anti-join each, not one query
    with both joined by OR, which PostgreSQL JIT-compiled at 100 000 accounts: docs/performance.md,
    change 13), however many accounts and platforms."""
    compliant_account(NOW, platform=Platform.objects.get(slug="snapchat"), snapshot_on=TODAY - 31 * DAY)
    compliant_account(NOW, snapshot_on=TODAY - 200 * DAY)

    with django_assert_num_queries(2):
        assert len(violators("start-page-snapshot-overdue", NOW)) == 2

    for platform in Platform.objects.exclude(slug="snapchat")[:3]:
        compliant_account(NOW, platform=platform, snapshot_on=TODAY - 200 * DAY)
    compliant_account(NOW, platform=Platform.objects.get(slug="snapchat"), snapshot_on=TODAY - 10 * DAY)

    with django_assert_num_queries(2):
        assert len(violators("start-page-snapshot-overdue", NOW)) == 5


def test_rec_2_the_daily_reminder_uses_the_shorter_interval():
    """REC-2: the owner of a Snapchat account whose screenshot is 20 days old is reminded (due
    within the 14-day notice period); an Instagram account with the same screenshot is not due."""
    snap_owner, insta_owner = factories.UserFactory(), factories.UserFactory()
    compliant_account(
        NOW, owner=snap_owner, platform=Platform.objects.get(slug="snapchat"), snapshot_on=TODAY - 20 * DAY
    )
    compliant_account(NOW, owner=insta_owner, snapshot_on=TODAY - 20 * DAY)

    counts = reminders.daily_reminders_queue(now=NOW)

    assert counts["snapshot_accounts"] == 1
    reminded = set(Notification.objects.filter(kind="reminder-snapshot").values_list("recipient", flat=True))
    assert snap_owner.pk in reminded and insta_owner.pk not in reminded


def _reviewed(**dates):
    """Every platform reviewed last month, except those given another date (or None)."""
    Platform.objects.update(reviewed_on=TODAY - 30 * DAY)
    for slug, day in dates.items():
        Platform.objects.filter(slug=slug).update(reviewed_on=day)


def test_a_platform_not_reviewed_for_a_year_is_overdue():
    """Issue 14, START-2: platform-review-overdue (yearly): reviewed 364 days ago is fine, 366 or
    never is overdue."""
    _reviewed(tiktok=TODAY - 366 * DAY, x=None, vimeo=TODAY - 364 * DAY)

    overdue = SUBJECT_RULES["platform-review-overdue"].subjects(NOW)

    assert set(overdue.values_list("slug", flat=True)) == {"tiktok", "x"}


def test_a_platform_neither_allowed_nor_used_needs_no_review():
    """Issue 14: a platform KI no longer allows and no open account uses is not reviewed."""
    _reviewed(tiktok=None, weibo=None)
    Platform.objects.filter(slug__in=["tiktok", "weibo"]).update(allowed_for_new=False)
    factories.SocialAccountFactory(platform=Platform.objects.get(slug="weibo"))

    overdue = SUBJECT_RULES["platform-review-overdue"].subjects(NOW)

    assert list(overdue.values_list("slug", flat=True)) == ["weibo"]


def test_the_sweep_counts_and_the_weekly_digest_lists_overdue_platform_reviews():
    """Issue 14, COMMS-1: the sweep records the count; the digest tells comms."""
    _reviewed(tiktok=None, x=TODAY - 400 * DAY)

    compliance_sweep(now=NOW)
    reminders.weekly_digest_queue(now=at(2026, 5, 18, 7, 0))
    notifications_send()

    assert CheckRun.objects.get(job="sweep_compliance").counts["platform-review-overdue"] == 2
    [email] = mail.outbox
    assert "Plattformar vars årliga granskning är försenad: 2" in email.body
