"""Each account's figures in the compliance report, one function per guideline area.

`account_records()` reads what a chunk of accounts needs with one set-based query per kind of
record (assignments, check-ins, screenshots, follow-ups, access reviews, removed posts, questions, blocks, findings,
approvals); the functions below then compute one account's figures from those lists, without a
query. reports.compliance.ComplianceReport puts them together into the account table's rows.
"""

import datetime
import decimal
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import START_PAGE_KINDS, AccountStatus
from accounts.models import AccessReview, Assignment, Snapshot, SocialAccount
from approvals.choices import Outcome, Step
from approvals.models import Decision
from monitoring.choices import ACCESSIBILITY_QUESTIONS, AccessibilityAnswer
from monitoring.models import CheckIn, Finding, FollowUp
from monitoring.rules import RULES
from org.calendar import local_day
from records.choices import Category
from records.models import Block, Incident, Inquiry
from records.rules import hand_off_due
from records.selectors import figures_from_rows
from reports.figures import DAY, Period

TINY = datetime.timedelta(microseconds=1)
ACCESSIBILITY_FIELDS = [name for name, _question, _clause in ACCESSIBILITY_QUESTIONS]
_ANSWER_LABELS = dict(AccessibilityAnswer.choices)


def hours(value: float) -> decimal.Decimal:
    """Hours to one decimal, half up, as a Decimal: every format then shows "33.0", not "33"."""
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


def percent(part, whole):
    return part / whole if whole else None


def _clip(start: datetime.date, end: datetime.date | None, first: datetime.date, last: datetime.date):
    """The days of [start, end] (end None = open) that fall in [first, last], as (from, to) or None."""
    lo = max(start, first)
    hi = last if end is None else min(end, last)
    return (lo, hi) if lo <= hi else None


def _people_text(spans) -> str:
    return "; ".join(f"{name} ({lo.isoformat()}–{hi.isoformat()})" for name, lo, hi in spans)


def _merged_length(intervals) -> int:
    """Days covered by the union of (from, to) day intervals."""
    total = 0
    current = None
    for lo, hi in sorted(intervals):
        if current and lo <= current[1] + DAY:
            current = (current[0], max(current[1], hi))
        else:
            if current:
                total += (current[1] - current[0]).days + 1
            current = (lo, hi)
    if current:
        total += (current[1] - current[0]).days + 1
    return total


def _screenshot_dues(taken: list[datetime.date], activated: datetime.date, period: Period, last: datetime.date):
    """(due in the period, of which on time) for REC-5: the next screenshot is due six months after
    the latest one (or after activation); a late one restarts the clock, a missing one leaves the
    account due again six months on."""
    interval = datetime.timedelta(days=settings.MONITORING_SNAPSHOT_INTERVAL_DAYS)
    before = [d for d in taken if d < period.start and d >= activated]
    base = before[-1] if before else activated
    due_count = on_time = 0
    while True:
        due = base + interval
        if due > last:
            break
        following = next((d for d in taken if d > base), None)
        if due >= period.start:
            due_count += 1
            if following is not None and following <= due:
                on_time += 1
        base = following if following is not None and following <= last else due
    return due_count, on_time


# --------------------------------------------------------------------------- reading a chunk


def account_records(ids: list[int], period: Period) -> dict[int, dict[str, list]]:
    """{account id: {kind: [rows]}} for the accounts `ids`: what their figures are computed from,
    one query per kind, whatever the number of accounts."""
    start_at, end_at = period.start_at, period.end_at
    by_account = defaultdict(lambda: defaultdict(list))
    for account_id, role, first, last, started, ended in (
        Assignment.objects.filter(account_id__in=ids, started_at__lt=end_at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start_at))
        .order_by("account_id", "started_at")
        .values_list("account_id", "role", "person__first_name", "person__last_name", "started_at", "ended_at")
    ):
        by_account[account_id][role].append((f"{first} {last}".strip(), started, ended))
    for account_id, day in (
        CheckIn.objects.filter(account_id__in=ids, day__gte=period.start, day__lte=period.end)
        .order_by("account_id", "day")
        .values_list("account_id", "day")
    ):
        by_account[account_id]["checkins"].append(day)
    for account_id, taken in (
        Snapshot.objects.filter(account_id__in=ids, kind__in=START_PAGE_KINDS, taken_on__lte=period.end)
        .order_by("account_id", "taken_on")
        .values_list("account_id", "taken_on")
    ):
        by_account[account_id]["snapshots"].append(taken)
    for account_id, created, *answers in (
        FollowUp.objects.filter(account_id__in=ids, created_at__lt=end_at)
        .order_by("account_id", "created_at")
        .values_list("account_id", "created_at", *ACCESSIBILITY_FIELDS)
    ):
        by_account[account_id]["follow_ups"].append(created)
        by_account[account_id]["accessibility"].append(answers)
    for account_id, reviewed in (
        AccessReview.objects.filter(account_id__in=ids, reviewed_at__lt=end_at)
        .order_by("account_id", "reviewed_at")
        .values_list("account_id", "reviewed_at")
    ):
        by_account[account_id]["access_reviews"].append(reviewed)
    for row in (
        Incident.objects.filter(account_id__in=ids, removed_at__gte=start_at, removed_at__lt=end_at)
        .order_by()
        .values_list("account_id", "category", "removed_at", "handed_off_at")
    ):
        by_account[row[0]]["incidents"].append(row[1:])
    for row in (
        Inquiry.objects.filter(account_id__in=ids, received_at__gte=start_at, received_at__lt=end_at)
        .order_by()
        .values_list("account_id", "received_at", "answered_at", "due_at")
    ):
        by_account[row[0]]["inquiries"].append(row[1:])
    for (account_id,) in (
        Block.objects.filter(account_id__in=ids, blocked_at__lt=end_at)
        .filter(Q(unblocked_at__isnull=True) | Q(unblocked_at__gte=end_at))
        .order_by()
        .values_list("account_id")
    ):
        by_account[account_id]["blocks"].append(1)
    for row in (
        Finding.objects.filter(account_id__in=ids, opened_at__lt=end_at)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start_at))
        .order_by("account_id", "rule")
        .values_list("account_id", "rule", "opened_at", "resolved_at", "unit_id")
    ):
        by_account[row[0]]["findings"].append(row[1:4])
        if row[4] is not None:
            by_account[row[0]]["units"].append((row[2], row[4]))
    for row in (
        Decision.objects.filter(
            account_id__in=ids, outcome=Outcome.APPROVE, step__in=[Step.COMMS, Step.RETROACTIVE, Step.MANAGER]
        )
        .order_by("account_id", "created_at", "pk")
        .values_list("account_id", "step", "created_at", "decided_by_repr", "registry_reference", "pk", "unit_id")
    ):
        by_account[row[0]]["decisions"].append(row[1:6])
        if row[6] is not None and row[2] < end_at:
            by_account[row[0]]["units"].append((row[2], row[6]))
    return by_account


def recorded_unit_id(records: dict) -> int | None:
    """The account's unit as recorded by its latest finding or decision of the period or before
    (issue 13): where the account belonged then, even if its unit has since been closed and the
    account moved to the successor. None when nothing in the period recorded a unit."""
    units = records.get("units")
    return max(units)[1] if units else None


# --------------------------------------------------------------------------- one account


@dataclass(frozen=True)
class ActiveDays:
    """The account's days in the report: from `first` to `last` (both included), `count` of them.
    Active from the day it became active up to the day before it was decommissioned, within the
    period and not after the report's last complete day (MON-1)."""

    activated: datetime.date
    first: datetime.date
    last: datetime.date
    count: int


def active_days(account: SocialAccount, period: Period, last_day: datetime.date) -> ActiveDays:
    activated = local_day(account.activated_at)
    first = max(period.start, activated)
    last = last_day
    if account.decommissioned_at is not None:
        last = min(last, local_day(account.decommissioned_at) - DAY)
    return ActiveDays(activated, first, last, max(0, (last - first).days + 1))


def account_figures(account: SocialAccount, unit=None) -> dict:
    """Which account, where it belongs and who is responsible for that unit now (RESP-1). `unit`
    is the unit the report files the account under (the unit at the time for a past period);
    the account's current unit when not given."""
    unit = unit or account.unit
    manager = unit.manager
    return {
        "account_id": account.pk,
        "account": f"{account.name} ({account.platform.name})",
        "url": account.url,
        "unit": unit.display_name,
        "status": str(AccountStatus(account.status).label),
        "manager": (manager.get_full_name() or manager.get_username()) if manager else "",
    }


def checked_in(days: ActiveDays, checkin_days: list[datetime.date]) -> list[datetime.date]:
    """The check-in days that fall on the account's active days."""
    return [d for d in checkin_days if days.first <= d <= days.last]


def monitoring_figures(days: ActiveDays, checkins: list[datetime.date]) -> dict:
    """Monitoring (MON-1, MON-2): check-in days within the active days, and the gaps between them."""
    longest_gap = 0
    previous = days.first - DAY
    for day in [*checkins, days.last + DAY]:
        longest_gap = max(longest_gap, (day - previous).days - 1)
        previous = day
    return {
        "days_active": days.count,
        "days_monitored": len(checkins),
        "days_missed": days.count - len(checkins),
        "coverage": percent(len(checkins), days.count),
        "longest_gap": longest_gap if days.count else 0,
    }


def responsibility_figures(owners: list, deputies: list, period: Period, shown_to, days: ActiveDays) -> dict:
    """Owner and deputy during the period, and the active days without a deputy (RES-2). People
    are shown up to the end of the period, or today if the period has not ended yet."""
    spans = {"owner": [], "deputy": []}
    deputy_days = []
    for role, held in (("owner", owners), ("deputy", deputies)):
        for name, started, ended in held:
            last_held = local_day(ended - TINY) if ended else None
            clipped = _clip(local_day(started), last_held, period.start, shown_to)
            if clipped:
                spans[role].append((name, *clipped))
            if role == "deputy" and days.count:
                covered = _clip(local_day(started), last_held, days.first, days.last)
                if covered:
                    deputy_days.append(covered)
    return {
        "owners": _people_text(spans["owner"]),
        "deputies": _people_text(spans["deputy"]),
        "days_without_deputy": days.count - _merged_length(deputy_days) if days.count else 0,
    }


def screenshot_figures(snapshots: list[datetime.date], period: Period, days: ActiveDays) -> dict:
    """Start-page screenshots (REC-5): the latest, and how many fell due in the period and were on time."""
    due, on_time = _screenshot_dues(snapshots, days.activated, period, max(days.last, period.start - DAY))
    return {
        "latest_screenshot": snapshots[-1] if snapshots else None,
        "screenshots_due": due,
        "screenshots_on_time": on_time,
    }


def follow_up_figures(follow_ups: list[datetime.datetime], period: Period, days: ActiveDays) -> dict:
    """Follow-up against the goals (PURP-3): the latest, and whether one was made in the last year."""
    latest = local_day(follow_ups[-1]) if follow_ups else None
    year_before_end = period.end - datetime.timedelta(days=settings.MONITORING_FOLLOW_UP_INTERVAL_DAYS)
    if latest and latest > year_before_end:
        current = str(_("yes"))
    elif days.activated > year_before_end:
        current = str(_("not due"))
    else:
        current = str(_("no"))
    return {"follow_up": latest, "follow_up_current": current}


def accessibility_figures(answers: list[list[str]]) -> tuple[dict, dict]:
    """ACC-1, ACC-2: the answers of the latest follow-up by the end of the period to each
    accessibility question ("" when it was not asked or there is none); and, for the unit
    roll-up, whether each was answered yes."""
    latest = dict(zip(ACCESSIBILITY_FIELDS, answers[-1] if answers else [""] * 4, strict=True))
    figures = {name: str(_ANSWER_LABELS[value]) if value else "" for name, value in latest.items()}
    return figures, {"accessible": {name: value == AccessibilityAnswer.YES for name, value in latest.items()}}


def access_review_figures(reviews: list[datetime.datetime], period: Period, days: ActiveDays) -> tuple[dict, dict]:
    """The yearly access review (START-1, issue 15): the latest, and whether one was made within
    the interval (13 months) before the end of the period; with the counts behind the unit's
    "access reviewed on time" share."""
    latest = local_day(reviews[-1]) if reviews else None
    cutoff = period.end - datetime.timedelta(days=settings.MONITORING_ACCESS_REVIEW_INTERVAL_DAYS)
    due = days.activated <= cutoff
    on_time = bool(latest and latest > cutoff)
    current = str(_("yes")) if on_time else str(_("no")) if due else str(_("not due"))
    counts = {"access_review_due": int(due or on_time), "access_review_on_time": int(on_time)}
    return {"access_reviewed": latest, "access_review_current": current}, counts


def removed_post_figures(incidents: list, judged_at: datetime.datetime) -> tuple[dict, dict]:
    """Removed posts (CONT-1, CONT-2) by category, and the share handed to the registry in time
    (REC-4). Also the counts behind that share, for the unit roll-up."""
    by_category = defaultdict(int)
    due_count = in_time = 0
    for category, removed_at, handed_off_at in incidents:
        by_category[category] += 1
        deadline = hand_off_due(removed_at)
        if handed_off_at is not None or deadline <= judged_at:
            due_count += 1
            if handed_off_at is not None and handed_off_at < deadline:
                in_time += 1
    figures = {
        "removed_posts": len(incidents),
        **{f"removed_{value}": by_category.get(value, 0) for value in Category.values},
        "registered_in_time": percent(in_time, due_count),
    }
    return figures, {"hand_off_due": due_count, "hand_off_in_time": in_time}


def question_figures(inquiries: list, judged_at: datetime.datetime) -> tuple[dict, dict]:
    """Questions (ANS-1): received, answered, answered within the rule, median response time and
    overdue. Also the answers and response times behind them, for the unit roll-up."""
    answers = figures_from_rows(inquiries, judged_at)
    response_hours = [
        (answered - received) / datetime.timedelta(hours=1) for received, answered, _due in inquiries if answered
    ]
    answered_within = sum(1 for _r, answered, due_at in inquiries if answered and answered <= due_at)
    figures = {
        "questions": len(inquiries),
        "questions_answered": answers["answered"],
        "answered_within_rule": answers["within_rule_share"],
        "median_response_hours": hours(answers["median_hours"]) if answers["median_hours"] is not None else None,
        "questions_overdue": answers["overdue"],
    }
    return figures, {"answered_within": answered_within, "response_hours": response_hours}


def block_figures(blocks: list) -> dict:
    """Blocks in force at the end of the period (CONT-1, REC-1)."""
    return {"blocks_in_force": len(blocks)}


def finding_figures(findings: list, period: Period) -> tuple[dict, list[str]]:
    """Findings opened, resolved and still open in the period, and the rules of the open ones."""
    opened = resolved = 0
    open_rules = []
    for rule, opened_at, resolved_at in findings:
        if opened_at >= period.start_at:
            opened += 1
        if resolved_at is not None and resolved_at < period.end_at:
            resolved += 1
        else:
            open_rules.append(rule)
    figures = {
        "findings_opened": opened,
        "findings_resolved": resolved,
        "findings_open": len(open_rules),
        # The rule in words, then its clauses and ID (issue 15: people read titles, not IDs).
        "open_rules": "; ".join(
            f"{RULES[rule].title} ({RULES[rule].clauses}; {rule})" if rule in RULES else rule for rule in open_rules
        ),
    }
    return figures, open_rules


def approval_figures(decisions: list) -> dict:
    """The latest approval (START-1, START-2): step, date, who decided and the registry reference;
    the decision's id is for a link to its record on screen."""
    if not decisions:
        return {"approval": str(_("no approval recorded")), "approval_decision_id": None}
    step, decided_at, decided_by, reference, decision_id = decisions[-1]
    approval = f"{Step(step).label}, {local_day(decided_at).isoformat()}, {decided_by}"
    if reference:
        approval += f", {reference}"
    return {"approval": approval, "approval_decision_id": decision_id}
