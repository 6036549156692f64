"""The compliance sweep: opens findings, resolves cleared ones, changes nothing else on a second run,
records each run as a CheckRun, and runs a fixed number of queries whatever the number of accounts."""

import dataclasses
import datetime
import re
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from accounts.choices import Role
from accounts.models import Assignment
from monitoring import services
from monitoring.api import FindingSerializer
from monitoring.choices import RunStatus
from monitoring.models import CheckRun, Finding, RuleEvaluation
from monitoring.rules import RULES
from monitoring.subject_rules import SUBJECT_RULES
from org.calendar import local_day
from tests import factories
from tests.monitoring.helpers import DAY, MONITORING_RULES, assign, at, compliant_account, deputy_of, owner_of

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 13, 10, 5)


def open_findings():
    return {(f.account_id, f.rule) for f in Finding.objects.filter(resolved_at__isnull=True)}


def test_the_sweep_opens_a_finding_for_each_account_and_rule_it_breaks():
    """MON-1, MON-2, RES-2: a missed day and a missing deputy open one finding each; the compliant
    account gets none."""
    compliant_account(NOW)
    missed = compliant_account(NOW, checked_in_on=local_day(NOW) - 2 * DAY)
    no_deputy = compliant_account(NOW)
    Assignment.objects.filter(account=no_deputy, role=Role.DEPUTY).update(ended_at=NOW)

    counts = services.compliance_sweep(now=NOW)

    assert open_findings() == {(missed.pk, "missed-monitoring"), (no_deputy.pk, "no-deputy")}
    assert counts == {"opened": 2, "resolved": 0, "open": 2}
    assert set(Finding.objects.values_list("opened_at", flat=True)) == {NOW}


def finding_rows():
    """Every column of every finding, to show that a sweep wrote none of them."""
    return {f["id"]: f for f in Finding.objects.values()}


def test_sweeping_twice_changes_nothing_but_last_seen():
    """RES-2: the second run opens nothing, keeps the same Finding rows with the same opened_at, and
    only moves their "last seen" (MON-1), which it records per rule, not by rewriting each row."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    services.compliance_sweep(now=NOW)
    before = finding_rows()
    later = NOW + DAY / 24

    counts = services.compliance_sweep(now=later)

    assert finding_rows() == before  # no finding row written: not even last_seen_at or updated_at
    assert {f["rule"] for f in before.values()} >= {"no-owner", "no-deputy"}
    assert all(f["account_id"] == account.pk for f in before.values())
    assert counts["opened"] == 0
    assert counts["resolved"] == 0
    assert counts["open"] == len(before)
    assert set(Finding.objects.with_last_seen().values_list("last_seen", flat=True)) == {later}
    assert set(RuleEvaluation.objects.values_list("rule", "evaluated_at")) == {(rule, later) for rule in RULES}
    assert not Finding.objects.filter(resolved_at__isnull=False).exists()


def test_a_resolved_finding_keeps_the_last_sweep_that_saw_it():
    """MON-1, RES-2: a finding seen by three sweeps and resolved by the fourth was last seen by the
    third; an untouched open finding of another rule is seen by the fourth."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    hour = DAY / 24
    for k in range(3):
        services.compliance_sweep(now=NOW + k * hour)
    assign(account, factories.UserFactory(), Role.OWNER, since=NOW)

    services.compliance_sweep(now=NOW + 3 * hour)

    seen = dict(Finding.objects.with_last_seen().values_list("rule", "last_seen"))
    resolved = Finding.objects.get(rule="no-owner")
    assert resolved.resolved_at == NOW + 3 * hour
    assert resolved.last_seen_at == seen["no-owner"] == NOW + 2 * hour
    assert seen["no-deputy"] == NOW + 3 * hour
    assert Finding.objects.get(rule="no-deputy").last_seen_at == NOW  # stored once, when opened


def test_the_first_sweep_opens_exactly_the_violators_of_each_rule():
    """RES-2: the set-based insert (one INSERT … SELECT on PostgreSQL) opens one finding per
    violating account and rule, and none for the others; it does not double an open one."""
    unit = factories.UnitFactory()
    _accounts(8, unit)
    compliant = compliant_account(NOW, unit=unit)
    already = factories.FindingFactory(account=compliant, rule="no-owner", opened_at=NOW - DAY)

    counts = services.compliance_sweep(now=NOW)

    expected = {(a, rule_id) for rule_id, rule in RULES.items() for a in rule.violators(NOW)}
    assert open_findings() == expected
    assert (compliant.pk, "no-owner") not in expected
    already.refresh_from_db()
    assert already.resolved_at == NOW  # resolved, not opened again
    assert counts["opened"] == len(expected)
    opened = Finding.objects.filter(resolved_at__isnull=True)
    assert set(opened.values_list("opened_at", "last_seen_at").distinct()) == {(NOW, NOW)}


def test_a_check_in_resolves_the_finding_and_a_later_miss_opens_a_new_one():
    """MON-1, MON-2: the finding is resolved on the sweep after the check-in (kept as history), and
    the next missed day opens a new finding rather than reopening the old one."""
    account = compliant_account(NOW, checked_in_on=local_day(NOW) - 2 * DAY)
    services.compliance_sweep(now=NOW)
    first = Finding.objects.get(account=account, rule="missed-monitoring")

    services.checkin_record(actor=owner_of(account), account=account, now=NOW)
    fixed_at = NOW + DAY / 24
    counts = services.compliance_sweep(now=fixed_at)

    first.refresh_from_db()
    assert first.resolved_at == fixed_at
    assert counts == {"opened": 0, "resolved": 1, "open": 0}
    assert open_findings() == set()

    # Nobody checks in on the 14th or the 15th: on the 16th the 15th has passed unwatched.
    breach_at = at(2026, 5, 16, 10, 5)
    counts = services.compliance_sweep(now=breach_at)

    second = Finding.objects.get(account=account, rule="missed-monitoring", resolved_at__isnull=True)
    assert second.pk != first.pk
    assert second.opened_at == breach_at
    assert counts["opened"] == 1
    assert Finding.objects.filter(account=account, rule="missed-monitoring").count() == 2
    first.refresh_from_db()
    assert first.resolved_at == fixed_at


def test_the_database_allows_one_open_finding_per_account_and_rule():
    """RES-2: the partial unique constraint refuses a second open finding; resolved ones may repeat."""
    account = factories.SocialAccountFactory()
    factories.FindingFactory(account=account, rule="no-owner", resolved_at=NOW)
    factories.FindingFactory(account=account, rule="no-owner", resolved_at=NOW)
    factories.FindingFactory(account=account, rule="no-owner")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.FindingFactory(account=account, rule="no-owner")

    assert Finding.objects.filter(account=account, resolved_at__isnull=True).count() == 1
    factories.FindingFactory(account=account, rule="no-deputy")  # another rule is another finding


def test_an_open_finding_made_elsewhere_is_not_opened_twice():
    """RES-2: a finding already open (from an earlier run, or a concurrent one) is kept, not doubled."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    existing = factories.FindingFactory(account=account, rule="no-owner", opened_at=NOW - 5 * DAY)

    services.compliance_sweep(now=NOW)

    existing.refresh_from_db()
    assert Finding.objects.filter(account=account, rule="no-owner").get() == existing
    assert existing.opened_at == NOW - 5 * DAY
    assert Finding.objects.with_last_seen().get(pk=existing.pk).last_seen == NOW


def test_each_sweep_is_recorded_as_a_check_run_with_its_counts():
    """MON-1 (evidence that monitoring ran): one CheckRun per sweep, status ok, with the counts."""
    factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)

    counts = services.compliance_sweep(now=NOW)

    run = CheckRun.objects.get()
    assert run.job == "sweep_compliance"
    assert run.status == RunStatus.OK
    assert run.started_at == NOW
    assert run.finished_at is not None
    assert run.error == ""
    # The counts of the subject rules (monitoring.subject_rules: platforms, cases) are there too.
    assert run.counts == {**counts, **{rule_id: run.counts[rule_id] for rule_id in (*RULES, *SUBJECT_RULES)}}
    assert run.counts["no-owner"] == 1
    assert run.counts["open"] == sum(run.counts[rule_id] for rule_id in RULES)


def test_a_rule_that_raises_fails_the_run_and_propagates(monkeypatch):
    """MON-1: a broken rule must not look like a clean run: the CheckRun is failed with the error
    and the exception reaches the caller (Celery logs it)."""

    def broken(now):
        raise RuntimeError("the rule query broke")

    monkeypatch.setitem(RULES, "no-deputy", dataclasses.replace(RULES["no-deputy"], violators=broken))
    factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)

    with pytest.raises(RuntimeError, match="the rule query broke"):
        services.compliance_sweep(now=NOW)

    run = CheckRun.objects.get()
    assert run.status == RunStatus.FAILED
    assert "the rule query broke" in run.error
    assert run.finished_at is not None


def test_a_run_cut_off_without_recording_its_end_is_closed_as_failed_by_the_next_run(settings):
    """MON-1 (evidence that monitoring ran), R4: a sweep whose database restarted under it could
    not record its failure; once it is older than the task time limit the next sweep records it
    as failed, and a run still within the limit (perhaps still working) is left alone."""
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    cut = CheckRun.objects.create(job="sweep_compliance", started_at=NOW - limit - DAY)
    recent = CheckRun.objects.create(job="sweep_compliance", started_at=NOW - limit / 2)
    other_job = CheckRun.objects.create(job="daily_reminders", started_at=NOW - limit - DAY)

    services.compliance_sweep(now=NOW)

    cut.refresh_from_db()
    assert (cut.status, cut.finished_at) == (RunStatus.FAILED, NOW)
    assert "abandoned" in cut.error
    assert CheckRun.objects.get(pk=recent.pk).status == RunStatus.RUNNING
    assert CheckRun.objects.get(pk=other_job.pk).status == RunStatus.RUNNING


def _accounts(n: int, unit) -> None:
    """n accounts of two shapes that between them break every rule: every other one has nobody
    responsible; the others have an owner and a deputy who are both away today."""
    for i in range(n):
        if i % 2:
            factories.SocialAccountFactory(unit=unit, activated_at=NOW - 1000 * DAY)
            continue
        account = compliant_account(
            NOW, unit=unit, checked_in_on=None, snapshot_on=None, followed_up_at=None, sender_confirmed_at=None
        )
        for person in (owner_of(account), deputy_of(account)):
            factories.AbsenceFactory(person=person, first_day=local_day(NOW), last_day=local_day(NOW))


def _sweep_queries(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        services.compliance_sweep(now=now)
    return len(captured)


def test_the_sweep_is_set_based():
    """The sweep runs the same number of queries for 5 accounts and for 60, both when it opens the
    findings and when it only sees them again."""
    unit = factories.UnitFactory()
    _accounts(5, unit)
    small_first, small_again = _sweep_queries(NOW), _sweep_queries(NOW + DAY / 24)
    small_open = Finding.objects.count()
    Finding.objects.all().delete()

    _accounts(55, unit)
    large_first, large_again = _sweep_queries(NOW), _sweep_queries(NOW + DAY / 24)

    assert large_first == small_first
    assert large_again == small_again
    assert {f.rule for f in Finding.objects.all()} >= MONITORING_RULES
    assert Finding.objects.count() > small_open


def test_accounts_of_other_states_get_no_findings_and_lose_theirs():
    """RES-2: a finding of an account that is decommissioned since is resolved by the next sweep."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    services.compliance_sweep(now=NOW)
    assert Finding.objects.filter(account=account, resolved_at__isnull=True).exists()
    type(account).objects.filter(pk=account.pk).update(status="decommissioned")

    services.compliance_sweep(now=NOW + DAY)

    assert not Finding.objects.filter(account=account, resolved_at__isnull=True).exists()


def test_appointing_an_owner_resolves_only_that_rule():
    """RES-2: an owner appointed: no-owner is resolved, no-deputy stays open."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    services.compliance_sweep(now=NOW)
    assign(account, factories.UserFactory(), Role.OWNER, since=NOW)

    services.compliance_sweep(now=NOW + DAY / 24)

    assert Finding.objects.get(account=account, rule="no-owner").resolved_at == NOW + DAY / 24
    assert Finding.objects.get(account=account, rule="no-deputy").resolved_at is None


def test_the_api_shows_when_an_open_finding_was_last_seen():
    """MON-1: the API's last_seen_at of an open finding is the latest sweep, though the row was
    written only when the finding was opened."""
    account = factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    services.compliance_sweep(now=NOW)
    services.compliance_sweep(now=NOW + DAY)

    finding = Finding.objects.with_last_seen().get(account=account, rule="no-owner")

    assert finding.last_seen_at == NOW
    data = FindingSerializer(finding).data
    assert parse_datetime(data["last_seen_at"]) == NOW + DAY
    assert parse_datetime(data["opened_at"]) == NOW


def _plan(rule_id: str) -> str:
    """The PostgreSQL plan of a rule's query, with sequential scans discouraged: a table that can
    only be read whole still shows a Seq Scan."""
    with CaptureQueriesContext(connection) as captured:
        RULES[rule_id].violators(NOW)
    # inactive-channel reads the collectors' observations too (issue 17): a query each, all planned.
    selects = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in selects:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return "\n".join(plans)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads a PostgreSQL query plan (EXPLAIN)")
@pytest.mark.parametrize("rule_id", ["missed-monitoring", "inactive-channel"])
def test_the_check_in_rules_read_check_ins_through_an_index(rule_id):
    """MON-1, MON-2, DECOM-1: missed-monitoring reads only the last two days of check-ins through
    an index whose condition holds the day range (monitoring_checkin_day at scale; on a table this
    small the planner may take the (account, day) unique index per account, also a range), and
    inactive-channel the post dates through monitoring_checkin_post, so neither reads the whole
    check-in history (docs/performance.md, changes 3 and 6)."""
    account = compliant_account(NOW)
    factories.CheckInFactory(account=account, day=local_day(NOW) - 3 * DAY)

    plan = _plan(rule_id)

    assert "Seq Scan on monitoring_checkin" not in plan, plan
    if rule_id == "missed-monitoring":
        assert "monitoring_checkin_day" in plan or "monitoring_one_checkin_per_day" in plan, plan
        assert re.search(r"Index Cond: \(.*day >= ", plan), plan
    else:
        assert "monitoring_checkin_post" in plan, plan


def _table_scans(cursor, table: str) -> tuple[int, int]:
    """(sequential scans, index scans) of the table so far in this transaction."""
    cursor.execute(
        "SELECT coalesce(seq_scan, 0), coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables WHERE relname = %s",
        [table],
    )
    return cursor.fetchone() or (0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's table statistics")
def test_the_new_findings_foreign_keys_are_checked_through_the_primary_keys():
    """RES-2: the first sweep opens ~200 000 findings, and PostgreSQL checks each one's account
    and unit. For the unit, a table of a few pages, it plans that check as a sequential scan of
    every unit, once a connection; _findings_open checks them through the primary key instead,
    whatever plan the connection had cached, and leaves the setting and the deferral as they were
    (docs/performance.md, change 12)."""
    unit = factories.UnitFactory()
    accounts = [factories.SocialAccountFactory(unit=unit) for _ in range(6)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_unit")  # a few rows in a page: the planner picks a sequential scan
        # The connection checks a finding the default way first, and keeps that plan.
        factories.UnitFactory.create_batch(3)
        Finding.objects.create(account=accounts[0], unit=unit, rule="x", opened_at=NOW, last_seen_at=NOW)
        before = _table_scans(cursor, "org_unit")
        # Whether the planner picks the sequential scan by itself depends on the statistics the
        # earlier tests left: the connection is made to cache that plan, the case being fixed.
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("RESET enable_indexscan")
        cursor.execute("RESET enable_bitmapscan")
        default = _table_scans(cursor, "org_unit")
        assert default[0] > before[0], "the default plan reads the units sequentially (what is fixed)"

        opened = services._findings_open(rule_id="no-owner", account_ids={a.pk for a in accounts}, now=NOW)

        after = _table_scans(cursor, "org_unit")
        cursor.execute("SHOW enable_seqscan")
        seqscan = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'monitoring_finding'::regclass AND contype = 'f'"
        )
        keys = cursor.fetchone()[0]
    assert opened == 6
    assert Finding.objects.filter(rule="no-owner", unit=unit).count() == 6
    assert after[0] == default[0], "no sequential scan of the units"
    assert after[1] >= default[1] + 6, "each new finding's unit checked through the primary key"
    assert seqscan == "on"
    assert keys == 2
    # The checks are deferred again: a later row breaking a key is accepted until the commit
    # (deleted here again, so that the test's own check at its end passes).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_finding (created_at, updated_at, account_id, rule, opened_at, last_seen_at) "
            "VALUES (now(), now(), -1, 'y', now(), now())"
        )
    assert Finding.objects.filter(account_id=-1).delete()[0] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two sweeps on two connections; SQLite has one writer")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # serialized: keeps the migrations' platforms
def test_two_sweeps_at_once_both_succeed_and_open_each_finding_once(monkeypatch):
    """RES-2, MON-1: the new findings are inserted without ON CONFLICT; the rule's RuleEvaluation
    row, locked first in each rule's transaction, makes the second sweep wait and then see the
    first one's findings, so neither fails on the unique constraint. (Each insert is delayed, so
    that without the lock both sweeps would read the open findings before either commits.)"""
    for _ in range(10):
        factories.SocialAccountFactory(activated_at=NOW - 3 * DAY)
    insert = services._findings_open

    def slow_insert(**kwargs):
        if kwargs["account_ids"]:
            time.sleep(0.2)
        return insert(**kwargs)

    monkeypatch.setattr(services, "_findings_open", slow_insert)
    start, errors, results = threading.Barrier(2), [], []

    def sweep():
        try:
            start.wait()
            results.append(services.compliance_sweep(now=NOW))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert set(CheckRun.objects.values_list("status", flat=True)) == {RunStatus.OK}
    assert sum(r["opened"] for r in results) == Finding.objects.count() == len(open_findings()) >= 20
