"""monitoring.permissions: one answer to "who may" for the service and the page. For each thing
done on an account's monitoring page and each kind of user, the predicate, the service's refusal
(NotAllowed) and the button agree (MON-1, MON-2, PURP-3, RESP-1)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import permissions, services
from tests import factories
from tests.refusals import refuses

pytestmark = pytest.mark.django_db

USERS = ["owner", "deputy", "manager", "other_manager", "comms", "auditor", "outsider"]


@pytest.fixture
def follow_up(evidence_account):
    return factories.FollowUpFactory(account=evidence_account)


@dataclass(frozen=True)
class Thing:
    flag: str  # the key of the page's `may`
    predicate: Callable
    call: Callable  # the service, as (actor, account, follow_up)
    url: Callable  # where the page's button posts, from (account, follow_up)


THINGS = [
    Thing(
        "ping",
        permissions.can_use_ping_address,
        lambda u, a, f: services.ping_key_rotate(actor=u, account_id=a.pk),
        lambda a, f: reverse("monitoring:ping-rotate", args=[a.pk]),
    ),
    Thing(
        "follow_up",
        permissions.can_record_follow_up,
        lambda u, a, f: services.follow_up_record(
            actor=u, account_id=a.pk, period_end=timezone.localdate(), figures="12 000", assessment="Bra."
        ),
        lambda a, f: reverse("monitoring:follow-up", args=[a.pk]),
    ),
    Thing(
        "acknowledge",
        permissions.can_acknowledge_follow_up,
        lambda u, a, f: services.follow_up_acknowledge(actor=u, follow_up_id=f.pk),
        lambda a, f: reverse("monitoring:follow-up-ack", args=[f.pk]),
    ),
]


@pytest.mark.parametrize("thing", THINGS, ids=[t.flag for t in THINGS])
@pytest.mark.parametrize("who", USERS)
def test_the_page_shows_a_button_exactly_when_the_service_allows_it(
    client, request, evidence_account, follow_up, thing, who
):
    """A page never shows a button its user cannot press, and hides none they may."""
    user = request.getfixturevalue(who)
    may = thing.predicate(user, evidence_account)

    client.force_login(user)
    response = client.get(reverse("monitoring:account", args=[evidence_account.pk]))

    assert refuses(lambda: thing.call(user, evidence_account, follow_up)) is not may
    assert response.status_code == 200
    assert response.context["may"][thing.flag] is may
    assert (f'action="{thing.url(evidence_account, follow_up)}"' in response.content.decode()) is may


@pytest.mark.parametrize("who", USERS)
def test_check_in_is_for_whoever_keeps_the_account(request, evidence_account, who):
    """MON-1: the predicate and the service's refusal agree; the Today page lists only the
    accounts the user keeps (monitoring.selectors), so it never offers another."""
    user = request.getfixturevalue(who)
    may = permissions.can_check_in(user, evidence_account)

    assert may is (who in ("owner", "deputy", "comms"))
    assert refuses(lambda: services.checkin_record(actor=user, account=evidence_account)) is not may


@pytest.mark.parametrize("who", USERS)
def test_the_overview_is_for_comms_auditors_and_managers(client, request, evidence_account, who):
    """RESP-1: the compliance overview answers 403 to whoever the predicate refuses."""
    user = request.getfixturevalue(who)
    client.force_login(user)

    may = permissions.can_see_overview(user)

    assert may is (who in ("manager", "other_manager", "comms", "auditor"))
    assert client.get(reverse("monitoring:overview")).status_code == (200 if may else 403)
