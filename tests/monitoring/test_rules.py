"""One rule at a time, at a fixed `now` on the Stockholm clock: which accounts break it and which
do not. Every account starts from `compliant_account` (it keeps all rules) and the test breaks one
thing, so each assertion names exactly the accounts expected to break the rule."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.choices import AccountStatus, Role, SenderCheck, SnapshotKind
from accounts.models import Assignment, Platform
from monitoring import services
from monitoring.rules import RULES
from org.calendar import local_day
from tests import factories
from tests.monitoring.helpers import (
    DAY,
    MONITORING_RULES,
    assign,
    at,
    breaches,
    compliant_account,
    deputy_of,
    owner_of,
    violators,
)

pytestmark = pytest.mark.django_db

# An ordinary Wednesday morning in May (summer time), far from any DST change.
NOW = at(2026, 5, 13, 10, 0)
TODAY = local_day(NOW)


def test_the_compliant_account_breaks_no_rule():
    """RES-2, MON-1, MON-2, REC-5, PURP-3, SEND-1, SEND-2, INF-1, DECOM-1, RESP-1: the baseline every
    other test starts from keeps every rule of the catalogue."""
    account = compliant_account(NOW)

    assert breaches(account, NOW) == set()


def test_the_catalogue_holds_the_nine_rules_of_the_requirements():
    """The rule table of REQUIREMENTS.md (the rules monitoring itself owns), each citing its clauses."""
    expected = {
        "no-owner": "RES-2",
        "no-deputy": "RES-2",
        "coverage-gap": "MON-2, RES-2",
        "missed-monitoring": "MON-1, MON-2",
        "start-page-snapshot-overdue": "REC-5",
        "follow-up-overdue": "PURP-3",
        "sender-unverified": "SEND-1, SEND-2, INF-1",
        "inactive-channel": "DECOM-1",
        "manager-missing": "RESP-1",
    }

    assert set(expected) == MONITORING_RULES
    assert {rule_id: RULES[rule_id].clauses for rule_id in expected} == expected


# --- no-owner, no-deputy (RES-2) ---------------------------------------------------------------


def test_an_account_whose_owner_left_has_no_owner():
    """RES-2: the owner's assignment ended (ended_at set) and nobody took over: no-owner."""
    kept = compliant_account(NOW)
    left = compliant_account(NOW)
    Assignment.objects.filter(account=left, role=Role.OWNER).update(ended_at=NOW - 5 * DAY)

    assert violators("no-owner", NOW) == {left.pk}
    assert kept.pk not in violators("no-owner", NOW)


def test_an_account_whose_owner_was_replaced_has_an_owner():
    """RES-2: an ended assignment followed by a current one is an account with an owner."""
    account = compliant_account(NOW)
    Assignment.objects.filter(account=account, role=Role.OWNER).update(ended_at=NOW - 5 * DAY)
    assign(account, factories.UserFactory(), Role.OWNER, since=NOW - 5 * DAY)

    assert violators("no-owner", NOW) == set()


def test_an_account_that_never_had_an_owner_breaks_no_owner():
    """RES-2: an active account without any owner assignment."""
    account = factories.SocialAccountFactory(activated_at=NOW - 100 * DAY)
    assign(account, factories.UserFactory(), Role.DEPUTY, since=NOW - 100 * DAY)

    assert violators("no-owner", NOW) == {account.pk}
    assert violators("no-deputy", NOW) == set()


def test_an_owner_whose_user_account_was_deactivated_counts_as_gone():
    """RES-2: an owner who left KI (their user deactivated, is_active False) cannot watch the
    account; until someone ends the assignment the account still has no owner in fact."""
    kept = compliant_account(NOW)
    gone = compliant_account(NOW)
    owner = owner_of(gone)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert violators("no-owner", NOW) == {gone.pk}
    assert kept.pk not in violators("no-owner", NOW)


def test_an_account_whose_deputy_assignment_ended_has_no_deputy():
    """RES-2: the deputy's assignment ended (ended_at set): no-deputy, while the owner still counts."""
    kept = compliant_account(NOW)
    ended = compliant_account(NOW)
    Assignment.objects.filter(account=ended, role=Role.DEPUTY).update(ended_at=NOW - DAY)

    assert violators("no-deputy", NOW) == {ended.pk}
    assert violators("no-owner", NOW) == set()
    assert kept.pk not in violators("no-deputy", NOW)


def test_a_deputy_whose_user_account_was_deactivated_counts_as_gone():
    """RES-2: a deputy who left KI (is_active False) is no deputy."""
    gone = compliant_account(NOW)
    deputy = deputy_of(gone)
    deputy.is_active = False
    deputy.save(update_fields=["is_active"])

    assert violators("no-deputy", NOW) == {gone.pk}


def test_the_deputy_cannot_be_the_owner():
    """RES-2 ("or the deputy is the owner"): the database refuses the same person in both current
    roles, which is why the no-deputy rule need not look for it."""
    account = compliant_account(NOW)
    owner = owner_of(account)
    Assignment.objects.filter(account=account, role=Role.DEPUTY).update(ended_at=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        assign(account, owner, Role.DEPUTY, since=NOW)


# --- coverage-gap (MON-2, RES-2) -------------------------------------------------------------


def away(person, first: datetime.date, last: datetime.date):
    return factories.AbsenceFactory(person=person, first_day=first, last_day=last)


def test_owner_and_deputy_away_on_one_shared_day_in_the_window_is_a_coverage_gap():
    """MON-2, RES-2: owner away 10–20, deputy 20–25 of next month: they overlap on one day (the
    20th), inside the 30-day look-ahead window: flagged."""
    now = at(2026, 5, 1, 9)
    gap = compliant_account(now)
    covered = compliant_account(now)
    away(owner_of(gap), datetime.date(2026, 5, 10), datetime.date(2026, 5, 20))
    away(deputy_of(gap), datetime.date(2026, 5, 20), datetime.date(2026, 5, 25))
    # Back to back, not overlapping: somebody is always there.
    away(owner_of(covered), datetime.date(2026, 5, 10), datetime.date(2026, 5, 19))
    away(deputy_of(covered), datetime.date(2026, 5, 20), datetime.date(2026, 5, 25))

    assert violators("coverage-gap", now) == {gap.pk}


@pytest.mark.parametrize(
    ("days_ahead", "flagged"),
    [(0, True), (29, True), (31, False), (40, False)],
)
def test_a_coverage_gap_counts_only_inside_the_look_ahead_window(days_ahead, flagged):
    """MON-2, RES-2: a one-day overlap today or 29 days ahead is flagged; 31 days ahead (beyond
    MONITORING_COVERAGE_LOOKAHEAD_DAYS = 30) is not yet."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    overlap = local_day(now) + datetime.timedelta(days=days_ahead)
    away(owner_of(account), overlap - 5 * DAY, overlap)
    away(deputy_of(account), overlap, overlap + 5 * DAY)

    assert violators("coverage-gap", now) == ({account.pk} if flagged else set())


def test_a_coverage_gap_in_the_past_is_not_flagged():
    """MON-2, RES-2: both were away on the same day last month; that is over."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    away(owner_of(account), datetime.date(2026, 4, 10), datetime.date(2026, 4, 20))
    away(deputy_of(account), datetime.date(2026, 4, 20), datetime.date(2026, 4, 25))

    assert violators("coverage-gap", now) == set()


def test_a_coverage_gap_lasts_until_midnight_in_stockholm():
    """MON-2, RES-2: the only shared day is 20 May. At 23:59 that day it is still a gap; at 00:01 on
    the 21st (still the 20th in UTC) it is over."""
    account = compliant_account(at(2026, 5, 1))
    away(owner_of(account), datetime.date(2026, 5, 10), datetime.date(2026, 5, 20))
    away(deputy_of(account), datetime.date(2026, 5, 20), datetime.date(2026, 5, 25))
    just_after = at(2026, 5, 21, 0, 1)
    assert just_after.astimezone(datetime.UTC).date() == datetime.date(2026, 5, 20)

    assert violators("coverage-gap", at(2026, 5, 20, 23, 59)) == {account.pk}
    assert violators("coverage-gap", just_after) == set()


def test_an_owner_away_for_the_whole_window_and_a_deputy_away_for_a_day_is_a_gap():
    """MON-2, RES-2: one long absence and one short one inside it."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    away(owner_of(account), datetime.date(2026, 4, 1), datetime.date(2026, 7, 1))
    away(deputy_of(account), datetime.date(2026, 5, 14), datetime.date(2026, 5, 14))

    assert violators("coverage-gap", now) == {account.pk}


def test_only_the_absence_that_overlaps_counts():
    """MON-2, RES-2: the owner has two absences; the deputy's overlaps only the later one."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    away(owner_of(account), datetime.date(2026, 5, 2), datetime.date(2026, 5, 3))
    away(owner_of(account), datetime.date(2026, 5, 20), datetime.date(2026, 5, 22))
    away(deputy_of(account), datetime.date(2026, 5, 22), datetime.date(2026, 5, 24))

    assert violators("coverage-gap", now) == {account.pk}


def test_the_absence_of_a_former_deputy_is_no_coverage_gap():
    """MON-2, RES-2: the deputy whose assignment ended is away with the owner, but the current
    deputy is there."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    former = deputy_of(account)
    Assignment.objects.filter(account=account, role=Role.DEPUTY).update(ended_at=now - DAY)
    assign(account, factories.UserFactory(), Role.DEPUTY, since=now - DAY)
    away(owner_of(account), datetime.date(2026, 5, 10), datetime.date(2026, 5, 20))
    away(former, datetime.date(2026, 5, 10), datetime.date(2026, 5, 20))

    assert violators("coverage-gap", now) == set()


def test_an_owner_away_without_a_deputy_is_not_a_coverage_gap_but_no_deputy():
    """MON-2, RES-2: with no deputy at all, no-deputy is the finding, not a coverage gap."""
    now = at(2026, 5, 1, 9)
    account = compliant_account(now)
    Assignment.objects.filter(account=account, role=Role.DEPUTY).update(ended_at=now - DAY)
    away(owner_of(account), datetime.date(2026, 5, 10), datetime.date(2026, 5, 20))

    assert violators("coverage-gap", now) == set()
    assert violators("no-deputy", now) == {account.pk}


# --- missed-monitoring (MON-1, MON-2) --------------------------------------------------------


def test_a_check_in_at_2359_still_counts_at_0030_the_next_day():
    """MON-1, MON-2: checked in at 23:59 on the 13th; at 00:30 on the 14th yesterday is covered. At
    00:30 on the 15th the whole 14th passed without a check-in: flagged."""
    account = compliant_account(at(2026, 5, 13), checked_in_on=None)
    services.checkin_record(actor=owner_of(account), account=account, now=at(2026, 5, 13, 23, 59))

    assert violators("missed-monitoring", at(2026, 5, 14, 0, 30)) == set()
    assert violators("missed-monitoring", at(2026, 5, 14, 23, 59, 59)) == set()
    assert violators("missed-monitoring", at(2026, 5, 15, 0, 0)) == {account.pk}
    assert violators("missed-monitoring", at(2026, 5, 15, 0, 30)) == {account.pk}


def test_a_check_in_two_days_ago_only_is_a_missed_day():
    """MON-1, MON-2: the last check-in was the day before yesterday; yesterday passed unwatched."""
    watched = compliant_account(NOW)
    missed = compliant_account(NOW, checked_in_on=TODAY - 2 * DAY)

    assert violators("missed-monitoring", NOW) == {missed.pk}
    assert watched.pk not in violators("missed-monitoring", NOW)


def test_a_check_in_today_covers_a_missed_yesterday():
    """MON-1, MON-2: nobody checked yesterday but someone has today: the rule looks at yesterday or
    today, so the account is fine once it is watched again."""
    account = compliant_account(NOW, checked_in_on=TODAY)

    assert account.pk not in violators("missed-monitoring", NOW)
    assert violators("missed-monitoring", NOW) == set()


def test_an_account_activated_today_has_missed_nothing():
    """MON-1, MON-2: activated this morning (or yesterday) there was no whole day to miss."""
    today = compliant_account(NOW, activated_at=NOW - datetime.timedelta(hours=2), checked_in_on=None)
    yesterday = compliant_account(NOW, activated_at=NOW - datetime.timedelta(hours=30), checked_in_on=None)
    before = compliant_account(NOW, activated_at=at(2026, 5, 11, 23, 30), checked_in_on=None)

    assert violators("missed-monitoring", NOW) == {before.pk}
    assert not {today.pk, yesterday.pk} & violators("missed-monitoring", NOW)


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(at(2026, 3, 29, 1, 30), id="spring-before-the-change"),
        pytest.param(at(2026, 3, 29, 3, 30), id="spring-after-the-change"),
        pytest.param(at(2026, 3, 29, 23, 59), id="spring-last-minute"),
    ],
)
def test_missed_monitoring_on_the_day_the_clocks_go_forward(now):
    """MON-1, MON-2: 29 March 2026 has 23 hours. Checked in on the 28th: fine on the 29th whatever
    the hour; checked in on the 27th only: the 28th was missed."""
    fine = compliant_account(now, checked_in_on=datetime.date(2026, 3, 28))
    missed = compliant_account(now, checked_in_on=datetime.date(2026, 3, 27))

    assert violators("missed-monitoring", now) == {missed.pk}
    assert fine.pk not in violators("missed-monitoring", now)


@pytest.mark.parametrize("fold", [0, 1], ids=["first-0230", "second-0230"])
def test_missed_monitoring_at_0230_on_the_day_the_clocks_go_back(fold):
    """MON-1, MON-2: 25 October 2026 02:30 happens twice. Checked in on the 24th: fine at both;
    checked in on the 23rd only: the 24th was missed."""
    now = at(2026, 10, 25, 2, 30, fold=fold)
    fine = compliant_account(now, checked_in_on=datetime.date(2026, 10, 24))
    missed = compliant_account(now, checked_in_on=datetime.date(2026, 10, 23))

    assert violators("missed-monitoring", now) == {missed.pk}
    assert fine.pk not in violators("missed-monitoring", now)


def test_an_account_activated_in_the_short_night_of_the_spring_change_has_a_full_day_next():
    """MON-1, MON-2: activated at 00:30 on 29 March (a 23-hour day): not flagged on the 30th (the
    29th was not a whole day for it), flagged on the 31st without a check-in on the 30th."""
    account = compliant_account(at(2026, 3, 29), activated_at=at(2026, 3, 29, 0, 30), checked_in_on=None)

    assert violators("missed-monitoring", at(2026, 3, 30, 10)) == set()
    assert violators("missed-monitoring", at(2026, 3, 31, 10)) == {account.pk}


# --- start-page-snapshot-overdue (REC-5) -----------------------------------------------------


def test_a_start_page_screenshot_181_days_old_is_fine_and_183_days_old_is_overdue():
    """REC-5: the interval is MONITORING_SNAPSHOT_INTERVAL_DAYS = 182 days."""
    fresh = compliant_account(NOW, snapshot_on=TODAY - 181 * DAY)
    stale = compliant_account(NOW, snapshot_on=TODAY - 183 * DAY)

    assert violators("start-page-snapshot-overdue", NOW) == {stale.pk}
    assert fresh.pk not in violators("start-page-snapshot-overdue", NOW)


def test_only_start_page_screenshots_count_for_rec_5():
    """REC-5: a recent screenshot of a removed post is not a screenshot of the start page; one taken
    before a major change is."""
    removed_post = compliant_account(NOW, snapshot_on=None)
    factories.SnapshotFactory(account=removed_post, kind=SnapshotKind.REMOVED_POST, taken_on=TODAY)
    before_change = compliant_account(NOW, snapshot_on=None)
    factories.SnapshotFactory(account=before_change, kind=SnapshotKind.BEFORE_CHANGE, taken_on=TODAY - 3 * DAY)

    assert violators("start-page-snapshot-overdue", NOW) == {removed_post.pk}


def test_a_new_account_has_six_months_for_its_first_screenshot():
    """REC-5: counted from activation: 100 days active without a screenshot is fine, 183 is not."""
    new = compliant_account(NOW, activated_at=NOW - 100 * DAY, snapshot_on=None)
    old = compliant_account(NOW, activated_at=NOW - 183 * DAY, snapshot_on=None)

    assert violators("start-page-snapshot-overdue", NOW) == {old.pk}
    assert new.pk not in violators("start-page-snapshot-overdue", NOW)


# --- follow-up-overdue (PURP-3) -------------------------------------------------------------


def test_a_follow_up_364_days_old_is_fine_and_366_days_old_is_overdue():
    """PURP-3: the interval is MONITORING_FOLLOW_UP_INTERVAL_DAYS = 365 days."""
    recent = compliant_account(NOW, followed_up_at=NOW - 364 * DAY)
    overdue = compliant_account(NOW, followed_up_at=NOW - 366 * DAY)

    assert violators("follow-up-overdue", NOW) == {overdue.pk}
    assert recent.pk not in violators("follow-up-overdue", NOW)


def test_a_new_account_has_a_year_for_its_first_follow_up():
    """PURP-3: counted from activation: 300 days active without a follow-up is fine, 400 is not."""
    new = compliant_account(NOW, activated_at=NOW - 300 * DAY, followed_up_at=None)
    old = compliant_account(NOW, activated_at=NOW - 400 * DAY, followed_up_at=None)

    assert violators("follow-up-overdue", NOW) == {old.pk}
    assert new.pk not in violators("follow-up-overdue", NOW)


# --- sender-unverified (SEND-1, SEND-2, INF-1) -----------------------------------------------


@pytest.fixture
def without_description():
    """A platform whose profiles show no description, so the visitor notice (INF-1) cannot be given."""
    return Platform.objects.create(slug="nodesc", name="No description", has_description=False)


ALL_BUT_NOTICE = [item for item in SenderCheck.values if item != SenderCheck.VISITOR_NOTICE]


def test_all_six_checklist_items_within_twelve_months_is_a_verified_sender():
    """SEND-1, SEND-2, INF-1: every item confirmed ten days ago."""
    account = compliant_account(NOW)

    assert violators("sender-unverified", NOW) == set()
    assert account.sender_confirmations.count() == len(SenderCheck.values) == 6


def test_five_items_on_a_platform_with_a_description_is_unverified():
    """SEND-1, SEND-2, INF-1: the visitor notice is missing where the platform could show it."""
    account = compliant_account(NOW, sender_items=ALL_BUT_NOTICE)

    assert violators("sender-unverified", NOW) == {account.pk}


def test_five_items_without_the_visitor_notice_on_a_platform_without_a_description_is_verified(
    without_description,
):
    """SEND-1, SEND-2, INF-1 ("where the platform allows"): the visitor notice is not required."""
    account = compliant_account(NOW, platform=without_description, sender_items=ALL_BUT_NOTICE)

    assert violators("sender-unverified", NOW) == set()
    assert account.platform.has_description is False


def test_the_visitor_notice_cannot_stand_in_for_a_missing_item_on_a_platform_without_a_description(
    without_description,
):
    """SEND-2, SEND-3: on a platform without a description five confirmed items are enough only if
    they are the five that apply; confirming the visitor notice does not make up for the logo."""
    items = [item for item in SenderCheck.values if item != SenderCheck.LOGO]
    account = compliant_account(NOW, platform=without_description, sender_items=items)

    assert violators("sender-unverified", NOW) == {account.pk}


def test_checklist_items_older_than_twelve_months_are_unverified():
    """SEND-1, SEND-2, INF-1: confirmed 366 days ago (MONITORING_SENDER_INTERVAL_DAYS = 365); one
    confirmed 364 days ago is still fine."""
    stale = compliant_account(NOW, sender_confirmed_at=NOW - 366 * DAY)
    fresh = compliant_account(NOW, sender_confirmed_at=NOW - 364 * DAY)

    assert violators("sender-unverified", NOW) == {stale.pk}
    assert fresh.pk not in violators("sender-unverified", NOW)


def test_one_stale_item_among_fresh_ones_is_unverified():
    """SEND-1, SEND-2, INF-1: five items re-confirmed this year, the logo only last year."""
    account = compliant_account(NOW, sender_items=ALL_BUT_NOTICE[:-1] + [SenderCheck.VISITOR_NOTICE])
    factories.SenderConfirmationFactory(account=account, item=ALL_BUT_NOTICE[-1], confirmed_at=NOW - 400 * DAY)

    assert violators("sender-unverified", NOW) == {account.pk}


def test_an_item_confirmed_twice_counts_once():
    """SEND-1, SEND-2, INF-1: six rows, but the same item twice and the visitor notice missing."""
    account = compliant_account(NOW, sender_items=ALL_BUT_NOTICE)
    factories.SenderConfirmationFactory(account=account, item=SenderCheck.LOGO, confirmed_at=NOW - DAY)

    assert violators("sender-unverified", NOW) == {account.pk}


def test_a_core_item_confirmed_twice_does_not_stand_in_for_a_missing_one(without_description):
    """SEND-1, SEND-2: on a platform without a description, five rows of four core items (the
    link twice, no logo) are not the five items that apply (each item counts once: change 14)."""
    items = [item for item in ALL_BUT_NOTICE if item != SenderCheck.LOGO]
    account = compliant_account(NOW, platform=without_description, sender_items=items)
    factories.SenderConfirmationFactory(account=account, item=SenderCheck.LINK_TO_KI, confirmed_at=NOW - DAY)

    assert account.sender_confirmations.count() == len(ALL_BUT_NOTICE)
    assert violators("sender-unverified", NOW) == {account.pk}


def test_an_account_never_confirmed_is_unverified():
    """SEND-1, SEND-2, INF-1: no checklist at all."""
    account = compliant_account(NOW, sender_confirmed_at=None)

    assert violators("sender-unverified", NOW) == {account.pk}


# --- inactive-channel (DECOM-1) --------------------------------------------------------------


def test_a_latest_post_181_days_ago_is_active_and_183_days_ago_is_inactive():
    """DECOM-1: the inactivity window is MONITORING_INACTIVITY_DAYS = 182 days."""
    active = compliant_account(NOW, latest_post_on=TODAY - 181 * DAY)
    inactive = compliant_account(NOW, latest_post_on=TODAY - 183 * DAY)

    assert violators("inactive-channel", NOW) == {inactive.pk}
    assert active.pk not in violators("inactive-channel", NOW)


def test_an_account_that_never_gave_a_latest_post_counts_from_its_activation():
    """DECOM-1: no latest-post date ever given: inactive once active for longer than the window."""
    long_ago = compliant_account(NOW, latest_post_on=None)
    recently = compliant_account(NOW, activated_at=NOW - 100 * DAY, latest_post_on=None)

    assert violators("inactive-channel", NOW) == {long_ago.pk}
    assert recently.pk not in violators("inactive-channel", NOW)


def test_the_latest_post_given_at_any_check_in_counts():
    """DECOM-1: yesterday's check-in gave no date; one a month ago gave a post from last week."""
    account = compliant_account(NOW, latest_post_on=None)
    factories.CheckInFactory(account=account, day=TODAY - 30 * DAY, latest_post_on=TODAY - 37 * DAY)

    assert violators("inactive-channel", NOW) == set()


# --- manager-missing (RESP-1) ----------------------------------------------------------------


def test_a_unit_without_a_manager_under_a_managed_unit_is_covered():
    """RESP-1: responsibility follows the delegation order: the manager above answers for it."""
    department = factories.UnitFactory(manager=factories.UserFactory())
    division, group = factories.unit_chain(2, parent=department)
    accounts = [compliant_account(NOW, unit=unit) for unit in (division, group)]

    assert violators("manager-missing", NOW) == set()
    assert all(a.unit.manager_id is None for a in accounts)


def test_a_root_unit_without_a_manager_is_missing_one():
    """RESP-1: nobody above it: its accounts and those of the units below it are flagged."""
    covered = compliant_account(NOW)
    root = factories.UnitFactory()
    child = factories.UnitFactory(parent=root)
    orphans = {compliant_account(NOW, unit=root).pk, compliant_account(NOW, unit=child).pk}

    assert violators("manager-missing", NOW) == orphans
    assert covered.pk not in violators("manager-missing", NOW)


def test_a_manager_below_does_not_cover_the_unit_above():
    """RESP-1: a managed division does not make its unmanaged parent managed."""
    root = factories.UnitFactory()
    factories.UnitFactory(parent=root, manager=factories.UserFactory())
    account = compliant_account(NOW, unit=root)

    assert violators("manager-missing", NOW) == {account.pk}


# --- only active accounts --------------------------------------------------------------------


def _breaks_everything(now, status):
    """Two accounts that between them break every rule, in the given status: one with nobody
    responsible, one whose owner and deputy are away today, and neither with any evidence, in a
    unit nobody manages."""
    unit = factories.UnitFactory()
    bare = factories.SocialAccountFactory(unit=unit, status=status, activated_at=now - 1000 * DAY)
    staffed = compliant_account(
        now,
        unit=unit,
        status=status,
        checked_in_on=None,
        snapshot_on=None,
        followed_up_at=None,
        sender_confirmed_at=None,
    )
    for person in (owner_of(staffed), deputy_of(staffed)):
        away(person, local_day(now), local_day(now))
    return bare, staffed


def test_an_active_account_can_break_every_rule():
    """RES-2, MON-1, MON-2, REC-5, PURP-3, SEND-1, SEND-2, INF-1, DECOM-1, RESP-1: the control for the
    next test: in the active state these two accounts break all nine rules."""
    bare, staffed = _breaks_everything(NOW, AccountStatus.ACTIVE)

    assert breaches(bare, NOW) | breaches(staffed, NOW) >= MONITORING_RULES


@pytest.mark.parametrize("status", [s for s in AccountStatus.values if s != AccountStatus.ACTIVE])
def test_only_active_accounts_are_ever_flagged(status):
    """RES-2, MON-1, MON-2, REC-5, PURP-3, SEND-1, SEND-2, INF-1, DECOM-1, RESP-1: the rules govern
    active accounts only; a draft, a request in progress or a decommissioned account breaks none."""
    _breaks_everything(NOW, status)

    assert {rule_id: rule.violators(NOW) for rule_id, rule in RULES.items()} == {rule_id: set() for rule_id in RULES}
