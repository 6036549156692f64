"""What the compliance report counts: its period and its figures.

Every figure is defined once, in FIGURES, with the clause it serves; the report's first page (on
screen, in the XLSX cover sheet and in the PDF) prints those definitions, so what the numbers mean
travels with them. GROUPS and UNIT_GROUPS cut the tables into parts that fit a page, for the screen
and the PDF; the API, the CSV and the XLSX read FIGURES and UNIT_FIGURES whole.
"""

import datetime
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from monitoring.choices import ACCESSIBILITY_QUESTIONS
from org.calendar import day_start
from records.choices import Category

DAY = datetime.timedelta(days=1)


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


# ACC-1, ACC-2: the accessibility questions of the yearly follow-up, with a column header each.
_ACCESSIBILITY = [
    (name, header, question, clause)
    for (name, question, clause), header in zip(
        ACCESSIBILITY_QUESTIONS,
        [_("Alt text on images"), _("Captions on video"), _("Plain language"), _("Also on ki.se")],
        strict=True,
    )
]

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
    *[
        Figure(
            name,
            label,
            "text",
            clause,
            format_lazy(
                "{} {}", _("The answer in the latest follow-up by the end of the period to the question:"), question
            ),
        )
        for name, label, question, clause in _ACCESSIBILITY
    ],
    Figure(
        "access_reviewed",
        _("Access last reviewed"),
        "date",
        "START-1",
        _("The date the owner last confirmed who has access to the account, by the end of the period."),
    ),
    Figure(
        "access_review_current",
        _("Access reviewed"),
        "text",
        "START-1",
        _(
            "Yes when the owner confirmed who has access in the 13 months before the end of the period; "
            "not due when the account had been active for less than 13 months."
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
        *[
            Figure(
                name,
                format_lazy("{}: {}", header, _("yes")),
                "int",
                clause,
                format_lazy("{} {}", _("Accounts whose latest follow-up answers yes to the question:"), question),
            )
            for name, header, question, clause in _ACCESSIBILITY
        ],
        Figure(
            "access_reviewed_on_time",
            _("Access reviewed on time"),
            "percent",
            "START-1",
            _(
                "Of its accounts due an access review, the share whose owner confirmed who has access in the "
                "13 months before the end of the period."
            ),
        ),
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
            "access_reviewed",
            "access_review_current",
            "removed_posts",
            "registered_in_time",
        ],
    ),
    (_("Removed posts by category (CONT-1)"), [f"removed_{value}" for value in Category.values]),
    (_("Accessibility, in the latest follow-up (ACC-1, ACC-2)"), [name for name, *_rest in _ACCESSIBILITY]),
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
            "access_reviewed_on_time",
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
    (_("Accessibility: accounts answering yes (ACC-1, ACC-2)"), [name for name, *_rest in _ACCESSIBILITY]),
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
