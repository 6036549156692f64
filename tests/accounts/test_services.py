import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from accounts.choices import TRANSITIONS, AccountStatus, Role
from accounts.models import Assignment, SocialAccount
from accounts.services import social_account_create, social_account_transition, social_account_update
from audit.models import AuditEvent
from core.exceptions import ApplicationError
from tests import factories

pytestmark = pytest.mark.django_db

S = AccountStatus


def fields(**overrides) -> dict:
    """What the registration form hands the service for a new Instagram account."""
    return {
        "name": "Karolinska Institutet",
        "platform": factories.platform("instagram"),
        "handle": "karolinskainstitutet",
        "url": "https://instagram.com/karolinskainstitutet",
        "unit": factories.UnitFactory(),
        "purpose": "Berätta om forskningen vid KI.",
        **overrides,
    }


@pytest.fixture
def registered(comms, owner, deputy):
    """An account registered through the service, with its three creation events."""
    return social_account_create(actor=comms, owner=owner, deputy=deputy, hours_per_week=Decimal("4.0"), **fields())


def actions(account) -> list[str]:
    return sorted(AuditEvent.objects.for_object(account).values_list("action", flat=True))


def nothing_written():
    return (
        SocialAccount.objects.count(),
        Assignment.objects.count(),
        AuditEvent.objects.count(),
        len(mail.outbox),
    ) == (0, 0, 0, 0)


# social_account_create


def test_comms_registers_an_active_account(comms, owner, deputy):
    """The communications department registers an existing account as active, created by them."""
    account = social_account_create(actor=comms, owner=owner, deputy=deputy, **fields())

    account.refresh_from_db()
    assert account.status == S.ACTIVE
    assert account.activated_at is not None
    assert account.created_by == comms
    assert (account.platform.slug, account.handle) == ("instagram", "karolinskainstitutet")


def test_registering_appoints_owner_and_deputy(comms, owner, deputy):
    """RES-2: registration starts one current owner and one current deputy assignment."""
    account = social_account_create(actor=comms, owner=owner, deputy=deputy, **fields())

    current = {a.role: a.person for a in account.assignments.current()}
    assert current == {Role.OWNER: owner, Role.DEPUTY: deputy}
    assert account.assignments.count() == 2


def test_registering_records_the_account_and_both_assignments(comms, owner, deputy):
    """Registration writes account.create, assignment.owner and assignment.deputy, and no other event."""
    account = social_account_create(actor=comms, owner=owner, deputy=deputy, **fields())

    assert actions(account) == ["account.create", "assignment.deputy", "assignment.owner"]
    assert AuditEvent.objects.count() == 3
    created = AuditEvent.objects.get(action="account.create")
    assert created.actor == comms
    assert created.after["name"] == "Karolinska Institutet"
    assert created.after["handle"] == "karolinskainstitutet"
    assert created.after["status"] == S.ACTIVE
    owner_event = AuditEvent.objects.get(action="assignment.owner")
    assert (owner_event.before, owner_event.after) == ({"owner": None}, {"owner": str(owner)})
    deputy_event = AuditEvent.objects.get(action="assignment.deputy")
    assert (deputy_event.before, deputy_event.after) == ({"deputy": None}, {"deputy": str(deputy)})
    assert mail.outbox == []


@pytest.mark.parametrize("actor_fixture", ["outsider", "auditor", "owner"])
def test_only_comms_may_register_an_account(actor_fixture, request, owner, deputy):
    """START-2: registering directly is the communications department's task; others are refused, nothing is written."""
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(ApplicationError):
        social_account_create(actor=actor, owner=owner, deputy=deputy, **fields())

    assert nothing_written()


def test_deputy_cannot_be_the_owner_when_registering(comms, owner):
    """RES-2: registering with the same person as owner and deputy is refused and writes nothing."""
    with pytest.raises(ApplicationError):
        social_account_create(actor=comms, owner=owner, deputy=owner, **fields())

    assert nothing_written()


def test_registering_an_address_twice_is_refused_with_a_clear_message(english, comms, owner, deputy):
    """A second account with the same platform + handle is refused as already registered; nothing is written."""
    first = factories.SocialAccountFactory(handle="karolinskainstitutet", platform=factories.platform("instagram"))

    with pytest.raises(ApplicationError) as refused:
        social_account_create(actor=comms, owner=owner, deputy=deputy, **fields())

    assert "already registered" in str(refused.value.message)
    assert list(SocialAccount.objects.all()) == [first]
    assert Assignment.objects.count() == 0
    assert AuditEvent.objects.count() == 0


# social_account_update


def test_update_records_only_the_changed_fields(comms, registered):
    """Editing an account records account.update with before/after of the changed fields only."""
    social_account_update(
        actor=comms,
        account_id=registered.pk,
        name="KI på Instagram",
        purpose=registered.purpose,
        unit=registered.unit,
        goal="Nå fler studenter.",
    )

    registered.refresh_from_db()
    assert (registered.name, registered.goal) == ("KI på Instagram", "Nå fler studenter.")
    event = AuditEvent.objects.get(action="account.update")
    assert event.actor == comms
    assert event.before == {"name": "Karolinska Institutet", "goal": ""}
    assert event.after == {"name": "KI på Instagram", "goal": "Nå fler studenter."}
    assert AuditEvent.objects.count() == 4


def test_update_with_the_same_values_records_nothing(comms, registered, owner, deputy):
    """Saving an account unchanged, with the same owner and deputy, writes no event and no assignment."""
    social_account_update(
        actor=comms,
        account_id=registered.pk,
        owner=owner,
        deputy=deputy,
        name=registered.name,
        purpose=registered.purpose,
        hours_per_week=Decimal("4.0"),
    )

    assert AuditEvent.objects.count() == 3
    assert Assignment.objects.count() == 2


def test_update_with_an_equal_number_written_differently_records_nothing(comms, registered):
    """4 hours a week is the same as 4.0 hours; the form's "4" is not a change to the audit trail."""
    social_account_update(actor=comms, account_id=registered.pk, hours_per_week=Decimal("4"))

    assert list(AuditEvent.objects.filter(action="account.update").values_list("before", "after")) == []


@pytest.mark.parametrize("actor_fixture", ["outsider", "auditor"])
def test_only_comms_may_edit_an_account(actor_fixture, request, registered):
    """Editing the registry directly is refused to others; the account and its trail stay as they were."""
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(ApplicationError):
        social_account_update(actor=actor, account_id=registered.pk, name="Ändrat")

    registered.refresh_from_db()
    assert registered.name == "Karolinska Institutet"
    assert AuditEvent.objects.count() == 3


def test_changing_the_owner_ends_the_old_assignment_and_keeps_it(comms, registered, owner, deputy):
    """RES-2: a new owner ends the old owner's assignment (history kept) and starts a new one."""
    successor = factories.UserFactory(first_name="Nora", last_name="Ny")

    social_account_update(actor=comms, account_id=registered.pk, owner=successor, deputy=deputy)

    old = Assignment.objects.get(account=registered, person=owner)
    assert old.role == Role.OWNER
    assert old.ended_at is not None
    new = Assignment.objects.get(account=registered, person=successor)
    assert (new.role, new.ended_at) == (Role.OWNER, None)
    assert new.started_at == old.ended_at
    assert {a.role: a.person for a in registered.assignments.current()} == {
        Role.OWNER: successor,
        Role.DEPUTY: deputy,
    }
    assert Assignment.objects.filter(account=registered).count() == 3


def test_changing_the_owner_is_audited_with_the_previous_owner(comms, registered, owner, deputy):
    """RES-2: the owner change is one assignment.owner event naming the old and the new owner."""
    successor = factories.UserFactory(first_name="Nora", last_name="Ny")

    social_account_update(actor=comms, account_id=registered.pk, owner=successor, deputy=deputy)

    event = AuditEvent.objects.filter(action="assignment.owner").order_by("-id").first()
    assert (event.before, event.after) == ({"owner": str(owner)}, {"owner": "Nora Ny"})
    assert AuditEvent.objects.count() == 4


def test_swapping_owner_and_deputy_works(comms, registered, owner, deputy):
    """RES-2: owner and deputy can swap roles in one edit; both old assignments end, two new ones start."""
    social_account_update(actor=comms, account_id=registered.pk, owner=deputy, deputy=owner)

    assert {a.role: a.person for a in registered.assignments.current()} == {Role.OWNER: deputy, Role.DEPUTY: owner}
    assert Assignment.objects.filter(account=registered).count() == 4
    assert Assignment.objects.filter(account=registered, ended_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action__startswith="assignment.").count() == 4


def test_making_the_deputy_owner_while_keeping_them_deputy_is_refused(comms, registered, owner, deputy):
    """RES-2: naming the current deputy as owner without a new deputy is refused and changes nothing."""
    with pytest.raises(ApplicationError):
        social_account_update(actor=comms, account_id=registered.pk, owner=deputy)

    assert {a.role: a.person for a in registered.assignments.current()} == {Role.OWNER: owner, Role.DEPUTY: deputy}
    assert Assignment.objects.count() == 2
    assert AuditEvent.objects.count() == 3


def test_deputy_cannot_be_the_owner_when_editing(comms, registered, owner, deputy):
    """RES-2: an edit naming one person as both owner and deputy is refused and changes nothing."""
    successor = factories.UserFactory()

    with pytest.raises(ApplicationError):
        social_account_update(actor=comms, account_id=registered.pk, owner=successor, deputy=successor)

    assert {a.role: a.person for a in registered.assignments.current()} == {Role.OWNER: owner, Role.DEPUTY: deputy}
    assert AuditEvent.objects.count() == 3


def test_editing_to_an_address_already_registered_is_refused(english, comms, registered):
    """An edit that gives the account another account's platform + handle is refused; nothing changes."""
    factories.SocialAccountFactory(handle="studyatki", platform=factories.platform("instagram"))

    with pytest.raises(ApplicationError) as refused:
        social_account_update(
            actor=comms, account_id=registered.pk, handle="studyatki", url="https://instagram.com/studyatki"
        )

    assert "already registered" in str(refused.value.message)
    registered.refresh_from_db()
    assert registered.handle == "karolinskainstitutet"
    assert AuditEvent.objects.count() == 3


# social_account_transition

ALLOWED = sorted((source, target) for source, targets in TRANSITIONS.items() for target in targets)
REFUSED = [
    (S.DRAFT, S.ACTIVE),
    (S.DRAFT, S.APPROVED),
    (S.AWAITING_MANAGER, S.APPROVED),
    (S.REJECTED, S.AWAITING_MANAGER),
    (S.ACTIVE, S.DRAFT),
    (S.ACTIVE, S.ACTIVE),
    (S.DECOMMISSIONED, S.ACTIVE),
]


def account_in(status: str, **kwargs) -> SocialAccount:
    return factories.SocialAccountFactory(status=status, activated_at=None, **kwargs)


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_move_in_the_lifecycle_is_allowed(comms, source, target):
    """Each move that accounts.choices.TRANSITIONS lists changes the status."""
    account = account_in(source)

    social_account_transition(actor=comms, account_id=account.pk, to=target)

    account.refresh_from_db()
    assert account.status == target


def test_a_move_is_audited_as_account_status(comms):
    """A lifecycle move records one account.status event with before, after, actor and note."""
    account = account_in(S.DRAFT)

    social_account_transition(actor=comms, account_id=account.pk, to=S.AWAITING_MANAGER, note="Skickad")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.note) == ("account.status", comms, "Skickad")
    assert (event.before, event.after) == ({"status": S.DRAFT}, {"status": S.AWAITING_MANAGER})


def test_a_move_by_a_background_job_names_the_job(db):
    """A move made by the system carries the job's name as actor."""
    account = account_in(S.ACTIVE)

    social_account_transition(actor=None, account_id=account.pk, to=S.DECOMMISSIONING, actor_repr="system:inactivity")

    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_repr) == (None, "system:inactivity")


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_a_move_outside_the_lifecycle_is_refused(comms, source, target):
    """A move not listed in TRANSITIONS raises ApplicationError; status and trail are unchanged."""
    account = account_in(source)

    with pytest.raises(ApplicationError):
        social_account_transition(actor=comms, account_id=account.pk, to=target)

    account.refresh_from_db()
    assert account.status == source
    assert (account.activated_at, account.decommissioned_at) == (None, None)
    assert AuditEvent.objects.count() == 0


def test_activation_sets_the_activation_time(comms):
    """Moving an approved account to active records when it became active."""
    account = account_in(S.APPROVED)
    before = timezone.now()

    social_account_transition(actor=comms, account_id=account.pk, to=S.ACTIVE)

    account.refresh_from_db()
    assert account.activated_at is not None
    assert before <= account.activated_at <= timezone.now()


def test_reactivation_keeps_the_first_activation_time(comms):
    """DECOM-1: stopping a decommissioning keeps the date the account first became active."""
    first = timezone.now() - datetime.timedelta(days=400)
    account = factories.SocialAccountFactory(status=S.DECOMMISSIONING, activated_at=first)

    social_account_transition(actor=comms, account_id=account.pk, to=S.ACTIVE)

    account.refresh_from_db()
    assert (account.status, account.activated_at) == (S.ACTIVE, first)


def test_decommissioning_sets_the_decommission_time(comms):
    """DECOM-1: a decommissioned account records when it was closed."""
    account = factories.SocialAccountFactory(status=S.DECOMMISSIONING)

    social_account_transition(actor=comms, account_id=account.pk, to=S.DECOMMISSIONED)

    account.refresh_from_db()
    assert account.status == S.DECOMMISSIONED
    assert account.decommissioned_at is not None
