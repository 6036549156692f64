"""Reminders and escalations. Detection here only queues outbox rows (notifications); delivery is
the outbox's job. Dedupe keys carry the person, the kind and the day, so a person gets at most one
reminder of each kind per day however often the job runs."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.choices import START_PAGE_KINDS, AccountStatus, Origin, Role
from accounts.models import Assignment, Snapshot, SocialAccount
from monitoring import coverage
from monitoring.cover import COVERAGE_GAP
from monitoring.models import CheckIn, Finding
from monitoring.rules import RULES, governed, snapshot_interval_days
from monitoring.services import job_run
from monitoring.subject_rules import subject_counts
from notifications.services import notification_queue
from org.calendar import day_start, is_working_day, local_day
from org.models import Unit


def _keepers_by_person(account_ids, days=()) -> dict[int, list[int]]:
    """person id -> ids of the accounts they currently keep (owner or deputy), among account_ids,
    and (MON-2) of those they stand in for on any of `days`: the stand-in gets the period's
    reminders."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = Assignment.objects.current().filter(account_id__in=account_ids).values_list("person_id", "account_id")
    for person_id, account_id in rows:
        result[person_id].append(account_id)
    for day in days:
        for person_id, ids in coverage.stand_ins_by_person(account_ids, day).items():
            result[person_id].extend(i for i in ids if i not in result[person_id])
    return result


def _queue_comms(kind: str, template: str, accounts: list, day, extra=None) -> int:
    """MON-2: the reminder for the accounts the communications department stands in for, to its
    shared mailbox (in Swedish), once a day."""
    if not accounts:
        return 0
    row = notification_queue(
        template=template,
        dedupe_key=f"{kind}:comms:{day.isoformat()}",
        to_email=settings.COMMS_EMAIL,
        language="sv",
        context={"accounts": accounts, "day": day, **(extra or {})},
        link=reverse("monitoring:today"),
    )
    return int(row is not None)


def _queue_per_person(
    kind: str, template: str, by_person: dict[int, list], day, extra=None, link: str = "monitoring:today"
) -> int:
    people = get_user_model().objects.in_bulk(list(by_person))
    queued = 0
    for person_id, accounts in by_person.items():
        person = people.get(person_id)
        if person is None or not person.is_active:
            continue
        row = notification_queue(
            template=template,
            dedupe_key=f"{kind}:{person_id}:{day.isoformat()}",
            recipient=person,
            context={"accounts": accounts, "day": day, **(extra or {})},
            link=reverse(link),
        )
        queued += row is not None
    return queued


def daily_reminders_queue(*, now: datetime.datetime | None = None) -> dict:
    """08:00: (1) owners and deputies of accounts not checked in yesterday (MON-1/2), one e-mail
    listing all of them; (2) start-page screenshots due within the notice period (REC-5)."""
    now = now or timezone.now()
    today = local_day(now)
    yesterday = today - datetime.timedelta(days=1)
    with job_run("daily_reminders", now) as counts:
        missed = (
            governed()
            .filter(activated_at__lt=day_start(yesterday))
            .exclude(Exists(CheckIn.objects.filter(account=OuterRef("pk"), day=yesterday)))
        )
        accounts = {a.pk: a for a in missed.select_related("platform")}
        # DECOM-2: an account whose comments were switched off yesterday missed nothing.
        for pk in coverage.comments_off_on(yesterday) & set(accounts):
            del accounts[pk]
        # MON-2: the stand-in of yesterday or today is reminded too.
        cover_days = (yesterday, today)
        by_person = {p: [accounts[i] for i in ids] for p, ids in _keepers_by_person(list(accounts), cover_days).items()}
        counts["missed_accounts"] = len(accounts)
        counts["missed_emails"] = _queue_per_person(
            "reminder-missed", "reminder-missed", by_person, today, {"yesterday": yesterday}
        )
        by_comms = [accounts[i] for i in coverage.covered_by_comms(list(accounts), today)]
        counts["missed_emails"] += _queue_comms(
            "reminder-missed", "reminder-missed", by_comms, today, {"yesterday": yesterday}
        )

        # Due when the latest start-page screenshot (or the activation, if none) is older than the
        # interval minus the notice period: i.e. due within the notice period, or overdue. The
        # interval is shorter on platforms whose content does not stay retrievable (REC-2).
        last_shot = Subquery(
            Snapshot.objects.filter(account=OuterRef("pk"), kind__in=START_PAGE_KINDS)
            .order_by("-taken_on")
            .values("taken_on")[:1]
        )
        due_soon = Q()
        for retrievable in (True, False):
            threshold = today + datetime.timedelta(
                days=settings.MONITORING_SNAPSHOT_NOTICE_DAYS - snapshot_interval_days(retrievable)
            )
            due_soon |= Q(platform__content_retrievable=retrievable) & (
                Q(last_shot__lte=threshold) | Q(last_shot__isnull=True, activated_at__lt=day_start(threshold))
            )
        due_qs = governed().annotate(last_shot=last_shot).filter(due_soon).select_related("platform")
        due = {}
        for account in due_qs:
            interval = datetime.timedelta(days=snapshot_interval_days(account.platform.content_retrievable))
            account.snapshot_due_on = (account.last_shot or local_day(account.activated_at)) + interval
            due[account.pk] = account
        by_person = {p: [due[i] for i in ids] for p, ids in _keepers_by_person(list(due), (today,)).items()}
        counts["snapshot_accounts"] = len(due)
        counts["snapshot_emails"] = _queue_per_person("reminder-snapshot", "reminder-snapshot", by_person, today)
        counts["cover_asks"] = cover_asks_queue()
    return counts


def cover_asks_queue() -> int:
    """MON-2, DECOM-2: a coverage gap is predicted within the look-ahead window and no cover is
    arranged for it (an open coverage-gap finding): ask the account's owner and the responsible
    manager of its unit to name a stand-in or switch comments off for the period. Once per
    person and finding (the dedupe key), however often the job runs; the to-do page lists the
    same accounts (monitoring.cover.cover_needed)."""
    findings = list(
        Finding.objects.filter(rule=COVERAGE_GAP, resolved_at__isnull=True).select_related(
            "account__platform", "account__unit"
        )
    )
    if not findings:
        return 0
    owners = dict(
        Assignment.objects.current()
        .filter(account_id__in=[f.account_id for f in findings], role=Role.OWNER)
        .values_list("account_id", "person_id")
    )
    managers = nearest_managers({f.account.unit_id for f in findings})
    wanted = {owners.get(f.account_id) for f in findings} | {managers.get(f.account.unit_id) for f in findings}
    people = get_user_model().objects.in_bulk([p for p in wanted if p])
    queued = 0
    for finding in findings:
        for person_id in {owners.get(finding.account_id), managers.get(finding.account.unit_id)}:
            person = people.get(person_id)
            if person is None or not person.is_active:
                continue
            row = notification_queue(
                template="cover-ask",
                dedupe_key=f"cover-ask:{person_id}:{finding.pk}",
                recipient=person,
                context={"account": finding.account},
                link=reverse("monitoring:cover", args=[finding.account_id]),
            )
            queued += row is not None
    return queued


def nearest_managers(unit_ids) -> dict[int, object]:
    """unit id -> the responsible manager of the unit or of the nearest unit above (RESP-1), from
    one query over the unit table."""
    units = {pk: (path, manager_id) for pk, path, manager_id in Unit.objects.values_list("pk", "path", "manager_id")}
    by_path = {path: manager_id for path, manager_id in units.values() if manager_id}
    result = {}
    for unit_id in unit_ids:
        path = units[unit_id][0]
        prefixes = sorted((p for p in by_path if path.startswith(p)), key=len, reverse=True)
        result[unit_id] = by_path[prefixes[0]] if prefixes else None
    return result


def escalations_queue(*, now: datetime.datetime | None = None) -> dict:
    """09:00 on working days: each finding open past the grace period goes, once, to the
    responsible manager of the account's unit (RESP-1); one e-mail per manager."""
    now = now or timezone.now()
    today = local_day(now)
    with job_run("escalations", now) as counts:
        if not is_working_day(today):
            counts["skipped"] = "not a working day"
            return counts
        grace = now - datetime.timedelta(days=settings.MONITORING_ESCALATION_GRACE_DAYS)
        findings = list(
            Finding.objects.filter(resolved_at__isnull=True, escalated_at__isnull=True, opened_at__lt=grace)
            .select_related("account__unit", "account__platform")
            .order_by("account__name")
        )
        managers = nearest_managers({f.account.unit_id for f in findings})
        by_manager: dict[int, list] = defaultdict(list)
        for finding in findings:
            finding.rule_info = RULES.get(finding.rule)
            manager_id = managers.get(finding.account.unit_id)
            if manager_id:
                by_manager[manager_id].append(finding)
        counts["findings"] = len(findings)
        counts["emails"] = _queue_per_person("escalation", "escalation", by_manager, today, link="monitoring:overview")
        escalated = [f.pk for fs in by_manager.values() for f in fs]
        for i in range(0, len(escalated), 1000):
            Finding.objects.filter(pk__in=escalated[i : i + 1000]).update(escalated_at=now)
    return counts


def weekly_digest_queue(*, now: datetime.datetime | None = None) -> dict:
    """Monday 07:00: the communications department's digest: requests of the past week, requests
    waiting, and open findings by rule and by unit (COMMS-1)."""
    now = now or timezone.now()
    week_ago = now - datetime.timedelta(days=7)
    with job_run("weekly_digest", now) as counts:
        new_requests = list(
            SocialAccount.objects.filter(origin=Origin.REQUEST, created_at__gte=week_ago)
            .exclude(status=AccountStatus.DRAFT)
            .select_related("platform", "unit")
            .order_by("created_at")
        )
        waiting = SocialAccount.objects.filter(
            status__in=(AccountStatus.AWAITING_MANAGER, AccountStatus.AWAITING_COMMS)
        ).count()
        open_findings = Finding.objects.filter(resolved_at__isnull=True)
        by_rule = [
            (RULES[row["rule"]] if row["rule"] in RULES else row["rule"], row["n"])
            for row in open_findings.values("rule").annotate(n=Count("id")).order_by("-n", "rule")
        ]
        by_unit = list(
            open_findings.values("account__unit__name").annotate(n=Count("id")).order_by("-n", "account__unit__name")
        )
        year, week, _weekday = local_day(now).isocalendar()
        row = notification_queue(
            template="weekly-digest",
            dedupe_key=f"weekly-digest:{year}-W{week:02d}",
            to_email=settings.COMMS_EMAIL,
            language="sv",
            context={
                "new_requests": new_requests,
                "waiting": waiting,
                "by_rule": by_rule,
                "by_unit": by_unit,
                "open_total": sum(n for _r, n in by_rule),
                "subject_rules": [(rule, n) for rule, n in subject_counts(now) if n],
            },
            link=reverse("monitoring:overview"),
        )
        counts.update(
            {
                "new_requests": len(new_requests),
                "open_findings": sum(n for _r, n in by_rule),
                "emails": int(row is not None),
            }
        )
    return counts
