from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import AccountStatus, Classification, HandoverStatus, Role
from accounts.models import Handover, SenderConfirmation, SocialAccount
from accounts.services import handover_propose, sender_checklist_items, social_account_create
from approvals import selectors, services
from approvals.choices import Outcome
from approvals.models import Decision
from approvals.views import TODO_LATEST
from tests import factories
from tests.approvals.helpers import confirm_sender_checklist, counts, record_address, request_fields

pytestmark = pytest.mark.django_db

S = AccountStatus
LOGIN = resolve_url(settings.LOGIN_URL)
TODO = reverse("approvals:todo")
CREATE = reverse("approvals:request-create")
# The sections of the to-do page, in the order the view lists them.
# The approvals sections, then those that higher floors add (records: criticism routed to a manager).
SECTIONS = (
    "my_requests",
    "to_decide",
    "retroactive",
    "to_sign_off",
    "to_go_live",
    "decommissioning",
    "cover_needed",  # monitoring: coverage gaps to cover (MON-2, DECOM-2)
    "routed_criticism",
)


def detail(account) -> str:
    return reverse("approvals:detail", args=[account.pk])


def refreshed(account) -> SocialAccount:
    return SocialAccount.objects.get(pk=account.pk)


def current_people(account) -> dict:
    return {a.role: a.person for a in account.assignments.current()}


@pytest.fixture
def ready(approved, owner):
    """An approved account whose address and sender checklist are done: it can go live."""
    record_address(approved, owner)
    confirm_sender_checklist(approved, owner)
    return approved


@pytest.fixture
def registered_student(org, comms, owner, deputy):
    """A live account registered by comms. A student ambassador account (PRIV-3), so that staff
    without a role do not see it: active official accounts are visible to every logged-in user."""
    account = social_account_create(
        actor=comms,
        owner=owner,
        deputy=deputy,
        name="KI Studentambassadörer Medicin",
        platform=factories.platform("instagram"),
        handle="kistudentmedicin",
        url="https://www.instagram.com/kistudentmedicin",
        unit=org.department,
        classification=Classification.STUDENT_AMBASSADOR,
        purpose="Studenter berättar om utbildningen.",
    )
    factories.SnapshotFactory(account=account)  # screenshotted, so major changes are allowed (REC-5)
    return account


@pytest.fixture
def decommissioning_student(registered_student, owner):
    services.decommission_start(actor=owner, account_id=registered_student.pk, reason="Ingen bevakar kontot.")
    return registered_student


# The permission matrix of the POST endpoints


@dataclass(frozen=True)
class Endpoint:
    """A POST endpoint: the account state it acts on, valid form data, a user who sees the account
    but may not act, the user who may, and how to tell that the action took effect."""

    name: str
    state: str
    data: Callable[[pytest.FixtureRequest, SocialAccount], dict]
    forbidden: str
    permitted: str
    took_effect: Callable[[pytest.FixtureRequest, SocialAccount], bool]

    def url(self, account) -> str:
        if self.name == "decision-reference":
            return reverse("approvals:decision-reference", args=[account.decisions.get().pk])
        return reverse(f"approvals:{self.name}", args=[account.pk])


def decision_data(status: str) -> Callable:
    return lambda request, account: {"outcome": Outcome.APPROVE, "comment": "", "seen_status": status}


def person(name: str) -> Callable:
    return lambda request, account: {"person": request.getfixturevalue(name).pk, "note": ""}


ENDPOINTS = [
    Endpoint(
        "submit",
        "draft",
        lambda r, a: {"guidelines_read": "on"},
        forbidden="owner",
        permitted="requester",
        took_effect=lambda r, a: refreshed(a).status == S.AWAITING_MANAGER,
    ),
    Endpoint(
        "decide",
        "awaiting_manager",
        decision_data(S.AWAITING_MANAGER),
        forbidden="auditor",
        permitted="head",
        took_effect=lambda r, a: refreshed(a).status == S.AWAITING_COMMS,
    ),
    Endpoint(
        "sign-off",
        "awaiting_comms",
        decision_data(S.AWAITING_COMMS),
        forbidden="owner",
        permitted="comms",
        took_effect=lambda r, a: refreshed(a).status == S.APPROVED,
    ),
    Endpoint(
        "retroactive",
        "registered_student",
        decision_data(S.ACTIVE),
        forbidden="auditor",
        permitted="head",
        took_effect=lambda r, a: not selectors.retroactive_pending(refreshed(a)),
    ),
    Endpoint(
        "address",
        "approved",
        lambda r, a: {"name": "KI Medicin Solna", "url": "https://www.instagram.com/kimedicinsolna"},
        forbidden="auditor",
        permitted="owner",
        took_effect=lambda r, a: refreshed(a).handle == "kimedicinsolna",
    ),
    Endpoint(
        "sender-checklist",
        "approved",
        lambda r, a: {"items": sender_checklist_items(a)},
        forbidden="auditor",
        permitted="owner",
        took_effect=lambda r, a: SenderConfirmation.objects.filter(account=a).count() == len(sender_checklist_items(a)),
    ),
    Endpoint(
        "go-live",
        "ready",
        lambda r, a: {},
        forbidden="auditor",
        permitted="owner",
        took_effect=lambda r, a: refreshed(a).status == S.ACTIVE,
    ),
    Endpoint(
        "decommission",
        "registered_student",
        lambda r, a: {"reason": "Ingen bevakar kontot längre."},
        forbidden="deputy",
        permitted="owner",
        took_effect=lambda r, a: refreshed(a).status == S.DECOMMISSIONING,
    ),
    Endpoint(
        "decommission-checklist",
        "decommissioning_student",
        lambda r, a: {"items": services.decommission_items(a)},
        forbidden="auditor",
        permitted="owner",
        took_effect=lambda r, a: refreshed(a).status == S.DECOMMISSIONED,
    ),
    Endpoint(
        "handover",
        "registered_student",
        person("requester"),
        forbidden="deputy",
        permitted="owner",
        took_effect=lambda r, a: a.handovers.filter(status=HandoverStatus.PENDING).exists(),
    ),
    Endpoint(
        "deputy",
        "registered_student",
        person("requester"),
        forbidden="deputy",
        permitted="owner",
        took_effect=lambda r, a: current_people(a)[Role.DEPUTY] == r.getfixturevalue("requester"),
    ),
    Endpoint(
        "decision-reference",
        "awaiting_comms",
        lambda r, a: {"reference": "KI 2025-1234"},
        forbidden="owner",
        permitted="comms",
        took_effect=lambda r, a: a.decisions.get().registry_reference == "KI 2025-1234",
    ),
]
endpoints = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])


def post_as(client, request, endpoint: Endpoint, who: str | None):
    """POST the endpoint's valid data on the account in its state, as the named user (or anonymous)."""
    account = request.getfixturevalue(endpoint.state)
    if who:
        client.force_login(request.getfixturevalue(who))
    return account, client.post(endpoint.url(account), endpoint.data(request, account))


@endpoints
def test_anonymous_post_is_sent_to_login(client, request, endpoint):
    """RESP-1: nobody acts on an account without logging in."""
    account, response = post_as(client, request, endpoint, None)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not endpoint.took_effect(request, account)


@endpoints
def test_post_by_someone_who_cannot_see_the_account_is_not_found(client, request, endpoint):
    """RESP-1: an account the user may not see does not exist for them (404)."""
    account = request.getfixturevalue(endpoint.state)
    before = counts()

    _, response = post_as(client, request, endpoint, "outsider")

    assert response.status_code == 404
    assert counts() == before
    assert not endpoint.took_effect(request, account)


@endpoints
def test_post_by_someone_who_sees_but_may_not_act_is_forbidden(client, request, endpoint):
    """RESP-1, RES-2: seeing an account gives no right to act on it (403) and nothing is written."""
    account = request.getfixturevalue(endpoint.state)
    before = counts()

    _, response = post_as(client, request, endpoint, endpoint.forbidden)

    assert response.status_code == 403
    assert counts() == before
    assert not endpoint.took_effect(request, account)


@endpoints
def test_post_by_the_permitted_user_acts_and_returns_to_the_request(client, request, endpoint):
    """START-1, START-2, RESP-1, RES-2, SEND-1..3, DECOM-1: the permitted user's action takes effect."""
    account, response = post_as(client, request, endpoint, endpoint.permitted)

    assert response.status_code == 302
    assert response.url == detail(account)
    assert endpoint.took_effect(request, account)


# Answering a handover: only the offered person can even see the offer


@pytest.fixture
def offer(registered_student, owner, requester):
    return handover_propose(actor=owner, account_id=registered_student.pk, to_person=requester)


def answer(offer) -> str:
    return reverse("approvals:handover-answer", args=[offer.pk])


def test_anonymous_answer_is_sent_to_login(client, offer):
    """RES-2: nobody answers a handover without logging in."""
    response = client.post(answer(offer), {"accept": "yes"})

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("who", ["owner", "deputy", "comms", "outsider"])
def test_answer_by_anyone_but_the_offered_person_is_not_found(client, request, offer, who):
    """RES-2: an offer made to someone else does not exist for the user (404)."""
    client.force_login(request.getfixturevalue(who))
    before = counts()

    response = client.post(answer(offer), {"accept": "yes"})

    assert response.status_code == 404
    assert counts() == before


def test_offered_person_accepts_and_becomes_owner(client, offer, requester, registered_student):
    """RES-2: the offered person's acceptance makes them owner."""
    client.force_login(requester)

    response = client.post(answer(offer), {"accept": "yes"})

    assert response.status_code == 302
    assert response.url == TODO
    assert current_people(registered_student)[Role.OWNER] == requester


# The request page


@pytest.mark.parametrize(
    ("who", "shown"),
    [("head", True), ("dean", True), ("requester", False), ("owner", False), ("comms", False), ("auditor", False)],
)
def test_decision_form_is_shown_only_to_an_eligible_manager(client, request, awaiting_manager, who, shown):
    """START-1, RESP-1: only a responsible manager who did not make the request sees the decision form."""
    client.force_login(request.getfixturevalue(who))

    response = client.get(detail(awaiting_manager))

    assert response.status_code == 200
    assert response.context["may"]["decide"] is shown
    assert (reverse("approvals:decide", args=[awaiting_manager.pk]) in response.content.decode()) is shown


def test_manager_sees_no_decision_form_on_their_own_request(client, make_draft, head):
    """RESP-1: the manager's own request shows them no decision form."""
    account = make_draft(actor=head)
    services.request_submit(actor=head, account_id=account.pk, guidelines_read=True)
    client.force_login(head)

    response = client.get(detail(account))

    assert response.context["may"]["decide"] is False


@pytest.mark.parametrize(
    ("state", "who", "shown"),
    [
        ("awaiting_comms", "comms", True),
        ("awaiting_manager", "comms", False),
        ("awaiting_comms", "head", False),
        ("awaiting_comms", "auditor", False),
    ],
)
def test_likely_duplicates_are_shown_only_to_comms_at_sign_off(client, request, state, who, shown):
    """START-2: comms sees the likely duplicates when it signs off, nobody else and at no other time."""
    account = request.getfixturevalue(state)
    client.force_login(request.getfixturevalue(who))

    response = client.get(detail(account))

    assert response.status_code == 200
    assert ("duplicates" in response.context) is shown


def test_request_page_of_an_account_the_user_cannot_see_is_not_found(client, awaiting_manager, other_head):
    """RESP-1: a manager of another unit cannot open the request."""
    client.force_login(other_head)

    assert client.get(detail(awaiting_manager)).status_code == 404


# The to-do page


def waiting(client, user) -> dict[str, list[int]]:
    """The non-empty sections of the user's to-do page, as account ids."""
    client.force_login(user)
    response = client.get(TODO)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert set(SECTIONS) <= {section.key for section in sections}
    return {section.key: [a.pk for a in section.accounts] for section in sections if section.accounts}


def test_manager_sees_the_request_to_decide(client, awaiting_manager, head):
    """START-1: the responsible manager finds the request waiting for their decision."""
    assert waiting(client, head) == {"to_decide": [awaiting_manager.pk]}


def test_comms_sees_the_request_to_sign_off(client, awaiting_comms, comms):
    """START-2: comms finds the request the manager approved waiting for its sign-off."""
    assert waiting(client, comms) == {"to_sign_off": [awaiting_comms.pk]}


def test_requester_sees_their_returned_request(client, awaiting_manager, head, requester):
    """START-1: a returned request waits for its requester to change and send it again."""
    services.manager_decide(
        actor=head, account_id=awaiting_manager.pk, outcome=Outcome.RETURN, comment="Beskriv målen tydligare."
    )

    assert waiting(client, requester) == {"my_requests": [awaiting_manager.pk]}


def test_offered_person_sees_the_handover(client, offer, requester):
    """RES-2: the person an account is offered to finds the offer on their to-do page."""
    client.force_login(requester)

    response = client.get(TODO)

    assert list(response.context["handovers"]) == [offer]


def test_todo_for_comms_runs_the_same_queries_however_many_requests_wait(client, comms):
    """START-2: the to-do page's query count does not grow with the number of waiting requests."""

    def queries_with(n: int) -> int:
        for _ in range(n - SocialAccount.objects.filter(status=S.AWAITING_COMMS).count()):
            factories.staffed_account(status=S.AWAITING_COMMS, activated_at=None, url="", handle="")
        client.force_login(comms)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(TODO)
        assert sum(section.total for section in response.context["sections"]) == n
        assert len(waiting_ids(response)) == min(n, TODO_LATEST)
        return len(queries)

    assert queries_with(3) == queries_with(30)


def waiting_ids(response) -> list[int]:
    return [a.pk for section in response.context["sections"] for a in section.accounts]


# The decision record


def test_decision_record_downloads_as_a_pdf(client, awaiting_comms, requester):
    """START-1: whoever may see the account downloads its decision record as a PDF."""
    client.force_login(requester)

    response = client.get(reverse("approvals:decision-pdf", args=[awaiting_comms.decisions.get().pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_decision_record_of_an_account_the_user_cannot_see_is_not_found(client, awaiting_comms, outsider):
    """RESP-1: a decision on an account the user may not see does not exist for them."""
    client.force_login(outsider)

    response = client.get(reverse("approvals:decision-pdf", args=[awaiting_comms.decisions.get().pk]))

    assert response.status_code == 404


# The request form


def form_data(org, owner, **overrides) -> dict:
    data = {
        **request_fields(),
        "unit": org.department.pk,
        "platform": factories.platform("instagram").pk,
        "owner": owner.pk,
        "deputy": owner.pk,
        **overrides,
    }
    return {k: v for k, v in data.items() if v is not None}


def test_request_with_the_owner_as_deputy_is_shown_again_with_the_error(client, org, requester, owner):
    """RES-2: the deputy cannot be the owner; the form says so and nothing is saved."""
    client.force_login(requester)
    before = counts()

    response = client.post(CREATE, form_data(org, owner))

    assert response.status_code == 200
    assert any("RES-2" in error for error in response.context["form"].errors["deputy"])
    assert counts() == before


def test_valid_request_is_saved_as_a_draft(client, org, requester, owner, deputy):
    """START-1: a complete request form is saved as the requester's draft."""
    client.force_login(requester)

    response = client.post(CREATE, form_data(org, owner, deputy=deputy.pk))

    account = SocialAccount.objects.get()
    assert response.status_code == 302
    assert response.url == detail(account)
    assert (account.status, account.created_by) == (S.DRAFT, requester)
    assert current_people(account) == {Role.OWNER: owner, Role.DEPUTY: deputy}


def test_auditor_cannot_open_the_request_form(client, auditor):
    """START-1: an auditor reads the register and requests nothing (403)."""
    client.force_login(auditor)

    assert client.get(CREATE).status_code == 403


def test_anonymous_request_form_is_sent_to_login(client):
    """START-1: the request form needs a login."""
    response = client.get(CREATE)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


# Two people deciding at once


def test_decision_on_a_state_the_manager_no_longer_sees_is_refused_with_a_message(client, awaiting_manager, head, dean):
    """RESP-1: a decision form sent after someone else decided records nothing and says why."""
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)
    client.force_login(dean)

    response = client.post(
        reverse("approvals:decide", args=[awaiting_manager.pk]),
        {"outcome": Outcome.REJECT, "comment": "Nej.", "seen_status": S.AWAITING_MANAGER},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"] == [
        "This request is now “Awaiting communications department”: someone else has acted on it. "
        "Reload the page to see it."
    ]
    assert Decision.objects.count() == 1
    assert refreshed(awaiting_manager).status == S.AWAITING_COMMS


def test_handover_offer_is_refused_while_one_waits(client, offer, registered_student, owner, deputy):
    """RES-2: a second offer while one waits is shown as a message and writes nothing."""
    client.force_login(owner)
    before = counts()

    response = client.post(reverse("approvals:handover", args=[registered_student.pk]), {"person": deputy.pk})

    assert response.status_code == 302
    assert counts() == before
    assert Handover.objects.get() == offer


def test_checklist_item_sent_twice_is_confirmed_once(client, decommissioning_student, owner):
    """DECOM-1: a form that repeats an item (double click, crafted POST) records it once, without an error."""
    client.force_login(owner)
    url = reverse("approvals:decommission-checklist", args=[decommissioning_student.pk])

    response = client.post(url, {"items": ["final_screenshot", "final_screenshot"]})

    assert response.status_code == 302
    assert decommissioning_student.decommission_confirmations.count() == 1


def test_a_sent_or_rejected_request_has_no_edit_page(client, awaiting_manager, head, requester):
    """START-1: once sent, a request is not edited; after a rejection it never is again (404)."""
    client.force_login(requester)
    assert client.get(reverse("approvals:request-update", args=[awaiting_manager.pk])).status_code == 404
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.REJECT, comment="Nej.")
    assert client.get(reverse("approvals:request-update", args=[awaiting_manager.pk])).status_code == 404


def test_the_account_history_names_each_step_in_words(client, active, comms):
    """The audit history reads as words in the user's language, not as internal codes."""
    client.force_login(comms)
    html = client.get(reverse("accounts:history", args=[active.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Chefens beslut" in html and "Status ändrad" in html
    assert "decision.manager" not in html and "account.status" not in html


def test_recording_the_address_of_an_approved_account_mails_no_one(approved, owner):
    """Setting up an approved account (its address) is not news: no change e-mails."""
    from notifications.models import Notification

    before = Notification.objects.count()
    record_address(approved, owner)
    assert Notification.objects.count() == before
