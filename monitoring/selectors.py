import datetime
import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from accounts.models import SocialAccount
from core.pagination import page_of
from monitoring.choices import RunStatus, Severity
from monitoring.coverage import absent_days, stand_ins_unavailable
from monitoring.models import CheckIn, CheckRun, Cover, Finding, PingKey
from monitoring.rules import RULES
from monitoring.services import MONITORED_STATUSES, SWEEP_JOB, kept_or_covered_by
from org import roles
from org.calendar import day_start, local_day
from org.models import Absence, Unit


class OpenFinding:
    """A finding with its rule's catalogue entry, for display."""

    def __init__(self, finding: Finding):
        self.finding = finding
        rule = RULES.get(finding.rule)
        self.rule = finding.rule
        self.title = rule.title if rule else finding.rule
        self.clauses = rule.clauses if rule else ""
        self.severity = rule.severity if rule else ""
        self.severity_label = Severity(rule.severity).label if rule else ""
        self.fix = rule.fix if rule else ""
        self.opened_at = finding.opened_at


def open_findings_by_account(account_ids, columns=None) -> dict[int, list[OpenFinding]]:
    """Open findings of these accounts, in one query (only these ``columns`` of each finding if
    given: "account", "rule" and "opened_at" at least)."""
    result: dict[int, list[OpenFinding]] = defaultdict(list)
    findings = Finding.objects.filter(account_id__in=list(account_ids), resolved_at__isnull=True).order_by("opened_at")
    if columns:
        findings = findings.only(*columns)
    for finding in findings:
        result[finding.account_id].append(OpenFinding(finding))
    return result


# What a list shows of a finding: its rule's badge (includes/_rule_badge.html, core.html.rule_badge).
BADGE_COLUMNS = ("account", "rule", "opened_at")


def annotate_open_findings(accounts: list[SocialAccount]) -> None:
    """accounts.extensions list annotator: attach `open_findings` to each account of a page, for
    their rules' badges (only the columns the badges need: issue 12)."""
    found = open_findings_by_account((a.pk for a in accounts), columns=BADGE_COLUMNS)
    for account in accounts:
        account.open_findings = found.get(account.pk, [])


def today_accounts(*, user, now: datetime.datetime):
    """The accounts the user keeps, or stands in for today (MON-2), that are monitored, with
    whether today is checked in and the day of the latest check-in (a subquery on the account's
    (account, day) index, not a join over every check-in). Checked in today is "the latest
    check-in is today's" (a check-in is never dated later than the day it is made): an EXISTS of
    today's check-in was planned as a hash of every account's check-ins of the day, which grows
    with the inventory (issue 12). The caller attaches the open findings to the page it shows
    (annotate_open_findings)."""
    today = local_day(now)
    latest = CheckIn.objects.filter(account=OuterRef("pk")).order_by("-day").values("day")[:1]
    return (
        kept_or_covered_by(user, today)
        .filter(status__in=MONITORED_STATUSES)
        .select_related("platform", "unit")
        .annotate(last_checkin=Subquery(latest))
        .annotate(checked_today=Coalesce(ExpressionWrapper(Q(last_checkin__gte=today), BooleanField()), False))
        .order_by("name", "id")
    )


def coverage_calendar(account: SocialAccount, owner, deputy, *, today: datetime.date, days: int = 30):
    """The next `days` days: who of owner and deputy is away, the days both are (MON-2, RES-2),
    and the cover arranged for each day (a stand-in or comments off, MON-2, DECOM-2): a day both
    are away is a gap only when no cover includes it, as for the coverage-gap rule."""
    end = today + datetime.timedelta(days=days - 1)
    covers = list(Cover.objects.touching(today, end).filter(account=account).select_related("stand_in"))
    stand_ins = {(c.stand_in_id, c.stand_in.is_active, c.stand_in.left_on) for c in covers if c.stand_in_id}
    # One query for the absences of the owner, the deputy and the stand-ins.
    people = [p.pk for p in (owner, deputy) if p is not None] + [person for person, _a, _l in stand_ins]
    absences = list(Absence.objects.filter(person__in=people, first_day__lte=end, last_day__gte=today))
    away = absent_days([(a.person_id, a.first_day, a.last_day) for a in absences], today, end)
    unavailable = stand_ins_unavailable(stand_ins, away, today, end)
    calendar = []
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        away = {a.person_id for a in absences if a.first_day <= day <= a.last_day}
        owner_away = owner is not None and owner.pk in away
        deputy_away = deputy is not None and deputy.pk in away
        cover = next((c for c in covers if c.first_day <= day <= c.last_day), None)
        # MON-2: a stand-in who is away (or has left) that day covers nothing, as for the rule.
        stand_in_away = cover is not None and day in unavailable.get(cover.stand_in_id, ())
        covering = cover is not None and not stand_in_away
        both_away = owner_away and deputy_away
        calendar.append(
            {
                "day": day,
                "owner_away": owner_away,
                "deputy_away": deputy_away,
                "cover": cover,
                "stand_in_away": stand_in_away,
                "gap": both_away and not covering,
                "covered_gap": both_away and covering,
            }
        )
    return calendar


def weekly_coverage(accounts, *, today: datetime.date, weeks: int) -> list[tuple[datetime.date, float | None]]:
    """Monitoring coverage per week (MON-1/2) for the last `weeks` weeks up to yesterday: days with
    a check-in divided by the accounts active during the week times its days. Two queries, each an
    aggregate over `accounts` (a queryset of accounts), never a list of them in Python."""
    monday = today - datetime.timedelta(days=today.weekday())
    mondays = [monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    accounts = accounts.filter(activated_at__isnull=False)
    counts = accounts.aggregate(
        **{
            f"w{i}": Count(
                "pk",
                filter=Q(activated_at__lt=day_start(m + datetime.timedelta(days=7)))
                & ~Q(decommissioned_at__lt=day_start(m)),
            )
            for i, m in enumerate(mondays)
        }
    )
    checked = defaultdict(int)
    for day, n in (
        CheckIn.objects.filter(account__in=accounts, day__gte=mondays[0], day__lt=today)
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    ):
        checked[day - datetime.timedelta(days=day.weekday())] += n
    result = []
    for i, m in enumerate(mondays):
        days = min(7, (today - m).days)
        active_days = counts[f"w{i}"] * days
        result.append((m, checked[m] / active_days if active_days else None))
    return result


OVERVIEW_PAGE_SIZE = 50
OVERVIEW_CACHE_SECONDS = 3600
OVERVIEW_WEEKS = 8


def _overview_units(user):
    """The units a user's overview covers: None for those who see everything (no join with the
    accounts at all), a manager's units' subtrees otherwise (RESP-1)."""
    return None if roles.sees_everything(user) else Unit.objects.managed_by(user)


def overview_findings(*, user=None, units=None):
    """The open findings the user's compliance overview covers: every one for those who see
    everything; a manager's are their units' subtrees (RESP-1), not every public account of KI.
    For the first, no join with the accounts at all: the counts by rule are then read from the
    open-findings index alone. ``units`` (None: all) stands in for the user when there is none."""
    if user is not None:
        units = _overview_units(user)
    open_findings = Finding.objects.filter(resolved_at__isnull=True)
    return open_findings if units is None else open_findings.filter(account__unit__in=units)


def _overview_figures(*, units, now: datetime.datetime, weeks: int) -> dict:
    """The overview's aggregates (GROUP BY in SQL, nothing per account in Python): open findings
    by rule and by unit, findings opened and resolved per week, and the weekly coverage."""
    open_findings = overview_findings(units=units)
    by_rule = {row["rule"]: row["n"] for row in open_findings.order_by().values("rule").annotate(n=Count("*"))}
    by_unit = list(
        open_findings.values("account__unit__pk", "account__unit__name")
        .annotate(n=Count("*"), accounts=Count("account", distinct=True))
        .order_by("-n", "account__unit__name")
    )
    since = now - datetime.timedelta(weeks=weeks)
    all_findings = Finding.objects.all()
    accounts = SocialAccount.objects.all()
    if units is not None:
        all_findings = all_findings.filter(account__unit__in=units)
        accounts = accounts.filter(unit__in=units)
    trend = list(
        all_findings.filter(opened_at__gte=since)
        .annotate(week=TruncWeek("opened_at"))
        .values("week")
        .annotate(opened=Count("*"))
        .order_by("week")
    )
    resolved = {
        row["week"]: row["n"]
        for row in all_findings.filter(resolved_at__gte=since)
        .annotate(week=TruncWeek("resolved_at"))
        .values("week")
        .annotate(n=Count("*"))
    }
    for row in trend:
        row["resolved"] = resolved.get(row["week"], 0)
    return {
        "by_rule": by_rule,
        "by_unit": by_unit,
        "trend": trend,
        "coverage": weekly_coverage(accounts, today=local_day(now), weeks=weeks),
    }


def last_sweep() -> CheckRun | None:
    """The latest compliance sweep that finished (monitoring.services.compliance_sweep)."""
    return CheckRun.objects.filter(job=SWEEP_JOB, status=RunStatus.OK).order_by("-started_at").first()


def _cached_figures(*, units, managed, now: datetime.datetime, weeks: int) -> dict:
    """The overview's figures for one scope (``managed``: the paths of a manager's units; None
    for everything), from the cache when the latest sweep and the day are the same."""
    sweep = last_sweep()
    scope = "all" if managed is None else hashlib.sha256("|".join(sorted(managed)).encode()).hexdigest()[:16]
    key = f"monitoring:overview:{scope}:{sweep.pk if sweep else 0}:{local_day(now).isoformat()}:{weeks}"
    figures = cache.get(key)
    if figures is None:
        figures = _overview_figures(units=units, now=now, weeks=weeks)
        cache.set(key, figures, OVERVIEW_CACHE_SECONDS)
    return {**figures, "sweep": sweep}


def overview_warm(now: datetime.datetime | None = None) -> None:
    """Compute the whole-KI overview's figures into the cache right after a sweep, so that the
    first comms user or auditor to open the overview does not pay for them."""
    _cached_figures(units=None, managed=None, now=now or timezone.now(), weeks=OVERVIEW_WEEKS)


def compliance_overview(*, user, now: datetime.datetime, weeks: int = OVERVIEW_WEEKS, page=1) -> dict:
    """Open findings by rule and by unit, findings opened and resolved per week, the weekly
    coverage, and one page of the open findings, over what the user may see.

    The figures are aggregates in SQL, so the number of queries and the size of the answer do not
    grow with the accounts; but their time does (they count every open finding and a check-in per
    account and day). Findings change only when the sweep runs, and the coverage counts complete
    days, so the figures are kept in the cache for each scope until the next sweep or the next
    day, whichever is first (at most OVERVIEW_CACHE_SECONDS): the page then costs the same at
    1 000 accounts and at 100 000. The list of open findings is read live, a page
    (OVERVIEW_PAGE_SIZE) at a time, in the order of the open-findings index (rule, account)."""
    units = _overview_units(user)
    managed = None if units is None else roles.managed_unit_paths(user)
    figures = _cached_figures(units=units, managed=managed, now=now, weeks=weeks)
    sweep = figures["sweep"]
    by_rule = figures["by_rule"]
    open_total = sum(by_rule.values())
    # Counted already by the figures by rule: the page runs no second COUNT over every open finding.
    findings_page = page_of(
        overview_findings(units=units)
        .select_related("account__platform", "account__unit")
        .order_by("rule", "account_id"),
        page,
        per_page=OVERVIEW_PAGE_SIZE,
        count=open_total,
    )
    return {
        "rules": [(rule, by_rule.get(rule_id, 0)) for rule_id, rule in RULES.items()],
        "by_unit": figures["by_unit"],
        "trend": figures["trend"],
        "coverage": figures["coverage"],
        "open_total": open_total,
        "findings": [(f, OpenFinding(f)) for f in findings_page.object_list],
        "findings_page": findings_page,
        "sweep": sweep,
    }


def ping_key_of(account: SocialAccount) -> PingKey | None:
    """The account's ping address, if it has one: when it was made, not the address (its secret
    is not stored)."""
    return PingKey.objects.filter(account=account).first()
