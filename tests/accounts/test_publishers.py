"""Publishers: everyone with access to an account besides its owner and deputy (issue 15, START-1,
PRIV-2). The owner adds them, the responsible manager confirms (recording that they act for KI,
not privately) or declines, the owner records the removal of access; each step audited and the
people concerned told."""

import datetime

import pytest
from django.utils import timezone

from accounts import access
from accounts.choices import PublisherStatus
from accounts.models import Publisher
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def add(actor, account, **kwargs):
    kwargs.setdefault("platform_role", "editor")
    return access.publisher_add(actor=actor, account_id=account.pk, **kwargs)


def test_owner_adds_a_ki_person_and_the_manager_is_asked_to_confirm(owner, manager, evidence_account):
    """START-1: the owner adds a publisher; it waits for the responsible manager, who is e-mailed."""
    editor = factories.UserFactory()

    publisher = add(owner, evidence_account, person=editor, ends_on=timezone.localdate() + datetime.timedelta(30))

    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.PENDING and publisher.added_by == owner
    event = AuditEvent.objects.get(action="publisher.add")
    assert event.after["publisher"] == str(editor)
    assert list(Notification.objects.values_list("kind", "recipient")) == [("publisher-added", manager.pk)]


def test_owner_adds_an_external_agency_with_its_contact(owner, evidence_account):
    """START-1: an agency has a name and a contact, no user."""
    publisher = add(
        owner, evidence_account, agency_name="Byrå AB", agency_contact="anna@byra.se", platform_role="moderator"
    )

    assert publisher.is_agency and publisher.name == "Byrå AB"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # neither a person nor an agency
        {"agency_name": "Byrå AB"},  # an agency without a contact
    ],
)
def test_bad_input_changes_nothing(owner, evidence_account, kwargs):
    with pytest.raises(ApplicationError):
        add(owner, evidence_account, **kwargs)

    assert not Publisher.objects.exists() and not AuditEvent.objects.filter(action__startswith="publisher").exists()


def test_a_person_who_left_ki_cannot_be_added(owner, evidence_account):
    leaver = factories.UserFactory(left_on=timezone.localdate())

    with pytest.raises(ApplicationError):
        add(owner, evidence_account, person=leaver)


def test_the_same_person_is_added_once(owner, evidence_account):
    editor = factories.UserFactory()
    add(owner, evidence_account, person=editor)

    with pytest.raises(ApplicationError):
        add(owner, evidence_account, person=editor)
    assert Publisher.objects.count() == 1


@pytest.mark.parametrize("who", ["deputy", "manager", "comms", "auditor", "outsider"])
def test_only_the_owner_adds_publishers(request, evidence_account, who):
    """START-1: publishers are added by the owner."""
    with pytest.raises(NotAllowed):
        add(request.getfixturevalue(who), evidence_account, person=factories.UserFactory())
    assert not Publisher.objects.exists()


def test_manager_confirms_recording_that_the_publisher_acts_for_ki(owner, manager, evidence_account):
    """START-1, PRIV-2: the confirmation records that the person acts for KI, not privately; the
    owner and the publisher are told."""
    editor = factories.UserFactory()
    publisher = add(owner, evidence_account, person=editor)

    access.publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=True, acts_for_ki=True)

    publisher.refresh_from_db()
    assert (publisher.status, publisher.acts_for_ki, publisher.decided_by) == ("confirmed", True, manager)
    event = AuditEvent.objects.get(action="publisher.confirm")
    assert event.after["acts_for_ki"] is True and event.actor == manager
    told = set(Notification.objects.filter(kind="publisher-decided").values_list("recipient", flat=True))
    assert told == {owner.pk, editor.pk}


def test_confirming_without_the_priv2_statement_is_refused(owner, manager, evidence_account):
    """PRIV-2: no confirmation without the statement that the person acts for KI."""
    publisher = add(owner, evidence_account, person=factories.UserFactory())

    with pytest.raises(ApplicationError):
        access.publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=True, acts_for_ki=False)
    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.PENDING


def test_manager_declines_with_a_reason(owner, manager, evidence_account):
    publisher = add(owner, evidence_account, person=factories.UserFactory())

    with pytest.raises(ApplicationError):
        access.publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=False)
    access.publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=False, note="Behövs inte.")

    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.DECLINED
    assert AuditEvent.objects.filter(action="publisher.decline").count() == 1


@pytest.mark.parametrize("who", ["owner", "deputy", "other_manager", "comms", "auditor"])
def test_only_a_responsible_manager_confirms(request, owner, evidence_account, who):
    """START-1, RESP-1: the same delegation order as account requests; the owner who added the
    publisher cannot confirm them."""
    publisher = add(owner, evidence_account, person=factories.UserFactory())

    with pytest.raises(NotAllowed):
        access.publisher_decide(
            actor=request.getfixturevalue(who), publisher_id=publisher.pk, confirm=True, acts_for_ki=True
        )


def test_a_manager_cannot_confirm_themself(owner, manager, evidence_account):
    """Separation of duties: the manager added as publisher is confirmed by someone else."""
    publisher = add(owner, evidence_account, person=manager)

    with pytest.raises(NotAllowed):
        access.publisher_decide(actor=manager, publisher_id=publisher.pk, confirm=True, acts_for_ki=True)


def test_owner_records_the_removal(owner, deputy, evidence_account):
    publisher = factories.PublisherFactory(account=evidence_account)

    access.publisher_remove(actor=deputy, publisher_id=publisher.pk, removed_on=timezone.localdate())

    publisher.refresh_from_db()
    assert publisher.status == PublisherStatus.REMOVED and publisher.removed_by == deputy
    assert AuditEvent.objects.for_object(evidence_account).filter(action="publisher.remove").exists()


def test_a_removal_in_the_future_is_refused(owner, evidence_account):
    publisher = factories.PublisherFactory(account=evidence_account)

    with pytest.raises(ApplicationError):
        access.publisher_remove(
            actor=owner, publisher_id=publisher.pk, removed_on=timezone.localdate() + datetime.timedelta(1)
        )


def test_the_yearly_review_is_recorded_by_the_owner(owner, deputy, evidence_account):
    """START-1: the owner confirms the list (still needed, still at KI)."""
    factories.PublisherFactory(account=evidence_account)

    with pytest.raises(NotAllowed):
        access.access_review_record(actor=deputy, account_id=evidence_account.pk, still_needed=True, still_at_ki=True)
    with pytest.raises(ApplicationError):
        access.access_review_record(actor=owner, account_id=evidence_account.pk, still_needed=True, still_at_ki=False)
    review = access.access_review_record(
        actor=owner, account_id=evidence_account.pk, still_needed=True, still_at_ki=True
    )

    assert review.publishers == 1
    assert AuditEvent.objects.filter(action="access_review.record").count() == 1


def test_the_review_waits_until_leavers_are_removed(owner, evidence_account):
    """START-1: a list with someone who left KI cannot be confirmed as current."""
    factories.PublisherFactory(account=evidence_account, person=factories.UserFactory(left_on=timezone.localdate()))

    with pytest.raises(ApplicationError):
        access.access_review_record(actor=owner, account_id=evidence_account.pk, still_needed=True, still_at_ki=True)
    assert not evidence_account.access_reviews.exists()


def test_a_publisher_who_leaves_opens_the_finding_and_the_owner_is_told(
    owner, comms, evidence_account, django_capture_on_commit_callbacks
):
    """START-1, PRIV-2: when a publisher leaves KI, access-not-removed opens at once (not at the
    next sweep) and the owner is asked to remove the access."""
    from monitoring.models import Finding
    from org.services import person_leave

    editor = factories.UserFactory()
    factories.PublisherFactory(account=evidence_account, person=editor)

    with django_capture_on_commit_callbacks(execute=True):
        person_leave(actor=comms, person=editor, left_on=timezone.localdate())

    assert Finding.objects.filter(
        account=evidence_account, rule="access-not-removed", resolved_at__isnull=True
    ).exists()
    assert Notification.objects.filter(kind="publisher-left", recipient=owner).count() == 1
