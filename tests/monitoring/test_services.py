"""Monitoring services: check-ins (MON-1/2), ping addresses and follow-ups (PURP-3)."""

import datetime
import hashlib

import pytest

from accounts.choices import AccountStatus, Role
from accounts.models import Assignment
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring import services
from monitoring.choices import CheckInSource
from monitoring.models import CheckIn, FollowUp, PingKey
from tests import factories
from tests.monitoring.helpers import at

pytestmark = pytest.mark.django_db

NOW = at(2026, 1, 15, 10, 0)


@pytest.fixture
def account(owner):
    """An active account kept by `owner` (owner) and a deputy."""
    return factories.staffed_account(owner=owner, name="KI Forskning")


def audit_actions(target) -> list[str]:
    return list(AuditEvent.objects.for_object(target).order_by("id").values_list("action", flat=True))


# --- check-ins -------------------------------------------------------------------------------


def test_checking_in_twice_on_one_stockholm_day_keeps_one_check_in(owner, account):
    """MON-1: one check-in per account and day counts; the second returns the first (created False)
    and changes nothing."""
    first, created = services.checkin_record(actor=owner, account=account, now=at(2026, 1, 15, 8), note="morgon")
    again, created_again = services.checkin_record(actor=owner, account=account, now=at(2026, 1, 15, 21), note="kväll")

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    checkin = CheckIn.objects.get()
    assert (checkin.day, checkin.note, checkin.person, checkin.source) == (
        datetime.date(2026, 1, 15),
        "morgon",
        owner,
        CheckInSource.WEB,
    )


def test_check_ins_either_side_of_midnight_in_stockholm_are_on_two_days(owner, account):
    """MON-1, MON-2: 23:59 and 00:01 Stockholm time are two calendar days, although both moments
    fall on 15 January in UTC."""
    before, after = at(2026, 1, 15, 23, 59), at(2026, 1, 16, 0, 1)
    assert before.astimezone(datetime.UTC).date() == after.astimezone(datetime.UTC).date()

    _first, created_first = services.checkin_record(actor=owner, account=account, now=before)
    _second, created_second = services.checkin_record(actor=owner, account=account, now=after)

    assert created_first and created_second
    assert sorted(CheckIn.objects.values_list("day", flat=True)) == [
        datetime.date(2026, 1, 15),
        datetime.date(2026, 1, 16),
    ]


def test_the_deputy_checks_in_too(account):
    """MON-1, RES-2: the deputy monitors as well as the owner."""
    deputy = Assignment.objects.current().get(account=account, role=Role.DEPUTY).person

    _checkin, created = services.checkin_record(actor=deputy, account=account, now=NOW)

    assert created
    assert CheckIn.objects.get().person == deputy


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_only_a_keeper_checks_in(who, request, account):
    """MON-1, RES-2: staff who do not keep the account (and auditors, who only read) cannot record
    its monitoring; nothing is written."""
    with pytest.raises(NotAllowed):
        services.checkin_record(actor=request.getfixturevalue(who), account=account, now=NOW)

    assert CheckIn.objects.count() == 0


def test_a_deputy_whose_assignment_ended_cannot_check_in(account):
    """RES-2: a former deputy no longer keeps the account."""
    assignment = Assignment.objects.get(account=account, role=Role.DEPUTY)
    assignment.ended_at = assignment.started_at
    assignment.save()

    with pytest.raises(NotAllowed):
        services.checkin_record(actor=assignment.person, account=account, now=NOW)

    assert CheckIn.objects.count() == 0


@pytest.mark.parametrize("status", [AccountStatus.DRAFT, AccountStatus.APPROVED, AccountStatus.DECOMMISSIONED])
def test_only_live_accounts_are_checked_in(status, owner):
    """MON-1: a draft, an approved account not yet live, or a closed account is not monitored."""
    account = factories.staffed_account(owner=owner, status=status)

    with pytest.raises(ApplicationError):
        services.checkin_record(actor=owner, account=account, now=NOW)

    assert CheckIn.objects.count() == 0


def test_an_account_being_decommissioned_is_still_checked_in(owner):
    """MON-1, DECOM-2: until it is closed someone still watches it."""
    account = factories.staffed_account(owner=owner, status=AccountStatus.DECOMMISSIONING)

    _checkin, created = services.checkin_record(actor=owner, account=account, now=NOW)

    assert created


def test_a_latest_post_in_the_future_is_refused(owner, account):
    """DECOM-1: the latest-post date drives the inactivity rule; a date after today is a typo."""
    with pytest.raises(ApplicationError):
        services.checkin_record(actor=owner, account=account, now=NOW, latest_post_on=datetime.date(2026, 1, 16))

    assert CheckIn.objects.count() == 0


def test_checking_in_all_records_every_kept_live_account_once(owner, account):
    """MON-1: "all monitored today": every account the user keeps and that is live; not drafts, not
    accounts of others. A second click records nothing new."""
    deputy_of = factories.staffed_account(deputy=owner)
    factories.staffed_account(owner=owner, status=AccountStatus.DRAFT)
    factories.staffed_account()

    assert services.checkins_record_all(actor=owner, now=NOW) == 2
    assert services.checkins_record_all(actor=owner, now=NOW) == 0

    assert set(CheckIn.objects.values_list("account_id", flat=True)) == {account.pk, deputy_of.pk}


# --- ping addresses --------------------------------------------------------------------------


def test_a_ping_records_a_check_in_with_source_ping(owner, account):
    """MON-1: the secret address records today's check-in for its account."""
    _key, token = services.ping_key_rotate(actor=owner, account_id=account.pk)

    checkin = services.ping_checkin(token=token, now=NOW)

    assert (checkin.account, checkin.day, checkin.source, checkin.person, checkin.person_repr) == (
        account,
        datetime.date(2026, 1, 15),
        CheckInSource.PING,
        None,
        "ping",
    )


def test_an_unknown_token_records_nothing(owner, account):
    """MON-1: an address that is not an account's records nothing (the view answers 404)."""
    services.ping_key_rotate(actor=owner, account_id=account.pk)

    assert services.ping_checkin(token="not-a-token", now=NOW) is None
    assert CheckIn.objects.count() == 0


def test_making_a_ping_address_stores_only_its_digest_and_is_audited(owner, account):
    """Issue 11, defect 10: the secret is returned once; the database keeps its SHA-256."""
    key, token = services.ping_key_rotate(actor=owner, account_id=account.pk)

    assert key.digest == hashlib.sha256(token.encode()).hexdigest()
    assert audit_actions(account) == ["ping.create"]
    assert token not in str(AuditEvent.objects.values().get())


def test_rotating_the_ping_address_retires_the_old_one(owner, account):
    """MON-1: after rotation the old address records nothing; the rotation is audited."""
    _key, old = services.ping_key_rotate(actor=owner, account_id=account.pk)

    _key, new = services.ping_key_rotate(actor=owner, account_id=account.pk)

    assert new != old
    assert PingKey.objects.count() == 1
    assert services.ping_checkin(token=old, now=NOW) is None
    assert CheckIn.objects.count() == 0
    assert services.ping_checkin(token=new, now=NOW) is not None
    assert audit_actions(account) == ["ping.create", "ping.rotate"]


def test_only_a_keeper_rotates_the_ping_address(owner, outsider, account):
    """MON-1, RES-2: only the owner or deputy gives the account a new address; nothing is audited otherwise."""
    _key, token = services.ping_key_rotate(actor=owner, account_id=account.pk)

    with pytest.raises(NotAllowed):
        services.ping_key_rotate(actor=outsider, account_id=account.pk)

    assert PingKey.objects.get(account=account).digest == PingKey.digest_of(token)
    assert audit_actions(account) == ["ping.create"]


# --- follow-ups ------------------------------------------------------------------------------


def test_the_owner_records_a_follow_up(owner, account):
    """PURP-3: the yearly follow-up against the goals, audited."""
    follow_up = services.follow_up_record(
        actor=owner,
        account_id=account.pk,
        period_end=datetime.date(2025, 12, 31),
        figures=" 1 200 följare ",
        assessment="Målen nås.",
    )

    follow_up.refresh_from_db()
    assert (follow_up.figures, follow_up.recorded_by, follow_up.acknowledged_at) == ("1 200 följare", owner, None)
    assert audit_actions(account) == ["follow_up.record"]


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_only_a_keeper_records_a_follow_up(who, request, account):
    """PURP-3: nobody else records the owner's follow-up."""
    with pytest.raises(NotAllowed):
        services.follow_up_record(
            actor=request.getfixturevalue(who),
            account_id=account.pk,
            period_end=datetime.date(2025, 12, 31),
            figures="x",
            assessment="y",
        )

    assert FollowUp.objects.count() == 0
    assert audit_actions(account) == []


def test_a_follow_up_needs_figures_and_an_assessment(owner, account):
    """PURP-3: a follow-up without figures is no follow-up against the goals."""
    with pytest.raises(ApplicationError):
        services.follow_up_record(
            actor=owner, account_id=account.pk, period_end=datetime.date(2025, 12, 31), figures=" ", assessment="y"
        )

    assert FollowUp.objects.count() == 0


def test_the_manager_above_acknowledges_a_follow_up_once(owner):
    """PURP-3, RESP-1: the responsible manager of the unit or of a unit above it acknowledges the
    follow-up; a second acknowledgement changes nothing."""
    manager = factories.UserFactory()
    department = factories.UnitFactory(manager=manager)
    account = factories.staffed_account(owner=owner, unit=factories.UnitFactory(parent=department))
    follow_up = factories.FollowUpFactory(account=account)

    services.follow_up_acknowledge(actor=manager, follow_up_id=follow_up.pk)
    first_at = FollowUp.objects.get().acknowledged_at
    services.follow_up_acknowledge(actor=manager, follow_up_id=follow_up.pk)

    follow_up.refresh_from_db()
    assert follow_up.acknowledged_by == manager
    assert follow_up.acknowledged_at == first_at is not None
    assert audit_actions(account) == ["follow_up.acknowledge"]


@pytest.mark.parametrize("who", ["owner", "outsider", "auditor", "other_manager"])
def test_only_a_responsible_manager_acknowledges_a_follow_up(who, request, owner):
    """PURP-3, RESP-1: not the owner, not other staff, not an auditor, not the manager of another unit."""
    account = factories.staffed_account(owner=owner, unit=factories.UnitFactory(manager=factories.UserFactory()))
    other_manager = factories.UserFactory()
    factories.UnitFactory(manager=other_manager)
    actor = other_manager if who == "other_manager" else request.getfixturevalue(who)
    follow_up = factories.FollowUpFactory(account=account)

    with pytest.raises(NotAllowed):
        services.follow_up_acknowledge(actor=actor, follow_up_id=follow_up.pk)

    follow_up.refresh_from_db()
    assert follow_up.acknowledged_at is None
    assert audit_actions(account) == []
