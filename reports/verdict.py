"""The compliance report's answer (issue 16): a verdict per guideline area, the change from the
previous period of the same length, and the accounts needing attention first.

Each area is decided by its figures, each a share between 0 and 1: "met" when the lowest of them
reaches REPORT_VERDICT_MET, "partly met" when it reaches REPORT_VERDICT_PARTLY, "not met" below
that, and "no data" when none of them has a value (no question was received, say). Two kinds of
share decide:

- a measured share of the report's totals (monitoring coverage, questions answered within the
  24-hour rule, removed posts handed to the registry in time, screenshots taken on time);
- the share of the report's accounts with no finding of the area's rules open at the end of the
  period. A rule belongs to the areas of its clauses (`AREAS[...].prefixes`), so a rule added later
  counts in its area without a change here.

The thresholds are settings, printed in the report beside each verdict, so a reader sees what
decided it. The screen, the CSV, the XLSX, the PDF and the API read the same `Answer`.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from monitoring.rules import RULES
from reports.figures import Period

MET, PARTLY, NOT_MET, NO_DATA = "met", "partly", "not_met", "no_data"
VERDICT_LABELS = {
    MET: _("Met"),
    PARTLY: _("Partly met"),
    NOT_MET: _("Not met"),
    NO_DATA: _("No data"),
}
VERDICT_CHOICES = list(VERDICT_LABELS.items())  # the API's enum (VerdictEnum)
ATTENTION_LIMIT = 10


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    # Clause prefixes whose rules count in the area ("MON" takes MON-1 and MON-2).
    prefixes: tuple[str, ...]
    # Measured shares of the report's totals that decide the area too: (totals key, label).
    measured: tuple[tuple[str, str], ...] = ()


AREAS: list[Area] = [
    Area(
        "starting",
        _("Starting an account"),
        ("START",),
        (("access_reviewed_on_time", _("Access reviewed on time")),),
    ),
    Area("purpose", _("Purpose and follow-up"), ("PURP",)),
    Area(
        "responsibility",
        _("Responsibility and cover"),
        ("RESP", "RES", "PRIV"),
        (("deputy_cover", _("Active days with a deputy")),),
    ),
    Area("monitoring", _("Monitoring"), ("MON",), (("coverage", _("Monitoring coverage")),)),
    Area("sender", _("Sender and information"), ("SEND", "INF", "ACC")),
    Area(
        "content",
        _("Content and answers"),
        ("CONT", "ANS", "MEDIA"),
        (("answered_within_rule", _("Answered within 24-hour rule")),),
    ),
    Area(
        "registration",
        _("Registration and archiving"),
        ("REC", "WEED"),
        (
            ("registered_in_time", _("Handed to registry in time")),
            ("screenshots_on_time_share", _("Screenshots on time")),
        ),
    ),
    Area("decommissioning", _("Decommissioning"), ("DECOM",)),
]

# The headline figures compared with the previous period: (totals key, label, kind, higher is better).
HEADLINES = [
    ("accounts", _("Accounts"), "int", None),
    ("coverage", _("Monitoring coverage"), "percent", True),
    ("days_missed", _("Days missed"), "int", False),
    ("days_without_deputy", _("Days without deputy"), "int", False),
    ("answered_within_rule", _("Answered within 24-hour rule"), "percent", True),
    ("registered_in_time", _("Handed to registry in time"), "percent", True),
    ("findings_open", _("Findings open at the end"), "int", False),
]


def rule_areas(rule_id: str) -> set[str]:
    """The areas a rule counts in, from the prefixes of its clauses ("MON-1, MON-2" → monitoring)."""
    rule = RULES.get(rule_id)
    if rule is None:
        return set()
    prefixes = {clause.strip().split("-")[0] for clause in rule.clauses.replace(";", ",").split(",") if clause.strip()}
    return {area.key for area in AREAS if prefixes & set(area.prefixes)}


def clean_share(accounts: int, with_findings: int) -> float | None:
    return None if not accounts else (accounts - with_findings) / accounts


def verdict_of(shares: list[float | None]) -> str:
    known = [s for s in shares if s is not None]
    if not known:
        return NO_DATA
    lowest = min(known)
    if lowest >= settings.REPORT_VERDICT_MET:
        return MET
    if lowest >= settings.REPORT_VERDICT_PARTLY:
        return PARTLY
    return NOT_MET


@dataclass(frozen=True)
class AreaVerdict:
    key: str
    title: str
    verdict: str
    # What decided it: (label, share) pairs; the lowest known one decides.
    figures: tuple[tuple[str, float | None], ...]
    previous: str | None = None

    @property
    def label(self):
        return VERDICT_LABELS[self.verdict]

    @property
    def previous_label(self):
        return VERDICT_LABELS[self.previous] if self.previous else ""


def _area_figures(area: Area, totals: dict, accounts_with_area_findings: dict[str, int]):
    figures = [(str(label), totals.get(key)) for key, label in area.measured]
    figures.append(
        (
            str(_("Accounts without an open finding of the area's rules")),
            clean_share(totals["accounts"], accounts_with_area_findings.get(area.key, 0)),
        )
    )
    return tuple(figures)


def area_verdicts(totals: dict, by_area: dict[str, int], previous: tuple[dict, dict] | None = None):
    """Every area's verdict for the report's totals and its accounts with open findings per area;
    with `previous` (the previous period's totals and counts) each carries the earlier verdict."""
    result = []
    for area in AREAS:
        figures = _area_figures(area, totals, by_area)
        earlier = None
        if previous is not None:
            earlier = verdict_of([share for _l, share in _area_figures(area, *previous)])
        result.append(AreaVerdict(area.key, str(area.title), verdict_of([s for _l, s in figures]), figures, earlier))
    return result


@dataclass(frozen=True)
class Trend:
    key: str
    label: str
    kind: str
    now: float | int | None
    before: float | int | None
    better: bool | None  # True: improved, False: worse, None: the same, not comparable or neutral

    @property
    def change(self):
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def arrow(self) -> str:
        change = self.change
        if change is None or change == 0:
            return "→"
        return "↑" if change > 0 else "↓"

    @property
    def direction(self):
        if self.better is None:
            return _("unchanged") if self.change == 0 else _("not comparable") if self.change is None else ""
        return _("better") if self.better else _("worse")


def trends(totals: dict, before: dict) -> list[Trend]:
    result = []
    for key, label, kind, higher_is_better in HEADLINES:
        now, earlier = totals.get(key), before.get(key)
        better = None
        if now is not None and earlier is not None and now != earlier and higher_is_better is not None:
            better = (now > earlier) == higher_is_better
        result.append(Trend(key, str(label), kind, now, earlier, better))
    return result


def previous_period(period: Period) -> Period:
    """The period of the same length just before: the previous half year for a half year, else
    the same number of days ending the day before the period starts."""
    start = period.start
    if start.day == 1 and start.month in (1, 7):
        half = Period.half_year(start.year, 1 if start.month == 1 else 2)
        if half == period:
            return Period.half_year(start.year - 1, 2) if start.month == 1 else Period.half_year(start.year, 1)
    last = start - datetime.timedelta(days=1)
    return Period(last - datetime.timedelta(days=period.days - 1), last)


@dataclass(frozen=True)
class Attention:
    account_id: int
    account: str
    unit: str
    why: str


def attention_items(candidates: list[tuple[dict, list[str]]]) -> list[Attention]:
    """The accounts needing attention first (ranked as the account table is), with why: the
    translated names of their open findings' rules, the monitoring coverage and the days missed.
    Accounts with nothing to say are left out."""
    items = []
    for row, open_rules in candidates:
        reasons = [str(RULES[rule].title) if rule in RULES else rule for rule in open_rules]
        if row["coverage"] is not None and row["coverage"] < settings.REPORT_VERDICT_MET:
            reasons.append(str(_("monitoring coverage %(share)d %%")) % {"share": round(row["coverage"] * 100)})
        if row["questions_overdue"]:
            n = row["questions_overdue"]
            reasons.append(ngettext("%(n)d question overdue", "%(n)d questions overdue", n) % {"n": n})
        if reasons:
            items.append(Attention(row["account_id"], row["account"], row["unit"], "; ".join(reasons)))
    return items


@dataclass(frozen=True)
class Answer:
    """What page 1 says: the verdict per area, the trend against the previous period and the
    accounts needing attention first."""

    period: Period
    previous_period: Period
    verdicts: list[AreaVerdict]
    trends: list[Trend]
    attention: list[Attention]

    @property
    def counts(self) -> dict[str, int]:
        return {v: sum(1 for a in self.verdicts if a.verdict == v) for v in (MET, PARTLY, NOT_MET, NO_DATA)}

    def thresholds(self) -> str:
        return str(
            _(
                "An area is met when its lowest figure is at least %(met)d %%, partly met from %(partly)d %%, "
                "not met below that."
            )
        ) % {"met": round(settings.REPORT_VERDICT_MET * 100), "partly": round(settings.REPORT_VERDICT_PARTLY * 100)}
