"""Bulk retroactive approval (issue 13, START-1, RESP-1): a manager approves or rejects many
imported accounts in one form; each account gets its own Decision record, audit event and
e-mails, through the same per-account logic as a single decision, all or nothing."""

import pytest
from django.urls import reverse

from accounts.choices import AccountStatus, Classification, Origin
from accounts.services import social_account_create
from approvals import selectors, services
from approvals.choices import Outcome, Step
from approvals.models import Decision
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

BULK = reverse("approvals:retroactive-bulk")
S = AccountStatus


def import_accounts(comms, owner, deputy, unit, n: int, *, prefix: str = "Importerat", **fields) -> list:
    """n accounts as the import creates them: active, origin "import", awaiting approval."""
    return [
        social_account_create(
            actor=comms,
            owner=owner,
            deputy=deputy,
            origin=Origin.IMPORT,
            name=f"{prefix} {i}",
            platform=factories.platform("instagram"),
            handle=f"{prefix.lower()}_{unit.pk}_{i}",
            url=f"https://instagram.com/{prefix.lower()}_{unit.pk}_{i}",
            unit=unit,
            purpose="Nyheter från institutionen.",
            **fields,
        )
        for i in range(n)
    ]


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def twelve(org, comms, owner, deputy):
    """12 imported accounts under the head's department (six in the department, six in its division)."""
    return import_accounts(comms, owner, deputy, org.department, 6) + import_accounts(
        comms, owner, deputy, org.division, 6, prefix="Avdelning"
    )


def written() -> tuple[int, int, int]:
    return Decision.objects.count(), AuditEvent.objects.count(), Notification.objects.count()


def test_twelve_accounts_approved_in_one_post(en_client, head, twelve):
    """START-1, RESP-1: one POST of 12 accounts records 12 Decisions (retroactive step, approve,
    by the head), 12 audit events and the e-mails to each account's owner and deputy, as a
    single decision does."""
    en_client.force_login(head)
    decisions_before, _events, notices_before = written()

    response = en_client.post(
        BULK, {"accounts": [a.pk for a in twelve], "outcome": Outcome.APPROVE, "comment": ""}, follow=True
    )

    assert response.redirect_chain == [(BULK, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your decision was recorded for 12 accounts."]
    decisions = Decision.objects.filter(account__in=twelve)
    assert decisions.count() == 12 == Decision.objects.count() - decisions_before
    assert {(d.step, d.outcome, d.decided_by_id) for d in decisions} == {(Step.RETROACTIVE, Outcome.APPROVE, head.pk)}
    assert sorted(d.account_id for d in decisions) == sorted(a.pk for a in twelve)
    events = AuditEvent.objects.filter(action="decision.retroactive")
    assert events.count() == 12
    assert {e.actor_id for e in events} == {head.pk}
    assert sorted(int(e.object_id) for e in events) == sorted(a.pk for a in twelve)
    assert Notification.objects.filter(kind="request-decided").count() - notices_before == 24  # owner + deputy each
    assert not any(selectors.retroactive_pending(a) for a in twelve)
    assert not response.context["accounts"]  # nothing waits any more


def test_rejecting_in_bulk_needs_a_reason_and_starts_decommissioning(en_client, head, twelve):
    """DECOM-1: a rejection needs a reason (the form says so, nothing is written); with one, each
    rejected account starts its decommissioning."""
    en_client.force_login(head)
    chosen = [a.pk for a in twelve[:3]]
    before = written()

    refused = en_client.post(BULK, {"accounts": chosen, "outcome": Outcome.REJECT, "comment": " "})

    assert refused.status_code == 200
    assert "Say why the accounts are rejected." in refused.content.decode()
    assert refused.context["selected"] == set(chosen)  # the ticks are kept
    assert written() == before

    en_client.post(BULK, {"accounts": chosen, "outcome": Outcome.REJECT, "comment": "Behövs inte."})

    assert Decision.objects.filter(outcome=Outcome.REJECT, comment="Behövs inte.").count() == 3
    assert set(type(twelve[0]).objects.filter(pk__in=chosen).values_list("status", flat=True)) == {S.DECOMMISSIONING}


def test_an_account_of_another_manager_in_the_post_refuses_all(en_client, head, twelve, org, comms, owner, deputy):
    """RESP-1, all or nothing: an account the head may see but not decide (the sibling
    department's) makes the whole POST 403, and none of the 12 is decided."""
    [foreign] = import_accounts(comms, owner, deputy, org.sibling, 1, prefix="Granne")
    en_client.force_login(head)
    before = written()

    response = en_client.post(
        BULK, {"accounts": [*(a.pk for a in twelve), foreign.pk], "outcome": Outcome.APPROVE, "comment": ""}
    )

    assert response.status_code == 403
    assert written() == before
    assert all(selectors.retroactive_pending(a) for a in [*twelve, foreign])


def test_an_account_the_manager_may_not_see_answers_404_and_writes_nothing(
    en_client, head, twelve, org, comms, owner, deputy
):
    """An account outside what the manager may see (a student ambassador account of another
    department, a number that does not exist) answers 404; nothing is written."""
    [hidden] = import_accounts(
        comms, owner, deputy, org.sibling, 1, prefix="Dold", classification=Classification.STUDENT_AMBASSADOR
    )
    en_client.force_login(head)
    before = written()

    for extra in (hidden.pk, 999999, "abc"):
        response = en_client.post(BULK, {"accounts": [twelve[0].pk, extra], "outcome": Outcome.APPROVE, "comment": ""})
        assert response.status_code == 404

    assert written() == before


def test_an_account_decided_meanwhile_refuses_the_whole_selection(en_client, head, dean, twelve):
    """Two managers at once: if the dean approved one of the selection first, the head's bulk
    decision records nothing and says why."""
    services.retroactive_decide(actor=dean, account_id=twelve[5].pk, outcome=Outcome.APPROVE)
    en_client.force_login(head)
    before = written()

    response = en_client.post(BULK, {"accounts": [a.pk for a in twelve], "outcome": Outcome.APPROVE})

    assert response.status_code == 200
    assert "This account does not await a retroactive approval." in response.content.decode()
    assert written() == before


def test_nothing_selected_is_an_error_not_a_decision(en_client, head, twelve):
    en_client.force_login(head)
    before = written()

    response = en_client.post(BULK, {"outcome": Outcome.APPROVE})

    assert "Select at least one account." in response.content.decode()
    assert written() == before


def test_the_service_refuses_returning_and_too_many(head, twelve):
    with pytest.raises(ApplicationError):
        services.retroactive_decide_many(
            actor=head, account_ids=[twelve[0].pk], outcome=Outcome.RETURN, comment="Ändra."
        )
    with pytest.raises(ApplicationError):
        services.retroactive_decide_many(actor=head, account_ids=[], outcome=Outcome.APPROVE)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_head", "comms", "owner"])
def test_only_a_responsible_manager_decides_in_bulk(twelve, request, who):
    """RESP-1: the service refuses anyone not responsible for every account, writing nothing."""
    before = written()

    with pytest.raises(NotAllowed):
        services.retroactive_decide_many(
            actor=request.getfixturevalue(who), account_ids=[a.pk for a in twelve], outcome=Outcome.APPROVE
        )

    assert written() == before


def test_the_page_lists_the_managers_accounts_with_labelled_checkboxes(
    en_client, head, twelve, org, comms, owner, deputy
):
    """The page lists what waits for this manager only (not the sibling's, not requests), each
    with a labelled checkbox; the select-all box is hidden until its script runs."""
    import_accounts(comms, owner, deputy, org.sibling, 2, prefix="Granne")
    en_client.force_login(head)

    response = en_client.get(BULK)

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 12
    content = response.content.decode()
    assert "Granne" not in content
    for account in twelve:
        assert f'id="account-{account.pk}"' in content
        assert f'<label class="visually-hidden" for="account-{account.pk}">Select {account.name}</label>' in content
    assert "data-select-all-box hidden" in content
    assert "js/select-all.js" in content


def test_the_todo_page_links_to_the_bulk_page(en_client, head, twelve):
    en_client.force_login(head)

    assert BULK in en_client.get(reverse("approvals:todo")).content.decode()


def test_someone_with_nothing_to_approve_sees_no_form(en_client, outsider):
    """A page never shows a button its user cannot use."""
    en_client.force_login(outsider)

    response = en_client.get(BULK)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing waits here." in content
    assert '<form method="post"' not in content


def test_the_page_needs_a_login(client):
    assert client.get(BULK).status_code == 302


def test_the_page_counts_up_to_the_bound_and_says_more_than(
    en_client, head, twelve, org, comms, owner, deputy, settings
):
    """Issue 12: the page counts no further than the bound or the end of the page asked for
    (here 25 + 1 of 32 accounts), the badge and the caption say "more than", and an account
    approved since drops out (the partial index of retroactive approvals answers as the
    decisions themselves do)."""
    more = import_accounts(comms, owner, deputy, org.department, 20, prefix="Fler")
    settings.PAGINATION_COUNT_LIMIT = 5
    en_client.force_login(head)

    response = en_client.get(BULK)

    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.more_than, paginator.pages_more_than) == (26, 25, 1)
    content = response.content.decode()
    assert "more than 25</span></h1>" in content
    assert "Accounts awaiting your retroactive approval, page 1 of more than 1" in content

    settings.PAGINATION_COUNT_LIMIT = 1000
    services.retroactive_decide_many(actor=head, account_ids={more[0].pk}, outcome=Outcome.APPROVE, comment="")
    response = en_client.get(BULK)
    assert (response.context["page_obj"].paginator.count, response.context["page_obj"].paginator.more_than) == (
        31,
        None,
    )
    assert more[0].pk not in {a.pk for a in response.context["page_obj"].paginator.object_list}
