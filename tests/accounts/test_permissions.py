"""accounts.permissions, the one "who may" of accounts, and accounts.selectors.current_keepers.

The services refuse with these predicates (tests/accounts/test_services.py); here each predicate
is checked against every role, so that a page that shows a button and the service behind it agree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions
from accounts.choices import AccountStatus
from accounts.selectors import Keepers, current_keepers, social_account_list
from tests import factories

ROLES = ["comms", "auditor", "owner", "deputy", "manager", "outsider"]


def as_user(request, who):
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


@pytest.mark.parametrize(
    ("predicate", "allowed"),
    [
        (permissions.can_maintain, {"comms", "owner", "deputy"}),
        (permissions.can_change_keepers, {"comms", "owner", "manager"}),
        (permissions.can_upload_snapshot, {"comms", "owner", "deputy", "manager"}),
        (permissions.can_see_snapshots, {"comms", "auditor", "owner", "deputy", "manager"}),
    ],
    ids=lambda p: getattr(p, "__name__", ""),
)
def test_account_predicates_by_role(request, evidence_account, predicate, allowed):
    answers = {who: predicate(as_user(request, who), evidence_account) for who in [*ROLES, "anonymous"]}

    assert {who for who, yes in answers.items() if yes} == allowed


def test_registry_and_request_predicates_by_role(request):
    users = {who: as_user(request, who) for who in [*ROLES, "anonymous"]}

    assert {w for w, u in users.items() if permissions.can_edit_registry(u)} == {"comms"}
    assert {w for w, u in users.items() if permissions.can_request(u)} == {
        "comms",
        "owner",
        "deputy",
        "manager",
        "outsider",
    }


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (AccountStatus.DRAFT, True),
        (AccountStatus.RETURNED, True),
        (AccountStatus.AWAITING_MANAGER, False),
        (AccountStatus.ACTIVE, False),
    ],
)
def test_only_the_requester_edits_a_draft_or_returned_request(outsider, comms, status, editable):
    account = factories.SocialAccountFactory(created_by=outsider, status=status)

    assert permissions.is_requester(outsider, account)
    assert permissions.can_edit_request(outsider, account) is editable
    assert not permissions.can_edit_request(comms, account)
    assert not permissions.can_edit_request(AnonymousUser(), account)


def test_only_the_offered_person_answers_a_handover(evidence_account, owner, outsider, comms):
    handover = evidence_account.handovers.create(from_person=owner, to_person=outsider, requested_by=owner)

    assert permissions.can_answer_handover(outsider, handover)
    assert not permissions.can_answer_handover(owner, handover)
    assert not permissions.can_answer_handover(comms, handover)
    assert not permissions.can_answer_handover(AnonymousUser(), handover)


def test_current_keepers(evidence_account, owner, deputy):
    assert current_keepers(evidence_account) == Keepers(owner=owner, deputy=deputy)
    assert current_keepers(factories.SocialAccountFactory()) == Keepers(owner=None, deputy=None)


def test_current_keepers_uses_the_prefetch_even_when_it_is_empty(
    comms, evidence_account, owner, deputy, django_assert_num_queries
):
    """The list pages' prefetch answers for every account, one with no keepers too (no query per row)."""
    bare = factories.SocialAccountFactory()
    accounts = {a.pk: a for a in social_account_list(user=comms).filter(pk__in=[evidence_account.pk, bare.pk])}

    with django_assert_num_queries(0):
        assert current_keepers(accounts[evidence_account.pk]) == Keepers(owner=owner, deputy=deputy)
        assert current_keepers(accounts[bare.pk]) == Keepers(owner=None, deputy=None)
