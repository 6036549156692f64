"""Reminders, escalations and the weekly digest: what is queued, to whom, in which language, and that
a repeated run queues nothing new. Delivery is the outbox's (notifications_send)."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from accounts.choices import Role
from accounts.models import Assignment
from monitoring import reminders
from monitoring.models import CheckRun, Finding
from notifications.models import Notification
from notifications.services import notifications_send
from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account

pytestmark = pytest.mark.django_db

# 08:00 on Wednesday 13 May 2026, when the daily reminders run.
MORNING = at(2026, 5, 13, 8, 0)
TODAY = MORNING.date()


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def keepers():
    """An owner (Swedish) and a deputy (English) who keep three accounts not checked in yesterday,
    and a fourth that was."""
    owner = factories.UserFactory(username="owner", language="sv")
    deputy = factories.UserFactory(username="deputy", language="en")
    missed = [
        compliant_account(MORNING, owner=owner, deputy=deputy, name=name, checked_in_on=TODAY - 2 * DAY)
        for name in ("KI Alfa", "KI Beta", "KI Gamma")
    ]
    compliant_account(MORNING, owner=owner, deputy=deputy, name="KI Delta")
    return owner, deputy, missed


# --- missed monitoring (MON-1, MON-2) --------------------------------------------------------


def test_an_owner_gets_one_email_listing_every_account_missed_yesterday(keepers):
    """MON-1, MON-2: one e-mail per person however many accounts, listing all of them (and not the
    account that was checked in)."""
    owner, _deputy, _missed = keepers

    counts = reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert counts["missed_accounts"] == 3
    [email] = sent_to(owner.email)
    for name in ("KI Alfa", "KI Beta", "KI Gamma"):
        assert name in email.body
    assert "KI Delta" not in email.body


def test_the_deputy_gets_the_reminder_too(keepers):
    """MON-1, MON-2, RES-2: the deputy is reminded as well as the owner: two e-mails in all."""
    owner, deputy, _missed = keepers

    counts = reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert counts["missed_emails"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, deputy.email])
    assert all(name in sent_to(deputy.email)[0].body for name in ("KI Alfa", "KI Beta", "KI Gamma"))


def test_running_the_reminders_again_the_same_day_queues_nothing(keepers):
    """MON-1: the job may run twice (a retry, a second beat); a person gets one reminder a day."""
    reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    counts = reminders.daily_reminders_queue(now=MORNING.replace(hour=17))
    notifications_send()

    assert counts["missed_emails"] == 0
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_next_day_the_reminders_are_queued_again(keepers):
    """MON-1: still not checked in the next day: a new reminder."""
    reminders.daily_reminders_queue(now=MORNING)
    counts = reminders.daily_reminders_queue(now=MORNING + DAY)
    notifications_send()

    assert counts["missed_emails"] == 2
    assert Notification.objects.filter(kind="reminder-missed").count() == 4
    assert len(mail.outbox) == 4


def test_each_recipient_reads_the_reminder_in_their_own_language(keepers):
    """The deputy chose English, the owner Swedish (the default)."""
    owner, deputy, _missed = keepers

    reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert sent_to(deputy.email)[0].subject == "Not monitored yesterday: 3 accounts"
    assert sent_to(owner.email)[0].subject == "Inte bevakade i går: 3 konton"


def test_a_person_who_left_gets_no_reminder(keepers):
    """A deactivated user is not e-mailed."""
    owner, deputy, _missed = keepers
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert [m.to for m in mail.outbox] == [[deputy.email]]


def test_no_reminder_when_every_account_was_checked_in():
    """MON-1: nothing missed, nothing queued; the run is still recorded (a CheckRun, ok)."""
    compliant_account(MORNING)

    counts = reminders.daily_reminders_queue(now=MORNING)

    assert (counts["missed_emails"], counts["snapshot_emails"]) == (0, 0)
    assert Notification.objects.count() == 0
    assert CheckRun.objects.get(job="daily_reminders").status == "ok"


# --- start-page screenshots (REC-5) ----------------------------------------------------------


def test_a_screenshot_due_within_14_days_is_reminded_and_one_due_in_20_days_is_not():
    """REC-5: the notice period is MONITORING_SNAPSHOT_NOTICE_DAYS = 14 days before the 182-day
    interval ends."""
    owner = factories.UserFactory(username="owner")
    interval = settings.MONITORING_SNAPSHOT_INTERVAL_DAYS
    compliant_account(MORNING, owner=owner, name="KI Snart", snapshot_on=TODAY - (interval - 12) * DAY)
    compliant_account(MORNING, owner=owner, name="KI Senare", snapshot_on=TODAY - (interval - 20) * DAY)

    counts = reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert counts["snapshot_accounts"] == 1
    [email] = sent_to(owner.email)
    assert Notification.objects.get(to_email=owner.email).kind == "reminder-snapshot"
    assert "KI Snart" in email.body
    assert "KI Senare" not in email.body


def test_no_screenshot_reminder_for_a_snapshot_due_in_20_days():
    """REC-5: nothing to remind of yet; nothing is queued at all."""
    compliant_account(MORNING, snapshot_on=TODAY - (settings.MONITORING_SNAPSHOT_INTERVAL_DAYS - 20) * DAY)

    counts = reminders.daily_reminders_queue(now=MORNING)

    assert counts["snapshot_emails"] == 0
    assert Notification.objects.count() == 0


# --- escalations (RESP-1) --------------------------------------------------------------------

WEDNESDAY = at(2026, 6, 17, 9, 0)
SATURDAY = at(2026, 6, 20, 9, 0)
MIDSUMMER_EVE = at(2026, 6, 19, 9, 0)  # a Friday, but not a working day


@pytest.fixture
def escalation():
    """A department (manager `head`) with a division without a manager, and a unit nobody manages.
    Findings: old ones past the grace period, a fresh one, one already escalated, a resolved one."""
    grace = datetime.timedelta(days=settings.MONITORING_ESCALATION_GRACE_DAYS)
    head = factories.UserFactory(username="head", language="en")
    department = factories.UnitFactory(manager=head)
    division = factories.UnitFactory(parent=department)
    orphan_unit = factories.UnitFactory()
    old = factories.SocialAccountFactory(unit=division, name="KI Gammal")
    fresh = factories.SocialAccountFactory(unit=division, name="KI Ny")
    orphan = factories.SocialAccountFactory(unit=orphan_unit, name="KI Föräldralös")

    def finding(account, rule, opened_at, **kwargs):
        return factories.FindingFactory(account=account, rule=rule, opened_at=opened_at, **kwargs)

    long_ago = WEDNESDAY - grace - DAY
    return {
        "head": head,
        "old": finding(old, "no-owner", long_ago),
        "old_also": finding(old, "missed-monitoring", long_ago),
        "fresh": finding(fresh, "no-owner", WEDNESDAY - DAY),
        "done": finding(fresh, "no-deputy", long_ago, escalated_at=long_ago),
        "resolved": finding(fresh, "missed-monitoring", long_ago, resolved_at=WEDNESDAY - DAY),
        "orphan": finding(orphan, "no-owner", long_ago),
    }


def test_findings_past_the_grace_period_go_to_the_nearest_manager_once(escalation):
    """RESP-1: the division has no manager, so its findings go to the department's head, in one
    e-mail; they are marked escalated. Fresh, already escalated and resolved findings are not sent,
    and a finding with no manager anywhere above stays unescalated."""
    head = escalation["head"]

    counts = reminders.escalations_queue(now=WEDNESDAY)
    notifications_send()

    [email] = mail.outbox
    assert email.to == [head.email]
    assert email.subject == "2 findings need your attention"
    assert "KI Gammal" in email.body
    assert "KI Ny" not in email.body
    assert counts["emails"] == 1
    for key in ("old", "old_also"):
        escalation[key].refresh_from_db()
        assert escalation[key].escalated_at == WEDNESDAY
    for key in ("fresh", "orphan", "resolved"):
        escalation[key].refresh_from_db()
        assert escalation[key].escalated_at is None


def test_a_second_escalation_run_sends_nothing_new(escalation):
    """RESP-1: escalated findings are marked; the next working day's run does not send them again."""
    reminders.escalations_queue(now=WEDNESDAY)
    counts = reminders.escalations_queue(now=WEDNESDAY + DAY)
    notifications_send()

    assert counts["emails"] == 0
    assert len(mail.outbox) == 1


def test_a_unit_with_its_own_manager_escalates_to_that_manager():
    """RESP-1: the nearest responsible manager, not the one above."""
    head = factories.UserFactory(username="head")
    division_head = factories.UserFactory(username="division-head")
    division = factories.UnitFactory(parent=factories.UnitFactory(manager=head), manager=division_head)
    factories.FindingFactory(account=factories.SocialAccountFactory(unit=division), opened_at=WEDNESDAY - 10 * DAY)

    reminders.escalations_queue(now=WEDNESDAY)
    notifications_send()

    assert [m.to for m in mail.outbox] == [[division_head.email]]


@pytest.mark.parametrize("now", [SATURDAY, MIDSUMMER_EVE], ids=["saturday", "midsummer-eve"])
def test_no_escalations_on_a_day_that_is_not_a_working_day(now, escalation):
    """RESP-1: escalations go out on working days only (Act 1930:173: not Saturdays, and not
    Midsummer Eve, 19 June 2026); the run is still recorded."""
    counts = reminders.escalations_queue(now=now)
    notifications_send()

    assert counts == {"skipped": "not a working day"}
    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 0
    assert not Finding.objects.filter(escalated_at__isnull=False).exclude(pk=escalation["done"].pk).exists()
    assert CheckRun.objects.get(job="escalations").status == "ok"


# --- the weekly digest (COMMS-1) -------------------------------------------------------------


def test_the_weekly_digest_goes_to_the_communications_department_once_per_iso_week():
    """COMMS-1: Monday's digest once; a second run in the same ISO week sends nothing; the next
    week's is a new e-mail."""
    factories.FindingFactory()
    monday = at(2026, 6, 15, 7, 0)

    first = reminders.weekly_digest_queue(now=monday)
    same_week = reminders.weekly_digest_queue(now=monday + 3 * DAY)
    notifications_send()

    assert (first["emails"], same_week["emails"]) == (1, 0)
    [email] = mail.outbox
    assert email.to == [settings.COMMS_EMAIL]
    assert first["open_findings"] == 1

    next_week = reminders.weekly_digest_queue(now=monday + 7 * DAY)
    notifications_send()

    assert next_week["emails"] == 1
    assert [m.to for m in mail.outbox] == [[settings.COMMS_EMAIL]] * 2


def test_the_weekly_digest_keys_on_the_iso_week_across_new_year():
    """COMMS-1: 31 December 2026 and 1 January 2027 are both in ISO week 53 of 2026: one digest."""
    reminders.weekly_digest_queue(now=at(2026, 12, 31, 7, 0))
    counts = reminders.weekly_digest_queue(now=at(2027, 1, 1, 7, 0))

    assert counts["emails"] == 0
    assert Notification.objects.filter(kind="weekly-digest").count() == 1


def test_the_reminder_e_mails_name_the_keepers_accounts_only(keepers):
    """MON-1: the e-mail of one keeper does not list another keeper's accounts."""
    owner, _deputy, _missed = keepers
    other = compliant_account(MORNING, name="KI Annan", checked_in_on=None)

    reminders.daily_reminders_queue(now=MORNING)
    notifications_send()

    assert "KI Annan" not in sent_to(owner.email)[0].body
    other_owner = Assignment.objects.get(account=other, role=Role.OWNER).person
    assert "KI Annan" in sent_to(other_owner.email)[0].body
