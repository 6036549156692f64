"""Plain helpers for the monitoring tests: Stockholm moments and an account that keeps every rule,
from which each test breaks exactly one thing."""

import datetime
from zoneinfo import ZoneInfo

from accounts.choices import Role, SenderCheck
from accounts.models import Assignment
from monitoring.rules import RULES
from org.calendar import local_day
from tests import factories

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = datetime.timedelta(days=1)
# "Recent" for every dated piece of evidence the compliant account is given.
RECENTLY = datetime.timedelta(days=10)
KEEP = object()  # default of compliant_account's evidence arguments: recent evidence
# The rules monitoring itself registers (REQUIREMENTS.md); apps above it (records) may add more.
MONITORING_RULES = frozenset(
    {
        "no-owner",
        "no-deputy",
        "coverage-gap",
        "missed-monitoring",
        "start-page-snapshot-overdue",
        "follow-up-overdue",
        "sender-unverified",
        "inactive-channel",
        "manager-missing",
    }
)


def at(year, month, day, hour=12, minute=0, second=0, *, fold=0) -> datetime.datetime:
    """An aware moment on the Stockholm wall clock (fold=1: the second 02:30 when the clocks go back)."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM, fold=fold)


def violators(rule_id: str, now: datetime.datetime) -> set[int]:
    return RULES[rule_id].violators(now)


def breaches(account, now) -> set[str]:
    """The ids of the rules this account breaks at `now`."""
    return {rule_id for rule_id, rule in RULES.items() if account.pk in rule.violators(now)}


def assign(account, person, role, *, since, ended_at=None):
    return Assignment.objects.create(account=account, person=person, role=role, started_at=since, ended_at=ended_at)


def compliant_account(
    now,
    *,
    unit=None,
    owner=None,
    deputy=None,
    activated_at=None,
    checked_in_on=KEEP,
    latest_post_on=KEEP,
    snapshot_on=KEEP,
    followed_up_at=KEEP,
    sender_confirmed_at=KEEP,
    sender_items=None,
    access_reviewed_at=KEEP,
    **kwargs,
):
    """An active account that keeps every rule at `now`: a managed unit, an owner and a deputy, a
    check-in yesterday with a post yesterday, a start-page screenshot, a follow-up, the whole
    sender checklist and an access review (START-1) ten days ago, active for years. Pass None to
    leave a piece of evidence out, or a date/moment to give it at another time."""
    today = local_day(now)
    activated_at = activated_at or now - 1000 * DAY
    unit = unit or factories.UnitFactory(manager=factories.UserFactory())
    account = factories.SocialAccountFactory(unit=unit, activated_at=activated_at, **kwargs)
    assign(account, owner or factories.UserFactory(), Role.OWNER, since=activated_at)
    assign(account, deputy or factories.UserFactory(), Role.DEPUTY, since=activated_at)
    checked_in_on = today - DAY if checked_in_on is KEEP else checked_in_on
    latest_post_on = today - DAY if latest_post_on is KEEP else latest_post_on
    if checked_in_on is not None:
        factories.CheckInFactory(account=account, day=checked_in_on, latest_post_on=latest_post_on)
    snapshot_on = today - RECENTLY if snapshot_on is KEEP else snapshot_on
    if snapshot_on is not None:
        factories.SnapshotFactory(account=account, taken_on=snapshot_on)
    followed_up_at = now - RECENTLY if followed_up_at is KEEP else followed_up_at
    if followed_up_at is not None:
        factories.FollowUpFactory(account=account, recorded_at=followed_up_at)
    sender_confirmed_at = now - RECENTLY if sender_confirmed_at is KEEP else sender_confirmed_at
    if sender_confirmed_at is not None:
        for item in SenderCheck.values if sender_items is None else sender_items:
            factories.SenderConfirmationFactory(account=account, item=item, confirmed_at=sender_confirmed_at)
    access_reviewed_at = now - RECENTLY if access_reviewed_at is KEEP else access_reviewed_at
    if access_reviewed_at is not None:
        factories.AccessReviewFactory(account=account, reviewed_at=access_reviewed_at)
    return account


def owner_of(account):
    return Assignment.objects.current().get(account=account, role=Role.OWNER).person


def deputy_of(account):
    return Assignment.objects.current().get(account=account, role=Role.DEPUTY).person
