"""approvals.permissions: one answer to "who may" for the service and the page. For every step of
the workflow and every kind of user, the predicate, the service's refusal (NotAllowed) and the
button on the request page agree (START-1, START-2, RESP-1, SEND-1..3, DECOM-1/2, RES-2)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.services import deputy_change
from approvals import permissions, services
from approvals.choices import Outcome
from core.exceptions import NotAllowed
from org import roles
from tests.refusals import refuses

pytestmark = pytest.mark.django_db

USERS = ["requester", "owner", "deputy", "head", "dean", "other_head", "comms", "auditor", "outsider"]


@dataclass(frozen=True)
class Step:
    flag: str  # the key of permissions.actions and of the page's `may`
    state: str  # the fixture with the account in the state the step starts from
    call: Callable  # the service, as (actor, account)
    url: str  # where the page's button posts

    def action(self, account) -> str:
        if self.url == "approvals:decision-reference":
            return reverse(self.url, args=[account.decisions.get().pk])
        return reverse(self.url, args=[account.pk])


STEPS = [
    Step(
        "edit",
        "draft",
        lambda u, a: services.request_submit(actor=u, account_id=a.pk, guidelines_read=True),
        "approvals:submit",
    ),
    Step(
        "decide",
        "awaiting_manager",
        lambda u, a: services.manager_decide(actor=u, account_id=a.pk, outcome=Outcome.APPROVE),
        "approvals:decide",
    ),
    Step(
        "sign_off",
        "awaiting_comms",
        lambda u, a: services.comms_decide(actor=u, account_id=a.pk, outcome=Outcome.APPROVE),
        "approvals:sign-off",
    ),
    Step(
        "retro",
        "registered",
        lambda u, a: services.retroactive_decide(actor=u, account_id=a.pk, outcome=Outcome.APPROVE),
        "approvals:retroactive",
    ),
    Step("set_up", "approved", lambda u, a: services.account_go_live(actor=u, account_id=a.pk), "approvals:go-live"),
    Step(
        "start_decommission",
        "active",
        lambda u, a: services.decommission_start(actor=u, account_id=a.pk, reason="Ingen bevakar kontot."),
        "approvals:decommission",
    ),
    Step(
        "decommission",
        "decommissioning",
        lambda u, a: services.decommission_confirm(actor=u, account_id=a.pk, items=[]),
        "approvals:decommission-checklist",
    ),
    Step(
        "enter_reference",
        "awaiting_comms",
        lambda u, a: services.decision_reference_set(actor=u, decision_id=a.decisions.get().pk, reference="KI 2025-1"),
        "approvals:decision-reference",
    ),
    Step(
        "change_people",
        "active",
        lambda u, a: deputy_change(actor=u, account_id=a.pk, person=u),
        "approvals:deputy",
    ),
]


@pytest.fixture
def decommissioning(active, owner):
    services.decommission_start(actor=owner, account_id=active.pk, reason="Ingen bevakar kontot.")
    active.refresh_from_db()
    return active


@pytest.mark.parametrize("step", STEPS, ids=[s.flag for s in STEPS])
@pytest.mark.parametrize("who", USERS)
def test_the_page_shows_a_step_exactly_when_the_service_allows_it(client, request, step, who):
    """A page never shows a button its user cannot press, and hides none they may."""
    account = request.getfixturevalue(step.state)
    user = request.getfixturevalue(who)
    may = permissions.actions(user, account)[step.flag]

    client.force_login(user)
    response = client.get(reverse("approvals:detail", args=[account.pk]))

    assert refuses(lambda: step.call(user, account)) is not may
    if response.status_code == 404:  # no page, no button: and no right either
        assert may is False
        return
    assert response.context["may"][step.flag] is may
    assert (f'action="{step.action(account)}"' in response.content.decode()) is may


def test_the_manager_who_approved_sees_no_sign_off_even_in_comms(client, awaiting_comms, head, english):
    """START-2: the two steps are two people. A manager who is also in the communications department
    is refused the sign-off of a request they approved, so they are not offered it either."""
    head.groups.add(Group.objects.get_or_create(name=roles.COMMS)[0])
    head = type(head).objects.get(pk=head.pk)  # forget the cached roles

    assert permissions.can_sign_off(head, awaiting_comms) is False
    with pytest.raises(NotAllowed, match="You approved this request as manager"):
        services.comms_decide(actor=head, account_id=awaiting_comms.pk, outcome=Outcome.APPROVE)
    client.force_login(head)
    response = client.get(reverse("approvals:detail", args=[awaiting_comms.pk]))
    assert response.context["may"]["sign_off"] is False


@pytest.mark.parametrize(
    ("who", "allowed"), [("requester", True), ("owner", True), ("auditor", False), ("comms", True)]
)
def test_who_may_request_an_account(request, client, who, allowed):
    """START-1: anyone at KI may ask for an account; an auditor only reads (unless also in comms)."""
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert permissions.can_request(user) is allowed
    assert (client.get(reverse("approvals:request-create")).status_code == 200) is allowed
