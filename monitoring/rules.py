"""The compliance rule catalogue (REQUIREMENTS.md, "Rules that follow for the portal").

Each rule is code: an ID, the clauses it enforces, a severity, what fixes it, and one set-based
query that returns the ids of the accounts breaking it at a moment. Apps above monitoring (records)
add their rules with `register`. The sweep (monitoring.services.compliance_sweep) evaluates every
rule with a fixed number of queries, whatever the number of accounts.
"""

import datetime
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, Max, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.choices import START_PAGE_KINDS, AccountStatus, Role, SenderCheck
from accounts.models import Assignment, SenderConfirmation, Snapshot, SocialAccount
from monitoring.choices import Severity
from monitoring.coverage import comments_off_on, uncovered_gaps
from monitoring.models import CheckIn, FollowUp
from org.calendar import day_start, local_day
from org.models import Absence, Unit


@dataclass(frozen=True)
class Rule:
    id: str
    clauses: str
    severity: str
    title: str
    fix: str
    violators: Callable[[datetime.datetime], set[int]]


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    RULES[rule.id] = rule
    return rule


def rule_title(rule_id: str) -> str:
    """The rule's title in the active language, for people; its ID if it is not in the catalogue
    (a rule since removed). The ID stays a secondary detail on the pages (issue 15)."""
    rule = RULES.get(rule_id)
    return str(rule.title) if rule else rule_id


def governed():
    """The accounts the rules apply to: active ones (they exist on their platform and are KI's)."""
    return SocialAccount.objects.filter(status=AccountStatus.ACTIVE)


def ungoverned():
    """The accounts the rules do not apply to (every other status than governed()'s): a record
    is on a governed account when it is not on one of these. Far fewer than the governed ones,
    and found by the status index, so the registers' queues test each record against a small
    hashed list instead of reading every governed account (issue 12)."""
    return SocialAccount.objects.filter(status__in=[s for s in AccountStatus.values if s != AccountStatus.ACTIVE])


def _ids(qs) -> set[int]:
    # No ORDER BY: a set needs none, and sorting 100 000 ids spills to disk (bench/sweep.py).
    return set(qs.order_by().values_list("pk", flat=True))


def _current(role: str):
    """The current holder of a role who can hold it (RES-2): someone marked as having left KI
    (`left_on`, issue 13) or whose user account is deactivated counts as no holder."""
    return Assignment.objects.filter(
        account=OuterRef("pk"), role=role, ended_at__isnull=True, person__is_active=True, person__left_on__isnull=True
    )


def _months_ago(now: datetime.datetime, days: int) -> datetime.datetime:
    return now - datetime.timedelta(days=days)


def no_owner(now):
    """RES-2: no current account owner."""
    return _ids(governed().exclude(Exists(_current(Role.OWNER))))


def no_deputy(now):
    """RES-2: no current deputy. (The deputy being the owner is impossible: a database constraint.)"""
    return _ids(governed().exclude(Exists(_current(Role.DEPUTY))))


def coverage_gap(now):
    """MON-2, RES-2: owner and deputy both registered absent on one day, today or within the
    look-ahead window.

    It starts from the absences in the window (a few hundred), not from every account, so its
    cost follows the number of absences (bench/sweep.py: 1.9 s -> 0.1 s at 100 000 accounts).
    """
    today = local_day(now)
    # Today and the following days: the window is MONITORING_COVERAGE_LOOKAHEAD_DAYS long, like
    # the coverage calendar on the account page.
    horizon = today + datetime.timedelta(days=settings.MONITORING_COVERAGE_LOOKAHEAD_DAYS - 1)
    in_window = Q(first_day__lte=horizon, last_day__gte=today)
    # The deputy of the same account is away on a day the owner is (the two absences overlap;
    # both touch the window, so the overlap lies in it).
    deputy_away = Absence.objects.filter(
        in_window,
        first_day__lte=OuterRef("last_day"),
        last_day__gte=OuterRef("first_day"),
        person__is_active=True,
        person__assignments__account=OuterRef("person__assignments__account"),
        person__assignments__role=Role.DEPUTY,
        person__assignments__ended_at__isnull=True,
    )
    # Exists() sits in the same filter() as the person__assignments__ lookups, so the OuterRef
    # above and those lookups share one join to the assignments.
    owner_away = Absence.objects.filter(
        in_window,
        Exists(deputy_away),
        person__is_active=True,
        person__assignments__role=Role.OWNER,
        person__assignments__ended_at__isnull=True,
        person__assignments__account__status=AccountStatus.ACTIVE,
    )
    candidates = set(owner_away.order_by().values_list("person__assignments__account", flat=True))
    # MON-2, DECOM-2: a day a stand-in or comments-off covers is no gap (one query over the covers
    # of the window; two more only for the accounts that have some).
    return uncovered_gaps(candidates, today, horizon)


def missed_monitoring(now):
    """MON-1, MON-2: a whole calendar day passed (weekends and holidays too) with no check-in.
    The account breaks the rule when neither yesterday nor today has a check-in; an account that
    became active today or yesterday has had no full day to miss.

    DECOM-2: a day when comments were switched off on the platform (monitoring.Cover) is not
    missed; monitoring resumes the day after the period, so its first day without a check-in is
    missed again (docs/monitoring.md explains the choice)."""
    yesterday = local_day(now) - datetime.timedelta(days=1)
    recent = CheckIn.objects.filter(account=OuterRef("pk"), day__gte=yesterday)
    missed = _ids(governed().filter(activated_at__lt=day_start(yesterday)).exclude(Exists(recent)))
    return missed - comments_off_on(yesterday) if missed else missed


def snapshot_interval_days(content_retrievable: bool) -> int:
    """REC-5's interval between start-page screenshots; REC-2: shorter on a platform that does not
    keep its content searchable and retrievable (the platform catalogue)."""
    if content_retrievable:
        return settings.MONITORING_SNAPSHOT_INTERVAL_DAYS
    return settings.MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS


def start_page_snapshot_overdue(now):
    """REC-5: no start-page screenshot in the last six months (counted from activation for a new
    account). REC-2: on a platform that does not keep its content searchable and retrievable
    (stories, disappearing content: the platform catalogue says so), within the shorter interval
    MONITORING_SNAPSHOT_SHORT_INTERVAL_DAYS.

    One query per interval, each a plain anti-join. Not one query with both conditions joined by
    OR: PostgreSQL could not turn that into an anti-join and estimated it at 100 times the cost,
    over the JIT threshold, so every sweep spent 0.7 to 1.9 s compiling it (2.7 s against
    0.3 + 0.1 s at 100 000 accounts; docs/performance.md, change 13)."""
    today = local_day(now)
    overdue: set[int] = set()
    for retrievable in (True, False):
        cutoff_day = today - datetime.timedelta(days=snapshot_interval_days(retrievable))
        recent = Snapshot.objects.filter(account=OuterRef("pk"), kind__in=START_PAGE_KINDS, taken_on__gt=cutoff_day)
        due = governed().filter(platform__content_retrievable=retrievable, activated_at__lt=day_start(cutoff_day))
        overdue |= _ids(due.exclude(Exists(recent)))
    return overdue


def follow_up_overdue(now):
    """PURP-3: no follow-up of the goals in the last twelve months (from activation for a new account)."""
    cutoff = _months_ago(now, settings.MONITORING_FOLLOW_UP_INTERVAL_DAYS)
    recent = FollowUp.objects.filter(account=OuterRef("pk"), created_at__gt=cutoff)
    return _ids(governed().filter(activated_at__lt=cutoff).exclude(Exists(recent)))


def sender_unverified(now):
    """SEND-1, SEND-2, INF-1: the sender checklist was never confirmed in full, or not within
    twelve months. The visitor-notice item applies only where the platform has a description.

    Two queries whose cost is linear in the data: the confirmations of the last twelve months
    grouped by account (accounts that confirmed every core item, and whether they confirmed the
    visitor notice), and the governed accounts with their platform's `has_description`; the
    comparison is made in Python. Not a counting subquery per account, which ran up to twice for
    each (bench/sweep.py: 0.8 s -> 0.3 s at 100 000 accounts), and not NOT IN (grouped
    subquery), which degrades badly once its hash no longer fits in work_mem
    (docs/performance.md, change 7). It names no column outside the index accounts_sender_latest
    (account, item, confirmed_at), in the account's order, so PostgreSQL reads that index alone and
    groups without sorting; each item is a MAX of a flag, not a COUNT(DISTINCT item), which sorted
    every account's items apart (change 14: 0.22 s -> 0.13 s)."""
    cutoff = _months_ago(now, settings.MONITORING_SENDER_INTERVAL_DAYS)

    def confirmed(item):  # 1 if the account confirmed the item in the window, else 0
        return Max(Case(When(item=item, then=Value(1)), default=Value(0), output_field=IntegerField()))

    # The core items each count once, apart from the visitor notice, so that it cannot stand in
    # for a missing one.
    core_items = [item for item in SenderCheck.values if item != SenderCheck.VISITOR_NOTICE]
    core_complete = dict(
        SenderConfirmation.objects.filter(confirmed_at__gt=cutoff)
        .order_by()
        .values("account")
        .annotate(core=reduce(operator.add, map(confirmed, core_items)), notices=confirmed(SenderCheck.VISITOR_NOTICE))
        .filter(core=len(core_items))
        .values_list("account", "notices")
    )
    return {
        pk
        for pk, described in governed().order_by().values_list("pk", "platform__has_description")
        if pk not in core_complete or (described and not core_complete[pk])
    }


def inactive_channel(now):
    """DECOM-1: no post recorded for the inactivity window (six months): the latest post date given
    at check-ins, or, if none was ever given, since the account became active.

    Written as NOT EXISTS over a partial index of check-ins that give a post date, not as MAX over
    every check-in (bench/sweep.py: 6 s -> 0.3 s with a year of check-ins)."""
    cutoff_day = local_day(now) - datetime.timedelta(days=settings.MONITORING_INACTIVITY_DAYS)
    posts = CheckIn.objects.filter(account=OuterRef("pk"), latest_post_on__isnull=False)
    return _ids(
        governed()
        .exclude(Exists(posts.filter(latest_post_on__gte=cutoff_day)))
        # The activation first: PostgreSQL evaluates OR in this order, so the subplan runs only for
        # the accounts activated since the cutoff (a quarter), not for all of them (0.5 -> 0.35 s).
        .filter(Q(activated_at__lt=day_start(cutoff_day)) | Exists(posts))
    )


def manager_missing(now):
    """RESP-1: no responsible manager for the account's unit, neither on the unit nor on any unit
    above it (the delegation order)."""
    units = list(Unit.objects.values_list("pk", "path", "manager_id"))
    managed_paths = [path for _pk, path, manager in units if manager]
    orphaned = [pk for pk, path, _m in units if not any(path.startswith(p) for p in managed_paths)]
    return _ids(governed().filter(unit_id__in=orphaned))


for _rule in (
    Rule("no-owner", "RES-2", Severity.HIGH, _("The account has no owner"), _("Appoint an account owner."), no_owner),
    Rule(
        "no-deputy",
        "RES-2",
        Severity.HIGH,
        _("The account has no deputy"),
        _("Appoint a deputy who is not the owner."),
        no_deputy,
    ),
    Rule(
        "coverage-gap",
        "MON-2, RES-2",
        Severity.HIGH,
        _("Owner and deputy are away on the same day"),
        _("Arrange cover: name a stand-in for the period, or switch comments off on the platform for it."),
        coverage_gap,
    ),
    Rule(
        "missed-monitoring",
        "MON-1, MON-2",
        Severity.HIGH,
        _("A day passed without monitoring"),
        _("Check the account and record today's check-in."),
        missed_monitoring,
    ),
    Rule(
        "start-page-snapshot-overdue",
        "REC-5",
        Severity.MEDIUM,
        _("No start-page screenshot in six months"),
        _("Upload a screenshot of the account's start page."),
        start_page_snapshot_overdue,
    ),
    Rule(
        "follow-up-overdue",
        "PURP-3",
        Severity.MEDIUM,
        _("No follow-up of the goals in twelve months"),
        _("Record this year's follow-up against the goals."),
        follow_up_overdue,
    ),
    Rule(
        "sender-unverified",
        "SEND-1, SEND-2, INF-1",
        Severity.MEDIUM,
        _("The sender checklist is not confirmed within twelve months"),
        _("Check the profile and confirm every item of the sender checklist."),
        sender_unverified,
    ),
    Rule(
        "inactive-channel",
        "DECOM-1",
        Severity.LOW,
        _("No post for six months"),
        _("Post again, or decommission the account."),
        inactive_channel,
    ),
    Rule(
        "manager-missing",
        "RESP-1",
        Severity.HIGH,
        _("The unit has no responsible manager"),
        _("The communications department records the unit's responsible manager."),
        manager_missing,
    ),
):
    register(_rule)
