"""The compliance report's unit table: each unit's accounts summed as their rows stream past, and
the units ranked by where attention is needed (RANKING_HOW in reports.figures)."""

import statistics
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from org.models import Unit
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
            "median_response_hours": hours(statistics.median(self.response_hours)) if self.response_hours else None,
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
