"""The compliance report's unit table: each unit's accounts summed as their rows stream past, and
the units ranked by where attention is needed (RANKING_HOW in reports.figures)."""

import datetime
import decimal
import heapq
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from org.models import Unit
from reports import verdict
from reports.account_figures import ACCESSIBILITY_FIELDS, hours, percent


@dataclass
class UnitTotals:
    """A unit's sums over its accounts' rows (and the counts behind its shares and median)."""

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
    # ACC-1, ACC-2: accounts whose latest follow-up answers yes to each accessibility question.
    acc_alt_text: int = 0
    acc_captions: int = 0
    acc_plain_language: int = 0
    acc_on_ki_se: int = 0
    access_review_due: int = 0
    access_review_on_time: int = 0
    # Kept figures (reports.kept) hold the median, not every response time: "" when not kept.
    kept_median: str | None = ""

    def add(self, row: dict, extra: dict):
        self.accounts += 1
        for key, yes in extra["accessible"].items():
            setattr(self, key, getattr(self, key) + yes)
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
        self.access_review_due += extra["access_review_due"]
        self.access_review_on_time += extra["access_review_on_time"]
        self.response_hours.extend(extra["response_hours"])
        self.accounts_with_open_findings += 1 if row["findings_open"] else 0

    def merge(self, other: "UnitTotals"):
        """Add another set of accounts' sums (the longest gap is the longest of both)."""
        for key, value in vars(other).items():
            if key in ("unit", "kept_median"):
                continue
            if key == "response_hours":
                self.response_hours.extend(value)
            elif key == "longest_gap":
                self.longest_gap = max(self.longest_gap, value)
            else:
                setattr(self, key, getattr(self, key) + value)

    def median_hours(self):
        if self.kept_median != "":
            return decimal.Decimal(self.kept_median) if self.kept_median is not None else None
        return hours(statistics.median(self.response_hours)) if self.response_hours else None

    def to_json(self) -> dict:
        """The sums as JSON for reports.kept, with the median in place of the response times."""
        sums = {k: v for k, v in vars(self).items() if k not in ("unit", "response_hours", "kept_median")}
        median = self.median_hours()
        return {**sums, "median": str(median) if median is not None else None}

    @classmethod
    def from_json(cls, unit, data: dict) -> "UnitTotals":
        sums = {k: v for k, v in data.items() if k != "median"}
        return cls(unit=unit, kept_median=data["median"], **sums)

    def row(self, label: str, manager: str) -> dict:
        return {
            "unit": label,
            "manager": manager,
            "accounts": self.accounts,
            "days_active": self.days_active,
            "days_monitored": self.days_monitored,
            "days_missed": self.days_active - self.days_monitored,
            "coverage": percent(self.days_monitored, self.days_active),
            "longest_gap": self.longest_gap,
            "days_without_deputy": self.days_without_deputy,
            "deputy_cover": percent(self.days_active - self.days_without_deputy, self.days_active),
            "screenshots_due": self.screenshots_due,
            "screenshots_on_time": self.screenshots_on_time,
            "screenshots_on_time_share": percent(self.screenshots_on_time, self.screenshots_due),
            "removed_posts": self.removed_posts,
            "registered_in_time": percent(self.hand_off_in_time, self.hand_off_due),
            "questions": self.questions,
            "questions_answered": self.questions_answered,
            "answered_within_rule": percent(self.answered_within, self.questions_answered),
            "median_response_hours": self.median_hours(),
            "questions_overdue": self.questions_overdue,
            "blocks_in_force": self.blocks_in_force,
            "findings_opened": self.findings_opened,
            "findings_resolved": self.findings_resolved,
            "findings_open": self.findings_open,
            "accounts_with_open_findings": self.accounts_with_open_findings,
            **{key: getattr(self, key) for key in ACCESSIBILITY_FIELDS},
            # START-1 (issue 15): the yearly access review.
            "access_reviewed_on_time": percent(self.access_review_on_time, self.access_review_due),
        }


def _manager_name(unit: Unit) -> str:
    manager = unit.manager
    return (manager.get_full_name() or manager.username) if manager else ""


def account_attention(row: dict) -> tuple:
    """An account row's place when accounts are ranked by where attention is needed, as the units
    are: the most findings open at the end first, then the lowest coverage, then the most days
    missed, then by name."""
    coverage = row["coverage"] if row["coverage"] is not None else 1
    return (-row["findings_open"], coverage, -row["days_missed"], row["account"])


def ranked_unit_rows(units) -> list[dict]:
    """One row per unit (UnitTotals), ranked: the highest share of accounts with open findings
    first, then the lowest coverage, then the most days missed."""
    rows = [totals.row(totals.unit.display_name, _manager_name(totals.unit)) for totals in units]

    def attention(row):
        share = row["accounts_with_open_findings"] / row["accounts"] if row["accounts"] else 0
        coverage = row["coverage"] if row["coverage"] is not None else 1
        return (-share, coverage, -row["days_missed"], row["unit"])

    rows.sort(key=attention)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def totals_row(units, scope: Unit | None) -> dict:
    """The line under the unit table: every unit of the report summed (the longest gap is the longest)."""
    total = UnitTotals(unit=scope)
    for unit_totals in units:
        total.merge(unit_totals)
    row = total.row(str(_("All units in the report")), "")
    row["rank"] = None
    return row


def attention_key(candidate) -> tuple:
    """A candidate's place in the attention list (account_attention), ties broken as the account
    table's order breaks them (unit path, then account id), so that the top ten of a set of
    accounts is the same whether it is taken at once or from the top tens of its parts."""
    row, _rules, order = candidate
    return (*account_attention(row), *order)


ATTENTION_KEYS = ("account_id", "account", "unit", "findings_open", "coverage", "days_missed")


@dataclass
class ScopeTally:
    """What page 1 and the charts sum over all of a report's accounts, whatever their units: the
    weekly coverage (active and monitored days per week, weeks starting on Monday), the accounts
    with open findings by rule and by guideline area (reports.verdict), and the accounts that
    need attention first (the verdict.ATTENTION_LIMIT best candidates, attention_key).
    reports.compliance fills one per report; reports.kept keeps one per unit and period."""

    weeks: dict = field(default_factory=dict)
    open_by_rule: dict = field(default_factory=lambda: defaultdict(int))
    open_by_area: dict = field(default_factory=lambda: defaultdict(int))
    attention: list = field(default_factory=list)

    def add(self, row: dict, extra: dict, order: tuple):
        """One account's row; `extra` holds its open rules, active days and check-ins."""
        days = extra["days"]
        if days.count:
            self._add_weeks(days.first, days.last, extra["checkins"])
        open_rules = extra["open_rules"]
        for rule in open_rules:
            self.open_by_rule[rule] += 1
        for area in set().union(*(verdict.rule_areas(rule) for rule in open_rules)):
            self.open_by_area[area] += 1
        candidate = {key: row[key] for key in ATTENTION_KEYS if key in row}
        candidate.update(unit_id=extra["unit_id"], questions_overdue=row["questions_overdue"])
        self.attention.append((candidate, list(open_rules), order))

    def trim(self):
        """Keep only the candidates that can still be in the attention list."""
        self.attention = heapq.nsmallest(verdict.ATTENTION_LIMIT, self.attention, key=attention_key)

    def _add_weeks(self, first: datetime.date, last: datetime.date, checkins: list[datetime.date]):
        monday = first - datetime.timedelta(days=first.weekday())
        while monday <= last:
            lo, hi = max(first, monday), min(last, monday + datetime.timedelta(days=6))
            self.weeks.setdefault(monday, [0, 0])[0] += (hi - lo).days + 1
            monday += datetime.timedelta(days=7)
        for day in checkins:
            self.weeks[day - datetime.timedelta(days=day.weekday())][1] += 1

    def to_json(self) -> dict:
        return {
            "weeks": {monday.isoformat(): counts for monday, counts in self.weeks.items()},
            "open_by_rule": dict(self.open_by_rule),
            "open_by_area": dict(self.open_by_area),
            "attention": [
                [{k: v for k, v in row.items() if k != "unit"}, rules, list(order)]
                for row, rules, order in self.attention
            ],
        }

    @classmethod
    def from_json(cls, data: dict, unit_names: dict[int, str]) -> "ScopeTally":
        """The tally kept by reports.kept; `unit_names` names each attention candidate's unit
        (in the language of the page)."""
        attention = [
            ({**row, "unit": unit_names.get(row["unit_id"], "")}, rules, tuple(order))
            for row, rules, order in data["attention"]
        ]
        return cls(
            weeks={datetime.date.fromisoformat(m): counts for m, counts in data["weeks"].items()},
            open_by_rule=defaultdict(int, data["open_by_rule"]),
            open_by_area=defaultdict(int, data["open_by_area"]),
            attention=attention,
        )
