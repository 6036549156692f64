"""The compliance report: for a period and a unit (with everything below it), each account's
figures against the guidelines, rolled up per unit and ranked by where attention is needed.

Every figure is defined once, in FIGURES below, with the clause it serves; the report's first page
(on screen, in the XLSX cover sheet and in the PDF) prints those definitions, so what the numbers
mean travels with them.

The accounts are read in chunks of CHUNK (ordered by unit and name), with a fixed number of
set-based queries per chunk, so that memory stays flat and the query count grows with the number
of chunks, not of rows. The per-unit roll-up and the weekly coverage are accumulated while the
account rows stream past; `ComplianceReport.materialise()` runs the whole pass for the screen and
the PDF.
"""

import datetime
import decimal
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import START_PAGE_KINDS, AccountStatus
from accounts.models import Assignment, Snapshot, SocialAccount
from accounts.selectors import social_account_list
from approvals.choices import Outcome, Step
from approvals.models import Decision
from monitoring.models import CheckIn, Finding, FollowUp
from monitoring.rules import RULES
from org import roles
from org.calendar import day_start, local_day
from org.models import Unit
from records.choices import Category
from records.models import Block, Incident, Inquiry
from records.rules import hand_off_due
from records.selectors import figures_from_rows

CHUNK = 500
DAY = datetime.timedelta(days=1)
TINY = datetime.timedelta(microseconds=1)


class ReportNotAllowed(Exception):
    """The user may not make a report for this scope."""


@dataclass(frozen=True)
class Period:
    """Calendar days in Stockholm, both ends included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def half_year(cls, year: int, half: int) -> "Period":
        if half == 1:
            return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))

    @property
    def start_at(self) -> datetime.datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period: midnight at the end of its last day."""
        return day_start(self.end + DAY)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self):
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def _category_header(value: str):
    """A short column header for a removal category: "Removed (a)" … "Removed (account rules)"."""
    letter = value.split("_")[0] if "_" in value else None
    if letter:
        return format_lazy("{} ({})", _("Removed"), letter)
    return format_lazy("{} ({})", _("Removed"), _("account rules"))


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: str  # text, int, percent, decimal, date
    clause: str
    how: str


# The account table's columns, in order, with how each is computed (printed on the first page).
FIGURES: list[Figure] = [
    Figure("account", _("Account"), "text", "", _("The account's name and platform.")),
    Figure("url", _("Address"), "text", "", _("The profile address.")),
    Figure("unit", _("Unit"), "text", "RESP-1", _("The unit the account belongs to.")),
    Figure("status", _("Status now"), "text", "DECOM-1", _("The account's status when the report was made.")),
    Figure("manager", _("Responsible manager"), "text", "RESP-1", _("The unit's responsible manager now.")),
    Figure(
        "owners",
        _("Owner during the period"),
        "text",
        "RES-2",
        _("Everyone who was account owner at some time in the period, with the dates, from the assignment history."),
    ),
    Figure(
        "deputies",
        _("Deputy during the period"),
        "text",
        "RES-2",
        _("Everyone who was deputy at some time in the period, with the dates."),
    ),
    Figure(
        "days_active",
        _("Days active"),
        "int",
        "MON-1",
        _(
            "Calendar days in the period (weekends and holidays included) from the day the account became active "
            "up to the day before it was decommissioned, and not after yesterday."
        ),
    ),
    Figure(
        "days_monitored",
        _("Days monitored"),
        "int",
        "MON-1, MON-2",
        _("Days active with a monitoring check-in (one per Stockholm calendar day)."),
    ),
    Figure("days_missed", _("Days missed"), "int", "MON-1, MON-2", _("Days active minus days monitored.")),
    Figure(
        "coverage",
        _("Monitoring coverage"),
        "percent",
        "MON-1, MON-2",
        _("Days monitored divided by days active."),
    ),
    Figure(
        "longest_gap",
        _("Longest gap (days)"),
        "int",
        "MON-1",
        _("The longest run of consecutive active days without a check-in."),
    ),
    Figure(
        "days_without_deputy",
        _("Days without deputy"),
        "int",
        "RES-2",
        _("Days active on which no deputy was appointed at any time of the day."),
    ),
    Figure(
        "latest_screenshot",
        _("Latest start-page screenshot"),
        "date",
        "REC-5",
        _("The date of the latest start-page screenshot taken by the end of the period."),
    ),
    Figure(
        "screenshots_due",
        _("Screenshots due in the period"),
        "int",
        "REC-5",
        _(
            "How many times a start-page screenshot fell due in the period: six months after the previous one, "
            "or after the account became active."
        ),
    ),
    Figure(
        "screenshots_on_time",
        _("Screenshots on time"),
        "int",
        "REC-5",
        _("Of those, how many were taken by their due date."),
    ),
    Figure(
        "follow_up",
        _("Latest follow-up"),
        "date",
        "PURP-3",
        _("The date the latest follow-up against the goals was recorded, by the end of the period."),
    ),
    Figure(
        "follow_up_current",
        _("Follow-up done"),
        "text",
        "PURP-3",
        _(
            "Yes when a follow-up was recorded in the twelve months before the end of the period; "
            "not due when the account had been active for less than twelve months."
        ),
    ),
    Figure(
        "removed_posts",
        _("Removed posts"),
        "int",
        "CONT-1, CONT-2",
        _("Posts and comments removed in the period (by category in the columns that follow)."),
    ),
    *[Figure(f"removed_{value}", _category_header(value), "int", "CONT-1", label) for value, label in Category.choices],
    Figure(
        "registered_in_time",
        _("Handed to registry in time"),
        "percent",
        "CONT-2, REC-4",
        _(
            "Of the removed posts whose hand-off was due by the time of the report, the share archived or sent "
            "to the registry by the end of the second working day after removal."
        ),
    ),
    Figure("questions", _("Questions received"), "int", "ANS-1", _("Questions and comments received in the period.")),
    Figure("questions_answered", _("Questions answered"), "int", "ANS-1", _("Of those, how many are answered.")),
    Figure(
        "answered_within_rule",
        _("Answered within 24-hour rule"),
        "percent",
        "ANS-1",
        _(
            "Of the answered questions, the share answered by their due time: 24 hours on working days; "
            "arrivals on a weekend or holiday by the end of the next working day."
        ),
    ),
    Figure(
        "median_response_hours",
        _("Median response time (hours)"),
        "decimal",
        "ANS-1",
        _("The median time from received to answered, in hours."),
    ),
    Figure(
        "questions_overdue",
        _("Questions overdue"),
        "int",
        "ANS-1",
        _("Unanswered questions past their due time at the end of the period (or now, if earlier)."),
    ),
    Figure(
        "blocks_in_force",
        _("Blocks in force"),
        "int",
        "CONT-1, REC-1",
        _("Visitors blocked at the end of the period and not unblocked."),
    ),
    Figure("findings_opened", _("Findings opened"), "int", "", _("Compliance findings opened during the period.")),
    Figure(
        "findings_resolved", _("Findings resolved"), "int", "", _("Compliance findings resolved during the period.")
    ),
    Figure(
        "findings_open",
        _("Findings open at the end"),
        "int",
        "",
        _("Findings still open at the end of the period."),
    ),
    Figure(
        "open_rules", _("Open findings (rule and clauses)"), "text", "", _("The rules of those findings, with clauses.")
    ),
    Figure(
        "approval",
        _("Approval decision"),
        "text",
        "START-1, START-2",
        _("The latest approval of the account: step, date, who decided and the registry reference."),
    ),
]

# Figures only the unit table has; the others are the account table's, summed.
_UNIT_ONLY = {
    f.key: f
    for f in [
        Figure("rank", _("Attention rank"), "int", "", _("1 = needs attention most; see the ranking below.")),
        Figure("unit", _("Unit"), "text", "RESP-1", _("The unit; its accounts are counted here, not in units above.")),
        Figure("accounts", _("Accounts"), "int", "", _("Accounts active at some time in the period.")),
        Figure("longest_gap", _("Longest gap (days)"), "int", "MON-1", _("The longest gap of any of its accounts.")),
        Figure(
            "accounts_with_open_findings",
            _("Accounts with open findings"),
            "int",
            "",
            _("Accounts with at least one finding open at the end of the period."),
        ),
    ]
}

# The account table in parts, for the screen and the PDF (a page is not wide enough for all).
GROUPS = [
    (
        _("Responsibility and monitoring"),
        [
            "unit",
            "status",
            "manager",
            "owners",
            "deputies",
            "days_active",
            "days_monitored",
            "days_missed",
            "coverage",
            "longest_gap",
            "days_without_deputy",
        ],
    ),
    (
        _("Screenshots, follow-up and removed posts"),
        [
            "latest_screenshot",
            "screenshots_due",
            "screenshots_on_time",
            "follow_up",
            "follow_up_current",
            "removed_posts",
            "registered_in_time",
        ],
    ),
    (_("Removed posts by category (CONT-1)"), [f"removed_{value}" for value in Category.values]),
    (
        _("Questions and blocks"),
        [
            "questions",
            "questions_answered",
            "answered_within_rule",
            "median_response_hours",
            "questions_overdue",
            "blocks_in_force",
        ],
    ),
    (
        _("Findings and approval"),
        ["findings_opened", "findings_resolved", "findings_open", "open_rules", "approval"],
    ),
]

# The unit table in two parts, for the screen and the PDF; the unit's name heads each row.
UNIT_GROUPS = [
    (
        _("Responsibility, monitoring and screenshots"),
        [
            "rank",
            "manager",
            "accounts",
            "days_active",
            "days_monitored",
            "days_missed",
            "coverage",
            "longest_gap",
            "days_without_deputy",
            "screenshots_due",
            "screenshots_on_time",
        ],
    ),
    (
        _("Removed posts, questions and findings"),
        [
            "removed_posts",
            "registered_in_time",
            "questions",
            "questions_answered",
            "answered_within_rule",
            "median_response_hours",
            "questions_overdue",
            "blocks_in_force",
            "findings_opened",
            "findings_resolved",
            "findings_open",
            "accounts_with_open_findings",
        ],
    ),
]

# The unit table's columns: rank, unit, then the two groups (sums; shares and the median over all
# the unit's rows).
_ACCOUNT_FIGURES = {f.key: f for f in FIGURES}
UNIT_FIGURES: list[Figure] = [
    _UNIT_ONLY.get(key) or _ACCOUNT_FIGURES[key]
    for key in ["rank", "unit", *(k for _title, keys in UNIT_GROUPS for k in keys if k != "rank")]
]

RANKING_HOW = _(
    "Units are ranked by the share of their accounts with findings open at the end of the period (highest "
    "first), then by monitoring coverage (lowest first), then by days missed (most first)."
)


def _hours(value: float) -> decimal.Decimal:
    """Hours to one decimal, half up, as a Decimal: every format then shows "33.0", not "33"."""
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


def _percent(part, whole):
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


@dataclass
class _UnitTotals:
    unit: Unit
    accounts: int = 0
    days_active: int = 0
    days_monitored: int = 0
    longest_gap: int = 0
    days_without_deputy: int = 0
    screenshots_due: int = 0
    screenshots_on_time: int = 0
    removed_posts: int = 0
    hand_off_due: int = 0
    hand_off_in_time: int = 0
    questions: int = 0
    questions_answered: int = 0
    answered_within: int = 0
    response_hours: list = field(default_factory=list)
    questions_overdue: int = 0
    blocks_in_force: int = 0
    findings_opened: int = 0
    findings_resolved: int = 0
    findings_open: int = 0
    accounts_with_open_findings: int = 0

    def add(self, row: dict, extra: dict):
        self.accounts += 1
        for key in (
            "days_active",
            "days_monitored",
            "days_without_deputy",
            "screenshots_due",
            "screenshots_on_time",
            "removed_posts",
            "questions",
            "questions_answered",
            "questions_overdue",
            "blocks_in_force",
            "findings_opened",
            "findings_resolved",
            "findings_open",
        ):
            setattr(self, key, getattr(self, key) + (row[key] or 0))
        self.longest_gap = max(self.longest_gap, row["longest_gap"] or 0)
        self.hand_off_due += extra["hand_off_due"]
        self.hand_off_in_time += extra["hand_off_in_time"]
        self.answered_within += extra["answered_within"]
        self.response_hours.extend(extra["response_hours"])
        self.accounts_with_open_findings += 1 if row["findings_open"] else 0

    def row(self, label: str, manager: str) -> dict:
        return {
            "unit": label,
            "manager": manager,
            "accounts": self.accounts,
            "days_active": self.days_active,
            "days_monitored": self.days_monitored,
            "days_missed": self.days_active - self.days_monitored,
            "coverage": _percent(self.days_monitored, self.days_active),
            "longest_gap": self.longest_gap,
            "days_without_deputy": self.days_without_deputy,
            "screenshots_due": self.screenshots_due,
            "screenshots_on_time": self.screenshots_on_time,
            "removed_posts": self.removed_posts,
            "registered_in_time": _percent(self.hand_off_in_time, self.hand_off_due),
            "questions": self.questions,
            "questions_answered": self.questions_answered,
            "answered_within_rule": _percent(self.answered_within, self.questions_answered),
            "median_response_hours": _hours(statistics.median(self.response_hours)) if self.response_hours else None,
            "questions_overdue": self.questions_overdue,
            "blocks_in_force": self.blocks_in_force,
            "findings_opened": self.findings_opened,
            "findings_resolved": self.findings_resolved,
            "findings_open": self.findings_open,
            "accounts_with_open_findings": self.accounts_with_open_findings,
        }


def may_report(user, unit: Unit | None) -> bool:
    """None means the whole university: only for those who see everything."""
    if unit is None:
        return roles.sees_everything(user)
    return roles.oversees_unit(user, unit)


class ComplianceReport:
    """One report: `account_rows()` streams the account table (and fills the roll-ups as it goes);
    `unit_rows()`, `totals`, `weekly_coverage` and `open_by_rule` are ready once it has been read."""

    def __init__(self, *, user, unit: Unit | None, period: Period, now: datetime.datetime | None = None):
        if not may_report(user, unit):
            raise ReportNotAllowed
        if period.end < period.start:
            raise ValueError("The period ends before it starts.")
        self.user = user
        self.unit = unit
        self.period = period
        self.made_at = now or timezone.now()
        self.made_by = user.get_full_name() or user.get_username()
        # Days count only when complete: up to yesterday.
        self.last_day = min(period.end, local_day(self.made_at) - DAY)
        self.shown_to = min(period.end, local_day(self.made_at))
        # Questions overdue and hand-offs due are judged at the end of the period, or now if earlier.
        self.judged_at = min(period.end_at, self.made_at)
        self._units: dict[int, _UnitTotals] = {}
        self._weeks: dict[datetime.date, list[int]] = {}
        self.open_by_rule: dict[str, int] = defaultdict(int)
        self._read = False

    # The accounts of the report -------------------------------------------------------------
    def accounts(self):
        """Accounts of the scope that were active at some time in the period."""
        qs = social_account_list(user=self.user)
        if self.unit is not None:
            qs = qs.in_unit(self.unit)
        return qs.filter(activated_at__isnull=False, activated_at__lt=self.period.end_at).exclude(
            decommissioned_at__lt=self.period.start_at
        )

    def account_count(self) -> int:
        return self.accounts().count()

    @property
    def scope_label(self) -> str:
        return self.unit.display_name if self.unit else str(_("Karolinska Institutet (all units)"))

    def account_rows(self):
        """The account table, row by row, ordered by unit and name."""
        self._units.clear()
        self._weeks.clear()
        self.open_by_rule.clear()
        # The ids stream from the database (a server-side cursor on PostgreSQL) instead of being
        # listed first: memory stays the same for 10 000 accounts and for 100 000.
        ids = self.accounts().order_by("unit__path", "name", "pk").values_list("pk", flat=True)
        batch = []
        for pk in ids.iterator(chunk_size=CHUNK):
            batch.append(pk)
            if len(batch) == CHUNK:
                yield from self._chunk(batch)
                batch = []
        if batch:
            yield from self._chunk(batch)
        self._read = True

    def materialise(self) -> list[dict]:
        return list(self.account_rows())

    def _chunk(self, ids: list[int]):
        period = self.period
        start_at, end_at = period.start_at, period.end_at
        accounts = {
            a.pk: a
            for a in SocialAccount.objects.filter(pk__in=ids).select_related("platform", "unit", "unit__manager")
        }
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
        for account_id, created in (
            FollowUp.objects.filter(account_id__in=ids, created_at__lt=end_at)
            .order_by("account_id", "created_at")
            .values_list("account_id", "created_at")
        ):
            by_account[account_id]["follow_ups"].append(created)
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
            .values_list("account_id", "rule", "opened_at", "resolved_at")
        ):
            by_account[row[0]]["findings"].append(row[1:])
        for row in (
            Decision.objects.filter(
                account_id__in=ids, outcome=Outcome.APPROVE, step__in=[Step.COMMS, Step.RETROACTIVE, Step.MANAGER]
            )
            .order_by("account_id", "created_at", "pk")
            .values_list("account_id", "step", "created_at", "decided_by_repr", "registry_reference", "pk")
        ):
            by_account[row[0]]["decisions"].append(row[1:])

        for account_id in ids:
            account = accounts[account_id]
            row, extra = self._row(account, by_account[account_id])
            totals = self._units.get(account.unit_id)
            if totals is None:
                totals = self._units[account.unit_id] = _UnitTotals(account.unit)
            totals.add(row, extra)
            yield row

    def _row(self, account: SocialAccount, data) -> tuple[dict, dict]:
        period = self.period
        activated = local_day(account.activated_at)
        first = max(period.start, activated)
        last = self.last_day
        if account.decommissioned_at is not None:
            last = min(last, local_day(account.decommissioned_at) - DAY)
        days_active = max(0, (last - first).days + 1)

        # Monitoring (MON-1/2): check-in days within the active days, the gaps between them.
        checkins = [d for d in data["checkins"] if first <= d <= last]
        longest_gap = 0
        previous = first - DAY
        for day in [*checkins, last + DAY]:
            longest_gap = max(longest_gap, (day - previous).days - 1)
            previous = day
        if days_active:
            self._add_weeks(first, last, checkins)

        # Owner and deputy during the period, and days without a deputy (RES-2).
        spans = {}
        deputy_days = []
        for role in ("owner", "deputy"):
            spans[role] = []
            for name, started, ended in data[role]:
                # Shown up to the end of the period, or today if the period has not ended yet.
                clipped = _clip(
                    local_day(started), local_day(ended - TINY) if ended else None, period.start, self.shown_to
                )
                if clipped:
                    spans[role].append((name, *clipped))
                if role == "deputy" and days_active:
                    covered = _clip(local_day(started), local_day(ended - TINY) if ended else None, first, last)
                    if covered:
                        deputy_days.append(covered)
        days_without_deputy = days_active - _merged_length(deputy_days) if days_active else 0

        # Start-page screenshots (REC-5) and follow-up (PURP-3).
        snapshots = data["snapshots"]
        due, on_time = _screenshot_dues(snapshots, activated, period, max(last, period.start - DAY))
        follow_ups = data["follow_ups"]
        latest_follow_up = local_day(follow_ups[-1]) if follow_ups else None
        year_before_end = period.end - datetime.timedelta(days=settings.MONITORING_FOLLOW_UP_INTERVAL_DAYS)
        if latest_follow_up and latest_follow_up > year_before_end:
            follow_up_current = str(_("yes"))
        elif activated > year_before_end:
            follow_up_current = str(_("not due"))
        else:
            follow_up_current = str(_("no"))

        # Removed posts (CONT-1/2, REC-4).
        incidents = data["incidents"]
        by_category = defaultdict(int)
        hand_off_due_count = hand_off_in_time = 0
        for category, removed_at, handed_off_at in incidents:
            by_category[category] += 1
            deadline = hand_off_due(removed_at)
            if handed_off_at is not None or deadline <= self.judged_at:
                hand_off_due_count += 1
                if handed_off_at is not None and handed_off_at < deadline:
                    hand_off_in_time += 1

        # Questions (ANS-1).
        inquiries = data["inquiries"]
        answers = figures_from_rows(inquiries, self.judged_at)
        response_hours = [
            (answered - received) / datetime.timedelta(hours=1) for received, answered, _ in inquiries if answered
        ]
        answered_within = sum(1 for _r, answered, due_at in inquiries if answered and answered <= due_at)

        # Findings.
        opened = resolved = 0
        open_rules = []
        for rule, opened_at, resolved_at in data["findings"]:
            if opened_at >= period.start_at:
                opened += 1
            if resolved_at is not None and resolved_at < period.end_at:
                resolved += 1
            else:
                open_rules.append(rule)
                self.open_by_rule[rule] += 1
        open_text = "; ".join(f"{rule} ({RULES[rule].clauses})" if rule in RULES else rule for rule in open_rules)

        decisions = data["decisions"]
        if decisions:
            step, decided_at, decided_by, reference, decision_id = decisions[-1]
            approval = f"{Step(step).label}, {local_day(decided_at).isoformat()}, {decided_by}"
            if reference:
                approval += f", {reference}"
        else:
            approval, decision_id = str(_("no approval recorded")), None

        manager = account.unit.manager
        row = {
            "account_id": account.pk,
            "account": f"{account.name} ({account.platform.name})",
            "url": account.url,
            "unit": account.unit.display_name,
            "status": str(AccountStatus(account.status).label),
            "manager": (manager.get_full_name() or manager.get_username()) if manager else "",
            "owners": _people_text(spans["owner"]),
            "deputies": _people_text(spans["deputy"]),
            "days_active": days_active,
            "days_monitored": len(checkins),
            "days_missed": days_active - len(checkins),
            "coverage": _percent(len(checkins), days_active),
            "longest_gap": longest_gap if days_active else 0,
            "days_without_deputy": days_without_deputy,
            "latest_screenshot": snapshots[-1] if snapshots else None,
            "screenshots_due": due,
            "screenshots_on_time": on_time,
            "follow_up": latest_follow_up,
            "follow_up_current": follow_up_current,
            "removed_posts": len(incidents),
            **{f"removed_{value}": by_category.get(value, 0) for value in Category.values},
            "registered_in_time": _percent(hand_off_in_time, hand_off_due_count),
            "questions": len(inquiries),
            "questions_answered": answers["answered"],
            "answered_within_rule": answers["within_rule_share"],
            "median_response_hours": _hours(answers["median_hours"]) if answers["median_hours"] is not None else None,
            "questions_overdue": answers["overdue"],
            "blocks_in_force": len(data["blocks"]),
            "findings_opened": opened,
            "findings_resolved": resolved,
            "findings_open": len(open_rules),
            "open_rules": open_text,
            "approval": approval,
            "approval_decision_id": decision_id,  # for a link to the decision record on screen
        }
        extra = {
            "hand_off_due": hand_off_due_count,
            "hand_off_in_time": hand_off_in_time,
            "answered_within": answered_within,
            "response_hours": response_hours,
        }
        return row, extra

    def _add_weeks(self, first: datetime.date, last: datetime.date, checkins: list[datetime.date]):
        """Weekly coverage for the chart: active and monitored days per week (weeks start on Monday)."""
        monday = first - datetime.timedelta(days=first.weekday())
        while monday <= last:
            lo, hi = max(first, monday), min(last, monday + datetime.timedelta(days=6))
            self._weeks.setdefault(monday, [0, 0])[0] += (hi - lo).days + 1
            monday += datetime.timedelta(days=7)
        for day in checkins:
            self._weeks[day - datetime.timedelta(days=day.weekday())][1] += 1

    # The roll-ups (after account_rows has been read) --------------------------------------------
    def _require_read(self):
        if not self._read:
            for _row in self.account_rows():
                pass

    def unit_rows(self) -> list[dict]:
        """One row per unit with accounts in the report, ranked by where attention is needed."""
        self._require_read()
        rows = []
        for totals in self._units.values():
            manager = totals.unit.manager
            rows.append(
                totals.row(totals.unit.display_name, (manager.get_full_name() or manager.username) if manager else "")
            )

        def attention(row):
            share = row["accounts_with_open_findings"] / row["accounts"] if row["accounts"] else 0
            coverage = row["coverage"] if row["coverage"] is not None else 1
            return (-share, coverage, -row["days_missed"], row["unit"])

        rows.sort(key=attention)
        for rank, row in enumerate(rows, start=1):
            row["rank"] = rank
        return rows

    @property
    def totals(self) -> dict:
        self._require_read()
        total = _UnitTotals(unit=self.unit)
        for unit_totals in self._units.values():
            for key, value in vars(unit_totals).items():
                if key == "unit":
                    continue
                if key == "response_hours":
                    total.response_hours.extend(value)
                elif key == "longest_gap":
                    total.longest_gap = max(total.longest_gap, value)
                else:
                    setattr(total, key, getattr(total, key) + value)
        row = total.row(str(_("All units in the report")), "")
        row["rank"] = None
        return row

    def weekly_coverage(self) -> list[tuple[datetime.date, float | None]]:
        self._require_read()
        return [(monday, _percent(monitored, active)) for monday, (active, monitored) in sorted(self._weeks.items())]

    def open_findings_by_rule(self) -> list[tuple[str, str, int]]:
        self._require_read()
        return sorted(
            ((rule, RULES[rule].clauses if rule in RULES else "", n) for rule, n in self.open_by_rule.items()),
            key=lambda item: (-item[2], item[0]),
        )

    def cover(self) -> list[tuple[str, str]]:
        """The first page: what, for whom, when and by whom, and how each figure is computed."""
        made_at = timezone.localtime(self.made_at)
        lines = [
            (str(_("Report")), str(_("Compliance with KI's guidelines for social media"))),
            (str(_("Period")), str(self.period)),
            (
                str(_("Scope")),
                f"{self.scope_label} " + str(_("and every unit below it")) if self.unit else self.scope_label,
            ),
            (str(_("Made")), made_at.strftime("%Y-%m-%d %H:%M")),
            (str(_("Made by")), self.made_by),
            (
                str(_("Days counted")),
                str(_("Complete days up to %(day)s (Europe/Stockholm).")) % {"day": self.last_day.isoformat()},
            ),
        ]
        for figure in FIGURES:
            clause = f" [{figure.clause}]" if figure.clause else ""
            lines.append((str(figure.label), f"{figure.how}{clause}"))
        lines.append((str(_("Attention rank")), str(RANKING_HOW)))
        return lines
