"""Database constraints of the account registry. Each violation is tried inside its own atomic
block so that PostgreSQL can go on with the test after the error."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment, SocialAccount
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return factories.SocialAccountFactory()


def test_an_account_cannot_have_two_current_owners(account):
    """RES-2: the database keeps at most one current account owner per account."""
    factories.AssignmentFactory(account=account, role=Role.OWNER)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AssignmentFactory(account=account, role=Role.OWNER)

    assert Assignment.objects.filter(account=account).count() == 1


def test_an_account_cannot_have_two_current_deputies(account):
    """RES-2: the database keeps at most one current deputy per account."""
    factories.AssignmentFactory(account=account, role=Role.DEPUTY)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AssignmentFactory(account=account, role=Role.DEPUTY)

    assert Assignment.objects.filter(account=account).count() == 1


def test_deputy_cannot_be_the_owner(account, owner):
    """RES-2: the same person cannot be current owner and current deputy of one account."""
    factories.AssignmentFactory(account=account, person=owner, role=Role.OWNER)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AssignmentFactory(account=account, person=owner, role=Role.DEPUTY)

    assert list(Assignment.objects.filter(account=account).values_list("role", flat=True)) == [Role.OWNER]


def test_ended_owner_assignments_do_not_count_as_current(account):
    """RES-2: history is allowed: an ended owner and a current owner may exist side by side."""
    now = timezone.now()
    factories.AssignmentFactory(
        account=account, role=Role.OWNER, started_at=now - datetime.timedelta(days=30), ended_at=now
    )
    factories.AssignmentFactory(
        account=account, role=Role.OWNER, started_at=now - datetime.timedelta(days=60), ended_at=now
    )

    factories.AssignmentFactory(account=account, role=Role.OWNER, started_at=now)

    assert Assignment.objects.filter(account=account).count() == 3
    assert Assignment.objects.filter(account=account).current().count() == 1


def test_former_owner_may_become_the_deputy(account, owner):
    """RES-2: someone whose owner assignment has ended may be the current deputy."""
    now = timezone.now()
    factories.AssignmentFactory(
        account=account, person=owner, role=Role.OWNER, started_at=now - datetime.timedelta(days=10), ended_at=now
    )

    factories.AssignmentFactory(account=account, person=owner, role=Role.DEPUTY, started_at=now)

    assert Assignment.objects.filter(account=account, person=owner).count() == 2


def test_assignment_cannot_end_before_it_starts(account):
    """An assignment's end lies after its start."""
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AssignmentFactory(account=account, started_at=now, ended_at=now - datetime.timedelta(seconds=1))

    assert Assignment.objects.count() == 0


def test_assignment_role_must_be_a_known_role(account):
    """The database refuses a role other than owner or deputy."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AssignmentFactory(account=account, role="admin")

    assert Assignment.objects.count() == 0


def test_assignments_in_force_at_a_moment(account):
    """Assignment.objects.at() answers who held a role at a given moment (half-open interval)."""
    start = timezone.now() - datetime.timedelta(days=100)
    handover = start + datetime.timedelta(days=50)
    before = factories.AssignmentFactory(account=account, role=Role.OWNER, started_at=start, ended_at=handover)
    after = factories.AssignmentFactory(account=account, role=Role.OWNER, started_at=handover)

    assert list(Assignment.objects.at(start + datetime.timedelta(days=1))) == [before]
    assert list(Assignment.objects.at(handover)) == [after]


def test_platform_and_handle_are_unique():
    """One platform + handle is one account in the registry."""
    factories.SocialAccountFactory(handle="karolinskainstitutet")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SocialAccountFactory(handle="karolinskainstitutet")

    assert SocialAccount.objects.count() == 1


def test_the_same_handle_on_another_platform_is_allowed():
    """The uniqueness is per platform: the same handle on Instagram and X are two accounts."""
    factories.SocialAccountFactory(handle="karolinskainstitutet", platform=factories.platform("instagram"))

    factories.SocialAccountFactory(handle="karolinskainstitutet", platform=factories.platform("x"))

    assert SocialAccount.objects.filter(handle="karolinskainstitutet").count() == 2


def test_two_drafts_without_a_handle_are_allowed():
    """Drafts may not have an address yet; empty handles on one platform do not clash."""
    factories.SocialAccountFactory(handle="", url="", status=AccountStatus.DRAFT, activated_at=None)

    factories.SocialAccountFactory(handle="", url="", status=AccountStatus.DRAFT, activated_at=None)

    assert SocialAccount.objects.filter(handle="").count() == 2


def test_invalid_status_is_rejected_by_the_database(account):
    """A status outside the lifecycle cannot be stored, even bypassing the model's choices."""
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialAccount.objects.filter(pk=account.pk).update(status="hacked")

    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_invalid_classification_is_rejected_by_the_database(account):
    """PRIV-3: the classification is official or student ambassador, nothing else."""
    with pytest.raises(IntegrityError), transaction.atomic():
        SocialAccount.objects.filter(pk=account.pk).update(classification="private")

    account.refresh_from_db()
    assert account.classification == Classification.OFFICIAL


def test_student_ambassador_account_is_not_official():
    """PRIV-3: a student ambassador account is not an official KI channel."""
    account = SocialAccount(classification=Classification.STUDENT_AMBASSADOR)

    assert not account.is_official
