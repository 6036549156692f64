import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncWeek

from accounts.models import SocialAccount
from accounts.selectors import social_account_list
from monitoring.models import CheckIn, Finding, PingKey
from monitoring.rules import RULES
from monitoring.services import MONITORED_STATUSES
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
        self.fix = rule.fix if rule else ""
        self.opened_at = finding.opened_at


def open_findings_by_account(account_ids) -> dict[int, list[OpenFinding]]:
    """Open findings of these accounts, in one query."""
    result: dict[int, list[OpenFinding]] = defaultdict(list)
    for finding in Finding.objects.filter(account_id__in=list(account_ids), resolved_at__isnull=True).order_by(
        "opened_at"
    ):
        result[finding.account_id].append(OpenFinding(finding))
    return result


def annotate_open_findings(accounts: list[SocialAccount]) -> None:
    """accounts.extensions list annotator: attach `open_findings` to each account of a page."""
    found = open_findings_by_account(a.pk for a in accounts)
    for account in accounts:
        account.open_findings = found.get(account.pk, [])


def today_accounts(*, user, now: datetime.datetime):
    """The accounts the user keeps that are monitored, with whether today is checked in and the
    day of the latest check-in (each a subquery on the account's (account, day) index, not a join
    over every check-in). The caller attaches the open findings to the page it shows
    (annotate_open_findings)."""
    today = local_day(now)
    checkins = CheckIn.objects.filter(account=OuterRef("pk"))
    return (
        SocialAccount.objects.held_by(user)
        .filter(status__in=MONITORED_STATUSES)
        .select_related("platform", "unit")
        .annotate(
            checked_today=Exists(checkins.filter(day=today)),
            last_checkin=Subquery(checkins.order_by("-day").values("day")[:1]),
        )
        .order_by("name", "id")
    )


def coverage_calendar(account: SocialAccount, owner, deputy, *, today: datetime.date, days: int = 30):
    """The next `days` days: who of owner and deputy is away, and the days both are (MON-2, RES-2)."""
    end = today + datetime.timedelta(days=days - 1)
    people = [p for p in (owner, deputy) if p is not None]
    absences = list(Absence.objects.filter(person__in=people, first_day__lte=end, last_day__gte=today))
    calendar = []
    for offset in range(days):
        day = today + datetime.timedelta(days=offset)
        away = {a.person_id for a in absences if a.first_day <= day <= a.last_day}
        owner_away = owner is not None and owner.pk in away
        deputy_away = deputy is not None and deputy.pk in away
        calendar.append(
            {"day": day, "owner_away": owner_away, "deputy_away": deputy_away, "gap": owner_away and deputy_away}
        )
    return calendar


def weekly_coverage(accounts, *, today: datetime.date, weeks: int) -> list[tuple[datetime.date, float | None]]:
    """Monitoring coverage per week (MON-1/2) for the last `weeks` weeks up to yesterday: days with
    a check-in divided by the accounts active during the week times its days. Two queries."""
    monday = today - datetime.timedelta(days=today.weekday())
    mondays = [monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    accounts = SocialAccount.objects.filter(pk__in=accounts, activated_at__isnull=False)
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


def compliance_overview(*, user, now: datetime.datetime, weeks: int = 8) -> dict:
    """Open findings by rule and by unit, and findings opened per week, over what the user may see."""
    visible = social_account_list(user=user)
    if not roles.sees_everything(user):
        # A manager's overview is their units' subtrees, not every public account of KI.
        visible = visible.filter(unit__in=Unit.objects.managed_by(user))
    visible = visible.values("pk")
    open_findings = Finding.objects.filter(resolved_at__isnull=True, account__in=visible)
    by_rule = {row["rule"]: row["n"] for row in open_findings.values("rule").annotate(n=Count("id"))}
    rules = [(rule, by_rule.get(rule_id, 0)) for rule_id, rule in RULES.items()]
    by_unit = list(
        open_findings.values("account__unit__pk", "account__unit__name")
        .annotate(n=Count("id"), accounts=Count("account", distinct=True))
        .order_by("-n", "account__unit__name")
    )
    since = now - datetime.timedelta(weeks=weeks)
    trend = list(
        Finding.objects.filter(account__in=visible, opened_at__gte=since)
        .annotate(week=TruncWeek("opened_at"))
        .values("week")
        .annotate(opened=Count("id"))
        .order_by("week")
    )
    resolved = {
        row["week"]: row["n"]
        for row in Finding.objects.filter(account__in=visible, resolved_at__gte=since)
        .annotate(week=TruncWeek("resolved_at"))
        .values("week")
        .annotate(n=Count("id"))
    }
    for row in trend:
        row["resolved"] = resolved.get(row["week"], 0)
    findings = open_findings.select_related("account__platform", "account__unit").order_by("rule", "opened_at")[:500]
    return {
        "rules": rules,
        "by_unit": by_unit,
        "trend": trend,
        "coverage": weekly_coverage(visible, today=local_day(now), weeks=weeks),
        "open_total": sum(by_rule.values()),
        "findings": [(f, OpenFinding(f)) for f in findings],
    }


def ping_key_of(account: SocialAccount) -> PingKey | None:
    """The account's ping address, if it has one: when it was made, not the address (its secret
    is not stored)."""
    return PingKey.objects.filter(account=account).first()
