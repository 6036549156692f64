"""Temporary cover (MON-2, DECOM-2): the services that record and cancel it, and what it changes in
the coverage-gap and missed-monitoring rules, the check-in permission, the Today page and the
reminders."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring import permissions, reminders, selectors, services
from monitoring.choices import CoverMeasure
from monitoring.cover import cover_cancel, cover_needed, cover_record
from monitoring.models import CheckIn, Cover, Finding
from notifications.models import Notification
from notifications.services import notifications_send
from tests import factories
from tests.monitoring.helpers import DAY, at, compliant_account, deputy_of, owner_of, violators

pytestmark = pytest.mark.django_db

# Friday 1 May 2026, 09:00 in Stockholm; owner and deputy are both away 10–20 May.
NOW = at(2026, 5, 1, 9)
TODAY = NOW.date()
GAP_FIRST, GAP_LAST = datetime.date(2026, 5, 10), datetime.date(2026, 5, 20)


@pytest.fixture(autouse=True)
def english():
    """The messages are matched in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def gap():
    """An account that keeps every rule except coverage-gap: owner and deputy away 10–20 May."""
    account = compliant_account(NOW, platform=factories.platform("instagram"))
    factories.AbsenceFactory(person=owner_of(account), first_day=GAP_FIRST, last_day=GAP_LAST)
    factories.AbsenceFactory(person=deputy_of(account), first_day=GAP_FIRST, last_day=GAP_LAST)
    return account


def record(account, actor=None, measure=CoverMeasure.STAND_IN, first=GAP_FIRST, last=GAP_LAST, **kwargs):
    return cover_record(
        actor=actor or owner_of(account),
        account_id=account.pk,
        measure=measure,
        first_day=first,
        last_day=last,
        now=NOW,
        **kwargs,
    )


# --- recording cover --------------------------------------------------------------------------


def test_the_owner_names_a_stand_in_audited_and_the_stand_in_is_told(gap, django_capture_on_commit_callbacks):
    """MON-2: the owner names a colleague for the gap; the audit row records who and when, and the
    stand-in receives an e-mail."""
    colleague = factories.UserFactory(username="kollega")

    with django_capture_on_commit_callbacks(execute=True):
        cover = record(gap, stand_in=colleague, note="Semester")
    notifications_send()

    cover.refresh_from_db()
    assert (cover.measure, cover.stand_in, cover.first_day, cover.last_day) == (
        CoverMeasure.STAND_IN,
        colleague,
        GAP_FIRST,
        GAP_LAST,
    )
    event = AuditEvent.objects.for_object(gap).get(action="cover.record")
    assert event.after["stand_in"] == "kollega"
    assert event.after["first_day"] == GAP_FIRST.isoformat()
    [email] = [m for m in mail.outbox if m.to == [colleague.email]]
    assert gap.name in email.body


def test_the_responsible_manager_switches_comments_off_for_the_period(gap):
    """DECOM-2: the manager of the account's unit records comments switched off, with dates; no
    stand-in is kept and nobody is e-mailed."""
    cover = record(gap, actor=gap.unit.manager, measure=CoverMeasure.COMMENTS_OFF, stand_in=factories.UserFactory())

    assert (cover.measure, cover.stand_in) == (CoverMeasure.COMMENTS_OFF, None)
    assert AuditEvent.objects.for_object(gap).get(action="cover.record").actor == gap.unit.manager
    assert Notification.objects.count() == 0


def test_comments_off_is_refused_where_the_platform_cannot_switch_them_off():
    """DECOM-2 ("where the platform allows"): Flickr cannot switch comments off: refused, nothing
    recorded."""
    account = compliant_account(NOW, platform=factories.platform("flickr"))

    with pytest.raises(ApplicationError, match="Flickr"):
        record(account, measure=CoverMeasure.COMMENTS_OFF)

    assert Cover.objects.count() == 0
    assert not AuditEvent.objects.filter(action="cover.record").exists()


@pytest.mark.parametrize(
    ("who", "kwargs", "message"),
    [
        ("none", {}, "Name the stand-in"),
        ("deputy", {}, "other than"),
        ("left", {}, "works at KI"),
        ("colleague", {"first": TODAY - 5 * DAY, "last": TODAY - DAY}, "already ended"),
        ("colleague", {"first": GAP_LAST, "last": GAP_FIRST}, "before the first day"),
    ],
)
def test_a_cover_that_cannot_cover_is_refused(gap, who, kwargs, message):
    """MON-2: no stand-in, the account's own deputy, someone who has left KI, a period that has
    passed or runs backwards: a clear message and nothing recorded."""
    stand_in = {
        "none": None,
        "deputy": deputy_of(gap),
        "left": factories.UserFactory(left_on=TODAY - DAY),
        "colleague": factories.UserFactory(),
    }[who]

    with pytest.raises(ApplicationError, match=message):
        record(gap, stand_in=stand_in, **kwargs)

    assert Cover.objects.count() == 0


@pytest.mark.parametrize("who", ["deputy", "outsider", "auditor"])
def test_only_the_owner_or_the_manager_arranges_cover(gap, who, request):
    """MON-2: the deputy, other staff and auditors (who never write) cannot arrange cover."""
    actor = deputy_of(gap) if who == "deputy" else request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        record(gap, actor=actor, stand_in=factories.UserFactory())

    assert Cover.objects.count() == 0


def test_cancelling_a_cover_under_way_ends_it_yesterday_and_one_not_begun_is_removed(gap):
    """MON-2: the days a cover covered stay on record; a future one goes; both are audited."""
    running = record(gap, first=TODAY - 2 * DAY, last=TODAY + 2 * DAY, stand_in=factories.UserFactory())
    future = record(gap, stand_in=factories.UserFactory())

    cover_cancel(actor=owner_of(gap), cover_id=running.pk, now=NOW)
    cover_cancel(actor=owner_of(gap), cover_id=future.pk, now=NOW)

    running.refresh_from_db()
    assert running.last_day == TODAY - DAY
    assert list(Cover.objects.values_list("pk", flat=True)) == [running.pk]
    assert AuditEvent.objects.for_object(gap).filter(action="cover.cancel").count() == 2


def test_cancelling_tells_whoever_was_told_of_the_cover_once(gap, django_capture_on_commit_callbacks):
    """MON-2: the stand-in of a cancelled cover is e-mailed that they no longer monitor the account,
    with the dates (a future cover's period; a running one's last day, yesterday); a cover the
    communications department took tells the comms mailbox; comments off tells nobody."""
    running_stand_in, future_stand_in = factories.UserFactory(), factories.UserFactory()
    running = record(gap, first=TODAY - 2 * DAY, last=TODAY + 2 * DAY, stand_in=running_stand_in)
    future = record(gap, stand_in=future_stand_in)
    by_comms = record(gap, measure=CoverMeasure.COMMS, first=GAP_LAST + DAY, last=GAP_LAST + 3 * DAY)
    switched_off = record(gap, measure=CoverMeasure.COMMENTS_OFF, first=GAP_LAST + 5 * DAY, last=GAP_LAST + 6 * DAY)
    notifications_send()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for cover in (running, future, by_comms, switched_off):
            cover_cancel(actor=owner_of(gap), cover_id=cover.pk, now=NOW)
    notifications_send()

    assert sorted(Notification.objects.filter(kind="cover-cancelled").values_list("to_email", flat=True)) == sorted(
        [running_stand_in.email, future_stand_in.email, settings.COMMS_EMAIL]
    )
    [ended] = [m for m in mail.outbox if m.to == [running_stand_in.email]]
    assert gap.name in ended.subject
    # in the stand-in's language (Swedish, the default)
    assert "slutade 2026-04-30" in ended.body and "du bevakar inte längre kontot" in ended.body
    [removed] = [m for m in mail.outbox if m.to == [future_stand_in.email]]
    assert "från 2026-05-10 till 2026-05-20 har avbokats" in removed.body
    [comms] = [m for m in mail.outbox if m.to == [settings.COMMS_EMAIL]]
    assert "Täckningen av" in comms.subject  # the shared mailbox reads Swedish
    assert len(mail.outbox) == 3  # comments off: nobody was told of it, nobody is told now


# --- coverage-gap ---------------------------------------------------------------------------


def test_a_stand_in_for_every_gap_day_clears_the_coverage_gap(gap):
    """MON-2, RES-2: the rule counts the stand-in (the fix text's promise)."""
    assert violators("coverage-gap", NOW) == {gap.pk}

    record(gap, stand_in=factories.UserFactory())

    assert violators("coverage-gap", NOW) == set()


def test_comments_off_for_every_gap_day_clears_the_coverage_gap(gap):
    """DECOM-2: the gap rule does not fire for a day covered by comments off."""
    record(gap, measure=CoverMeasure.COMMENTS_OFF)

    assert violators("coverage-gap", NOW) == set()


def test_a_gap_day_no_cover_includes_is_still_a_coverage_gap(gap):
    """MON-2: a stand-in 10–15 and comments off 16–19 leave the 20th uncovered: still flagged."""
    record(gap, stand_in=factories.UserFactory(), last=datetime.date(2026, 5, 15))
    record(gap, measure=CoverMeasure.COMMENTS_OFF, first=datetime.date(2026, 5, 16), last=datetime.date(2026, 5, 19))

    assert violators("coverage-gap", NOW) == {gap.pk}


def test_another_accounts_cover_does_not_clear_a_gap(gap):
    """MON-2: a cover counts for its own account only."""
    other = compliant_account(NOW)
    record(other, stand_in=factories.UserFactory())

    assert violators("coverage-gap", NOW) == {gap.pk}


def test_the_coverage_calendar_shows_the_measure_of_a_covered_gap(gap):
    """MON-2, DECOM-2: a covered gap day shows its measure ("Comments off"), not "no one"."""
    record(gap, measure=CoverMeasure.COMMENTS_OFF, last=datetime.date(2026, 5, 15))

    calendar = selectors.coverage_calendar(gap, owner_of(gap), deputy_of(gap), today=TODAY, days=30)
    by_day = {d["day"]: d for d in calendar}

    assert str(by_day[GAP_FIRST]["cover"].label) == "Comments off"
    assert (by_day[GAP_FIRST]["gap"], by_day[GAP_FIRST]["covered_gap"]) == (False, True)
    assert by_day[datetime.date(2026, 5, 16)]["gap"] is True


@pytest.mark.parametrize("unavailable", ["away", "left", "deactivated"])
def test_a_stand_in_who_cannot_monitor_covers_nothing_on_those_days(gap, unavailable):
    """MON-2: a cover covers a day only if its stand-in can monitor it. A stand-in away 18–20 May
    (their own registered absence) leaves those gap days uncovered; one who leaves KI on the 18th
    (or whose login is deactivated) covers nothing from then on. The coverage-gap rule fires again
    and the account's calendar shows the gap and why."""
    stand_in = factories.UserFactory()
    record(gap, stand_in=stand_in)
    assert violators("coverage-gap", NOW) == set()
    if unavailable == "away":
        factories.AbsenceFactory(person=stand_in, first_day=datetime.date(2026, 5, 18), last_day=GAP_LAST)
    elif unavailable == "left":
        stand_in.left_on = datetime.date(2026, 5, 18)
        stand_in.save(update_fields=["left_on"])
    else:
        stand_in.is_active = False
        stand_in.save(update_fields=["is_active"])

    assert violators("coverage-gap", NOW) == {gap.pk}
    by_day = {d["day"]: d for d in selectors.coverage_calendar(gap, owner_of(gap), deputy_of(gap), today=TODAY)}
    last_covered = GAP_FIRST - DAY if unavailable == "deactivated" else datetime.date(2026, 5, 17)
    for day in (GAP_FIRST, datetime.date(2026, 5, 17), datetime.date(2026, 5, 18), GAP_LAST):
        covered = day <= last_covered
        assert (by_day[day]["gap"], by_day[day]["covered_gap"], by_day[day]["stand_in_away"]) == (
            not covered,
            covered,
            not covered,
        ), day


def test_a_stand_in_away_outside_the_gap_changes_nothing(gap):
    """MON-2: the stand-in's absence counts only on the days they were to cover."""
    stand_in = factories.UserFactory()
    record(gap, stand_in=stand_in)
    factories.AbsenceFactory(person=stand_in, first_day=GAP_LAST + DAY, last_day=GAP_LAST + 5 * DAY)

    assert violators("coverage-gap", NOW) == set()


# --- missed monitoring during comments off ----------------------------------------------------


def test_a_day_with_comments_off_is_not_missed_and_monitoring_resumes_the_day_after():
    """DECOM-2, MON-1: comments off 10–20 May and no check-in since the 9th. Not missed on the
    20th or the 21st (yesterday was switched off); missed on the 22nd: the 21st had no check-in."""
    account = compliant_account(NOW, platform=factories.platform("instagram"), checked_in_on=datetime.date(2026, 5, 9))
    record(account, measure=CoverMeasure.COMMENTS_OFF)

    assert account.pk not in violators("missed-monitoring", at(2026, 5, 20, 9))
    assert account.pk not in violators("missed-monitoring", at(2026, 5, 21, 9))
    assert account.pk in violators("missed-monitoring", at(2026, 5, 22, 9))


def test_a_stand_in_period_still_needs_daily_check_ins():
    """MON-2: a stand-in monitors; a day without a check-in is missed as any other."""
    account = compliant_account(NOW, checked_in_on=datetime.date(2026, 5, 9))
    record(account, stand_in=factories.UserFactory())

    assert account.pk in violators("missed-monitoring", at(2026, 5, 15, 9))


# --- the stand-in checks in and is reminded ---------------------------------------------------


def test_the_stand_in_may_check_in_only_during_the_period(gap):
    """MON-2: the stand-in checks in on the days of the cover, not before or after."""
    stand_in = factories.UserFactory()
    record(gap, stand_in=stand_in, first=TODAY, last=TODAY + DAY)

    assert permissions.can_check_in(stand_in, gap, TODAY)
    checkin, created = services.checkin_record(actor=stand_in, account=gap, now=NOW)
    assert (created, checkin.person) == (True, stand_in)
    with pytest.raises(NotAllowed):
        services.checkin_record(actor=stand_in, account=gap, now=NOW + 3 * DAY)
    assert CheckIn.objects.filter(account=gap, person=stand_in).count() == 1


def test_the_stand_in_sees_the_account_on_today_and_checks_in_all(gap):
    """MON-2: "Today" lists the accounts the user stands in for today; "all monitored" covers them."""
    stand_in = factories.UserFactory()
    record(gap, stand_in=stand_in, first=TODAY, last=TODAY)

    assert list(selectors.today_accounts(user=stand_in, now=NOW)) == [gap]
    assert services.checkins_record_all(actor=stand_in, now=NOW) == 1
    assert list(selectors.today_accounts(user=stand_in, now=NOW + DAY)) == []


def test_the_stand_in_receives_the_periods_missed_reminder():
    """MON-2: the stand-in of the day gets the reminder the keepers get; the comms mailbox gets the
    one for an account it covers; an account with comments off yesterday gets none (DECOM-2)."""
    morning = at(2026, 5, 13, 8)
    today = morning.date()
    stand_in = factories.UserFactory(username="vikarie")
    covered = compliant_account(morning, name="KI Vikarie", checked_in_on=today - 2 * DAY)
    by_comms = compliant_account(morning, name="KI Komm", checked_in_on=today - 2 * DAY)
    switched_off = compliant_account(
        morning, name="KI Av", checked_in_on=today - 2 * DAY, platform=factories.platform("instagram")
    )
    for account, measure, person in (
        (covered, CoverMeasure.STAND_IN, stand_in),
        (by_comms, CoverMeasure.COMMS, None),
        (switched_off, CoverMeasure.COMMENTS_OFF, None),
    ):
        Cover.objects.create(
            account=account, measure=measure, stand_in=person, first_day=today - 3 * DAY, last_day=today
        )

    counts = reminders.daily_reminders_queue(now=morning)
    notifications_send()

    assert counts["missed_accounts"] == 2
    [email] = [m for m in mail.outbox if m.to == [stand_in.email]]
    assert "KI Vikarie" in email.body and "KI Komm" not in email.body
    [comms_email] = [m for m in mail.outbox if m.to == [settings.COMMS_EMAIL]]
    assert "KI Komm" in comms_email.body
    assert "KI Vikarie" not in comms_email.body
    assert not any("KI Av" in m.body for m in mail.outbox)


# --- asking for cover -------------------------------------------------------------------------


def test_a_predicted_gap_asks_the_owner_and_the_manager_once_and_lists_it_in_their_to_do(gap):
    """MON-2, DECOM-2: an open coverage-gap finding e-mails the owner and the responsible manager
    (once however often the job runs) and puts the account in their to-do section; the deputy and
    other staff are not asked."""
    Finding.objects.create(account=gap, unit=gap.unit, rule="coverage-gap", opened_at=NOW, last_seen_at=NOW)
    owner, manager = owner_of(gap), gap.unit.manager

    first = reminders.cover_asks_queue()
    again = reminders.cover_asks_queue()
    notifications_send()

    assert (first, again) == (2, 0)
    assert {tuple(m.to) for m in mail.outbox} == {(owner.email,), (manager.email,)}
    for person in (owner, manager):
        key, _title, accounts, url_name, _counted = cover_needed(person)
        assert (key, list(accounts), url_name) == ("cover_needed", [gap], "monitoring:cover")
    assert list(cover_needed(deputy_of(gap))[2]) == []
    assert list(cover_needed(factories.UserFactory())[2]) == []


def test_the_asks_stop_once_the_gap_is_covered(gap):
    """MON-2: naming a stand-in clears the finding at the next sweep; nothing more is asked."""
    services.compliance_sweep(now=NOW)
    assert Finding.objects.filter(account=gap, rule="coverage-gap", resolved_at__isnull=True).exists()
    record(gap, stand_in=factories.UserFactory())

    services.compliance_sweep(now=NOW + datetime.timedelta(hours=1))

    assert not Finding.objects.filter(account=gap, rule="coverage-gap", resolved_at__isnull=True).exists()
    assert reminders.cover_asks_queue() == 0
    assert list(cover_needed(owner_of(gap))[2]) == []


def test_a_stand_in_does_not_get_the_ping_address(gap):
    """MON-2: the stand-in checks in, but the account's secret ping address (which outlives the
    cover) stays with its owner, deputy and comms."""
    stand_in = factories.UserFactory()
    record(gap, stand_in=stand_in, first=TODAY, last=TODAY)

    assert permissions.can_check_in(stand_in, gap, TODAY)
    assert not permissions.can_use_ping_address(stand_in, gap)
