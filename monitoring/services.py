"""Monitoring: check-ins (MON-1/2), ping addresses, follow-ups (PURP-3) and the compliance sweep."""

import datetime
import logging
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AccountStatus
from accounts.models import Assignment, SocialAccount
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from monitoring import permissions
from monitoring.choices import ACCESSIBILITY_QUESTIONS, AccessibilityAnswer, CheckInSource, RunStatus
from monitoring.coverage import stand_in_account_ids
from monitoring.models import CheckIn, CheckRun, Finding, FollowUp, PingKey, RuleEvaluation, new_ping_token
from monitoring.rules import RULES
from monitoring.subject_rules import subject_counts
from notifications.webhook_models import WebhookEvent
from notifications.webhooks import findings_event_items, subscribed_endpoints, webhook_events_queue
from org.calendar import local_day

logger = logging.getLogger(__name__)

# Accounts that can be checked in: those that exist on their platform.
SWEEP_JOB = "sweep_compliance"  # the CheckRun.job of compliance_sweep (health, overview)
MONITORED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.DECOMMISSIONING)


@contextmanager
def job_run(job: str, now: datetime.datetime | None = None):
    """Record a run of a periodic job (started, finished, counts, error): evidence that monitoring
    itself ran. Yields the counts dict for the job to fill.

    A run whose process died, or whose database went away under it (R4 in docs/reliability.md),
    cannot record its own failure and stays "running". The next run of the job closes such runs
    once they are older than the task time limit (no task runs longer), as failed."""
    now = now or timezone.now()
    CheckRun.objects.filter(
        job=job,
        status=RunStatus.RUNNING,
        started_at__lt=now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT),
    ).update(finished_at=now, status=RunStatus.FAILED, error="abandoned: the run ended without recording its end")
    run = CheckRun.objects.create(job=job, started_at=now)
    counts: dict = {}
    try:
        yield counts
    except Exception as exc:
        CheckRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), status=RunStatus.FAILED, counts=counts, error=repr(exc)[:4000]
        )
        raise
    CheckRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), status=RunStatus.OK, counts=counts)


def checkin_record(
    *,
    actor,
    account: SocialAccount,
    now: datetime.datetime | None = None,
    note: str = "",
    latest_post_on: datetime.date | None = None,
    source: str = CheckInSource.WEB,
    actor_repr: str | None = None,
) -> tuple[CheckIn, bool]:
    """Record that the account was monitored today (Stockholm). One check-in per account and day
    counts: a second one returns the first and records nothing (created=False)."""
    now = now or timezone.now()
    if actor is not None and not permissions.can_check_in(actor, account, local_day(now)):
        raise NotAllowed(_("Only the account's owner or deputy records its monitoring."))
    if account.status not in MONITORED_STATUSES:
        raise ApplicationError(_("Only active accounts are monitored."))
    day = local_day(now)
    if latest_post_on and latest_post_on > day:
        raise ApplicationError(_("The date of the latest post cannot be in the future."))
    existing = CheckIn.objects.filter(account=account, day=day).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                account=account,
                day=day,
                person=actor,
                person_repr=actor_repr or str(actor),
                source=source,
                note=note.strip()[:500],
                latest_post_on=latest_post_on,
            )
    except IntegrityError:  # two clicks at once: the other one got there first
        return CheckIn.objects.get(account=account, day=day), False
    return checkin, True


def kept_or_covered_by(user, day: datetime.date):
    """The accounts the user keeps (owner or deputy) or stands in for on `day` (MON-2).

    One ``pk IN (… UNION …)``, not two INs joined by OR: PostgreSQL reads the few accounts from
    the assignments and covers, where an OR made it walk every account in the page's order
    filtering each (issue 12)."""
    kept = Assignment.objects.current().filter(person=user).order_by().values("account")
    return SocialAccount.objects.filter(pk__in=kept.union(stand_in_account_ids(user, day).order_by()))


@transaction.atomic
def checkins_record_all(*, actor, now: datetime.datetime | None = None, note: str = "") -> int:
    """Check in every account the user currently keeps or stands in for ("all monitored today")."""
    accounts = kept_or_covered_by(actor, local_day(now or timezone.now())).filter(status__in=MONITORED_STATUSES)
    return sum(checkin_record(actor=actor, account=a, now=now, note=note)[1] for a in accounts)


@transaction.atomic
def ping_key_rotate(*, actor, account_id: int) -> tuple[PingKey, str]:
    """Give the account a ping address, or a new one; any old one answers 404 from now on (MON-1).

    Returns the key and its secret token: the secret exists only in this return value (the
    database keeps its SHA-256, like API tokens), so the caller shows the address once."""
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    if not permissions.can_use_ping_address(actor, account):
        raise NotAllowed(_("Only the account's owner or deputy may do this."))
    token = new_ping_token()
    key, created = PingKey.objects.update_or_create(account=account, defaults={"digest": PingKey.digest_of(token)})
    audit_record(actor=actor, target=account, action="ping.create" if created else "ping.rotate")
    return key, token


def ping_key_find(*, token: str) -> PingKey | None:
    """The ping address a secret token belongs to, or None (looked up by its SHA-256)."""
    return PingKey.objects.select_related("account").filter(digest=PingKey.digest_of(token)).first()


def ping_checkin(*, token: str, now: datetime.datetime | None = None) -> CheckIn | None:
    """A POST to the secret ping address. Returns None for an unknown token (the view answers 404)."""
    key = ping_key_find(token=token)
    if key is None:
        return None
    checkin, _created = checkin_record(
        actor=None, account=key.account, now=now, source=CheckInSource.PING, actor_repr="ping"
    )
    return checkin


@transaction.atomic
def follow_up_record(
    *,
    actor,
    account_id: int,
    period_end: datetime.date,
    figures: str,
    assessment: str,
    continue_account: bool = True,
    **answers: str,
) -> FollowUp:
    """The owner records the yearly follow-up against the goals (PURP-3), with the answers to the
    accessibility questions (ACC-1, ACC-2: `acc_alt_text`, `acc_captions`, `acc_plain_language`,
    `acc_on_ki_se`, each an AccessibilityAnswer); the manager is asked to acknowledge it."""
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    if not permissions.can_record_follow_up(actor, account):
        raise NotAllowed(_("Only the account's owner or deputy records its follow-up."))
    if not figures.strip() or not assessment.strip():
        raise ApplicationError(_("Give the figures and an assessment against the goals."))
    questions = {name for name, _question, _clause in ACCESSIBILITY_QUESTIONS}
    # The form asks every question; a caller that leaves one out records it as not answered.
    if set(answers) - questions or any(value not in AccessibilityAnswer.values for value in answers.values()):
        raise ApplicationError(_("Give a valid answer to each accessibility question (ACC-1, ACC-2)."))
    follow_up = FollowUp.objects.create(
        account=account,
        period_end=period_end,
        figures=figures.strip(),
        assessment=assessment.strip(),
        continue_account=continue_account,
        recorded_by=actor,
        **answers,
    )
    audit_record(
        actor=actor,
        target=account,
        action="follow_up.record",
        after={"period_end": period_end, "continue": continue_account, **answers},
    )
    return follow_up


@transaction.atomic
def follow_up_acknowledge(*, actor, follow_up_id: int) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=follow_up_id)
    if not permissions.can_acknowledge_follow_up(actor, follow_up.account):
        raise NotAllowed(_("Only a responsible manager acknowledges a follow-up."))
    if follow_up.acknowledged_at is None:
        follow_up.acknowledged_by, follow_up.acknowledged_at = actor, timezone.now()
        follow_up.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
        audit_record(actor=actor, target=follow_up.account, action="follow_up.acknowledge")
    return follow_up


def compliance_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Evaluate every rule and bring the findings in line: open what newly breaks a rule, resolve
    what no longer does, and record when each rule was evaluated (RuleEvaluation). Idempotent: a
    second run writes no finding, only the rules' evaluation times (MON-1: evidence that the
    rules were checked; RES-2: one open finding per account and rule).

    Set-based: per rule one query for the violators, one for the open findings and at most three
    bulk writes, whatever the number of accounts. A finding that stays open is not rewritten: its
    "last seen" is its rule's evaluation time (Finding.objects.with_last_seen()). Two sweeps at
    once cannot open a finding twice: each rule's transaction starts by locking the rule's
    RuleEvaluation row, so the second waits and then sees the first one's findings; the partial
    unique constraint (one open finding per account and rule) stays the last line of defence.
    """
    now = now or timezone.now()
    counts = {"opened": 0, "resolved": 0, "open": 0}
    with job_run(SWEEP_JOB, now) as run_counts:
        evaluated = dict(RuleEvaluation.objects.values_list("rule", "evaluated_at"))
        endpoints = {event: subscribed_endpoints(event) for event in FINDING_EVENTS}  # once per sweep
        for rule in RULES.values():
            violating = rule.violators(now)
            with transaction.atomic():
                # First record the evaluation: the upsert locks the rule's row until the commit, so
                # a concurrent sweep waits here and then reads the findings this one opened.
                RuleEvaluation.objects.bulk_create(  # one statement, on both databases
                    [RuleEvaluation(rule=rule.id, evaluated_at=now)],
                    update_conflicts=True,
                    unique_fields=["rule"],
                    update_fields=["evaluated_at"],
                )
                open_ids = set(
                    Finding.objects.filter(rule=rule.id, resolved_at__isnull=True)
                    .order_by()
                    .values_list("account_id", flat=True)
                )
                new = violating - open_ids
                cleared = sorted(open_ids - violating)
                # A resolved finding keeps the last time it was seen to hold: the rule's previous
                # evaluation (or when it was opened, if that is later).
                previous = evaluated.get(rule.id)
                last_seen = (
                    Greatest("last_seen_at", Value(previous)) if previous and previous < now else F("last_seen_at")
                )
                for i in range(0, len(cleared), 1000):  # bounded IN lists (SQLite's variable limit)
                    Finding.objects.filter(
                        rule=rule.id, resolved_at__isnull=True, account_id__in=cleared[i : i + 1000]
                    ).update(resolved_at=now, updated_at=now, last_seen_at=last_seen)
                opened = _findings_open(rule_id=rule.id, account_ids=new, now=now)
                _findings_webhooks(rule.id, opened=new, resolved=cleared, endpoints=endpoints)
            counts["opened"] += opened
            counts["resolved"] += len(cleared)
            counts["open"] += len(violating)
            run_counts[rule.id] = len(violating)
        # Rules about platforms, cases and other subjects open no findings: their counts are the
        # evidence that the sweep checked them (monitoring.subject_rules).
        for subject_rule, n in subject_counts(now):
            run_counts[subject_rule.id] = n
        run_counts.update(counts)
    return counts


FINDING_EVENTS = (WebhookEvent.FINDING_OPENED, WebhookEvent.FINDING_RESOLVED)


def _findings_webhooks(rule_id: str, *, opened, resolved, endpoints=None) -> None:
    """Tell the webhook endpoints of the findings a rule opened and resolved (issue 14), in the
    caller's transaction: at most two bulk inserts a rule, never a query per finding."""
    for event, ids in ((WebhookEvent.FINDING_OPENED, opened), (WebhookEvent.FINDING_RESOLVED, resolved)):
        chosen = endpoints[event] if endpoints else None  # None: webhook_events_queue looks them up
        # No endpoint for the event: the ids are not sorted into deliveries for nobody (the first
        # sweep's 259 478 at 100 000 accounts).
        if ids and chosen != []:
            webhook_events_queue(event, findings_event_items(rule_id, ids), endpoints=chosen)


def _findings_open(*, rule_id: str, account_ids: set[int], now: datetime.datetime) -> int:
    """Insert an open finding of the rule for each account, set-based; returns how many.

    The caller holds the rule's RuleEvaluation row lock and has read the open findings after
    taking it, so none of these accounts has one open: a concurrent sweep cannot race it (and if
    anything else did, the unique constraint would fail this rule's transaction, and the run,
    rather than open a finding twice: RES-2).

    On PostgreSQL one INSERT … SELECT … WHERE id = ANY(ids), whatever the number: the first sweep at
    100 000 accounts opens ~200 000 findings, and building a model instance for each took longer
    than the inserts; ON CONFLICT DO NOTHING, not needed under the lock, made them 40 % slower
    (docs/performance.md). Elsewhere (SQLite, the test suite) bulk_create, which means the same."""
    if not account_ids:
        return 0
    stamp = timezone.now()  # created_at/updated_at: wall-clock time, as auto_now would give
    if connection.vendor == "postgresql":
        meta = Finding._meta
        columns = ", ".join(
            meta.get_field(f).column
            for f in ("created_at", "updated_at", "account", "unit", "rule", "opened_at", "last_seen_at")
        )
        accounts = SocialAccount._meta
        with connection.cursor() as cursor:
            # The account's unit at the time comes from the same statement (issue 13). `= ANY`, not
            # a join to unnest(ids): PostgreSQL reads the accounts through the primary key, or for
            # tens of thousands scans them once against a hash of the array, where the join built
            # a hash of all 100 000 accounts for every rule (95 -> 35 ms at 50 000 ids, 68 -> 9 ms
            # at 5 000: docs/performance.md, change 15).
            cursor.execute(
                f"INSERT INTO {meta.db_table} ({columns}) "  # noqa: S608 (names from the model, values as parameters)
                f"SELECT %s, %s, acc.{accounts.pk.column}, acc.{accounts.get_field('unit').column}, %s, %s, %s "
                f"FROM {accounts.db_table} acc WHERE acc.{accounts.pk.column} = ANY(%s::bigint[])",
                # The ids as one array literal: adapting 100 000 ints one by one took seconds.
                [stamp, stamp, rule_id, now, now, "{" + ",".join(map(str, sorted(account_ids))) + "}"],
            )
            inserted = cursor.rowcount
            _check_foreign_keys_by_index(cursor, meta.db_table)
            return inserted
    units = dict(SocialAccount.objects.filter(pk__in=account_ids).values_list("pk", "unit_id"))
    Finding.objects.bulk_create(
        [
            Finding(account_id=a, unit_id=units.get(a), rule=rule_id, opened_at=now, last_seen_at=now)
            for a in account_ids
        ],
        batch_size=1000,
    )
    return len(account_ids)


def _check_foreign_keys_by_index(cursor, table: str) -> None:
    """Make the deferred foreign-key checks of the rows just inserted into `table` now, each
    through the referenced table's primary key (PostgreSQL).

    PostgreSQL checks a foreign key with one query per inserted row (deferred to the commit).
    For `unit` it plans that query as a sequential scan of org_unit, a few pages: every new
    finding then reads all the units, which took as long as the check of `account` and the
    unit's index together (docs/performance.md, change 12). The plan is made once a connection
    and kept, so the checks run here with sequential scans off and the connection's cached plans
    dropped (DISCARD PLANS: re-planned on their next use); then the setting is put back. The
    checks are the same; only their plan changes."""
    cursor.execute(
        "SELECT current_setting('enable_seqscan'), array_agg(quote_ident(conname)) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
        [table],
    )
    seqscan, constraints = cursor.fetchone()
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("DISCARD PLANS")
    if constraints:
        # Deferred again afterwards: rows the transaction writes later are checked at the commit.
        cursor.execute(f"SET CONSTRAINTS {', '.join(constraints)} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {', '.join(constraints)} DEFERRED")
    cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [seqscan])


# The rules a leaver's accounts break at once (RES-2): evaluated for just those accounts on commit.
LEAVER_RULES = ("no-owner", "no-deputy")


def findings_evaluate_accounts(
    *, account_ids, rule_ids=LEAVER_RULES, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Bring the findings of some rules in line for some accounts only, at once rather than at the
    next hourly sweep (issue 13: a leaver's accounts open no-owner / no-deputy when they leave).

    Set-based, like compliance_sweep: per rule its violators (one query, intersected with the
    accounts), their open findings (one query) and at most two bulk writes. It holds the rule's
    RuleEvaluation row lock as the sweep does, so the two cannot open a finding twice; it does not
    move the rule's evaluation time, since it looked at a few accounts only. Idempotent."""
    now = now or timezone.now()
    account_ids = set(account_ids)
    counts = {"opened": 0, "resolved": 0}
    if not account_ids:
        return counts
    for rule_id in rule_ids:
        rule = RULES[rule_id]
        violating = rule.violators(now) & account_ids
        with transaction.atomic():
            list(RuleEvaluation.objects.select_for_update().filter(rule=rule.id))
            open_ids = set(
                Finding.objects.filter(rule=rule.id, resolved_at__isnull=True, account_id__in=account_ids)
                .order_by()
                .values_list("account_id", flat=True)
            )
            cleared = open_ids - violating
            if cleared:
                Finding.objects.filter(rule=rule.id, resolved_at__isnull=True, account_id__in=cleared).update(
                    resolved_at=now, updated_at=now
                )
            counts["opened"] += _findings_open(rule_id=rule.id, account_ids=violating - open_ids, now=now)
            _findings_webhooks(rule.id, opened=violating - open_ids, resolved=cleared)
            counts["resolved"] += len(cleared)
    return counts


def leaver_findings_open(*, person, **_context) -> None:
    """org.extensions.person_left_hooks: once the leaver's transaction commits, evaluate no-owner
    and no-deputy for the accounts the person held (RES-2). `robust`: the change is committed
    already; should this fail, the hourly sweep opens the findings instead."""
    account_ids = list(
        Assignment.objects.current().filter(person=person).order_by().values_list("account_id", flat=True)
    )
    if account_ids:
        transaction.on_commit(partial(findings_evaluate_accounts, account_ids=account_ids), robust=True)
