import datetime
import itertools
import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone, translation

from accounts.choices import TRANSITIONS, AccountStatus, HandoverStatus, Origin, Role, SenderCheck
from accounts.models import Assignment, Handover, SenderConfirmation, SocialAccount
from accounts.services import (
    deputy_change,
    handover_answer,
    handover_propose,
    sender_checklist_confirm,
    sender_checklist_items,
    social_account_draft_update,
    social_account_transition,
)
from approvals import selectors, services
from approvals.choices import STEP_CLAUSES, DecommissionCheck, Outcome, Step
from approvals.models import Decision, DecommissionConfirmation, Submission
from approvals.services import REQUIRED_FOR_SUBMISSION
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from notifications.models import Notification
from notifications.services import notifications_send
from tests import factories
from tests.approvals.helpers import (
    actions,
    confirm_sender_checklist,
    counts,
    notification_mark,
    queued_since,
    record_address,
)
from tests.pdf import needs_pdftotext, pdf_text, pdf_title

pytestmark = pytest.mark.django_db

S = AccountStatus
REGISTRY = "registrator@ki.se"


def status_of(account) -> str:
    account.refresh_from_db()
    return account.status


def submit(account, actor):
    return services.request_submit(actor=actor, account_id=account.pk, guidelines_read=True)


def current_people(account) -> dict:
    return {a.role: a.person for a in account.assignments.current()}


# request_submit


def test_submitting_moves_the_draft_to_awaiting_manager(draft, requester):
    """START-1: a sent request waits for the responsible manager's decision."""
    submit(draft, requester)

    assert status_of(draft) == S.AWAITING_MANAGER


def test_submitting_records_who_sent_it_having_read_the_guidelines(draft, requester):
    """START-1: the submission records the requester and that they read the guidelines."""
    submit(draft, requester)

    submission = Submission.objects.get()
    assert (submission.account, submission.submitted_by, submission.guidelines_read) == (draft, requester, True)


def test_submitting_records_the_status_change_in_the_audit_trail(draft, requester):
    """START-1: the move from draft to awaiting manager is an audit event by the requester."""
    submit(draft, requester)

    event = AuditEvent.objects.for_object(draft).get(action="account.status")
    assert (event.actor, event.before, event.after) == (
        requester,
        {"status": S.DRAFT},
        {"status": S.AWAITING_MANAGER},
    )


def test_submitting_tells_comms_and_asks_the_nearest_manager(draft, requester, head):
    """START-2, COMMS-1, START-1: exactly two e-mails, to the comms mailbox and to the department's manager."""
    mark = notification_mark()

    submit(draft, requester)

    assert queued_since(mark) == sorted(
        [(settings.COMMS_EMAIL, "request-submitted"), (head.email, "request-to-decide")]
    )


def test_submission_emails_are_delivered_with_a_link_to_the_request(draft, requester, head):
    """START-2, COMMS-1: the two e-mails reach comms and the manager and link to the request page."""
    submit(draft, requester)

    assert notifications_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([settings.COMMS_EMAIL, head.email])
    for message in mail.outbox:
        assert f"/requests/{draft.pk}/" in message.body


@pytest.mark.parametrize("field", list(REQUIRED_FOR_SUBMISSION))
def test_submitting_with_a_required_field_missing_is_refused_and_writes_nothing(make_draft, requester, english, field):
    """PURP-1..3, RES-1, MON-2: the refusal names the missing field and nothing is written."""
    account = make_draft()
    # Emptied behind the model's back: the purpose cannot even be saved blank, and the check at
    # sending must hold whatever the form allowed.
    SocialAccount.objects.filter(pk=account.pk).update(**{field: None if field == "hours_per_week" else ""})
    before = counts()

    with pytest.raises(ApplicationError) as refused:
        submit(account, requester)

    assert str(SocialAccount._meta.get_field(field).verbose_name) in refused.value.message
    assert status_of(account) == S.DRAFT
    assert counts() == before


def test_submitting_without_owner_and_deputy_is_refused(make_draft, requester, english):
    """RES-2: a request without an account owner and a deputy cannot be sent."""
    account = make_draft(owner=None, deputy=None)
    before = counts()

    with pytest.raises(ApplicationError, match="account owner and deputy"):
        submit(account, requester)

    assert status_of(account) == S.DRAFT
    assert counts() == before


def test_submitting_without_having_read_the_guidelines_is_refused(draft, requester):
    """START-1: the requester must confirm they read the guidelines and act for KI."""
    before = counts()

    with pytest.raises(ApplicationError):
        services.request_submit(actor=requester, account_id=draft.pk, guidelines_read=False)

    assert status_of(draft) == S.DRAFT
    assert counts() == before


def test_only_the_requester_can_submit(draft, owner):
    """START-1: someone else than the requester (here the proposed owner) cannot send the request."""
    before = counts()

    with pytest.raises(NotAllowed):
        submit(draft, owner)

    assert status_of(draft) == S.DRAFT
    assert counts() == before


# Separation of duties and the delegation order


def test_manager_cannot_decide_on_their_own_request(make_draft, head):
    """RESP-1: a manager who requests an account for their own unit cannot approve it."""
    account = make_draft(actor=head)
    submit(account, head)

    with pytest.raises(NotAllowed):
        services.manager_decide(actor=head, account_id=account.pk, outcome=Outcome.APPROVE)

    assert status_of(account) == S.AWAITING_MANAGER
    assert Decision.objects.count() == 0


def test_managers_own_request_goes_to_the_manager_above(make_draft, head, dean):
    """RESP-1: the request of the department's manager is sent to the manager above (dean)."""
    account = make_draft(actor=head)
    mark = notification_mark()

    submit(account, head)

    assert (dean.email, "request-to-decide") in queued_since(mark)
    assert head.email not in {to for to, _kind in queued_since(mark)}


def test_manager_above_decides_on_a_managers_own_request(make_draft, head, dean):
    """RESP-1: the dean, responsible above the department, approves its manager's request."""
    account = make_draft(actor=head)
    submit(account, head)

    services.manager_decide(actor=dean, account_id=account.pk, outcome=Outcome.APPROVE)

    assert status_of(account) == S.AWAITING_COMMS
    assert Decision.objects.get().decided_by == dean


def test_request_for_a_unit_without_manager_goes_to_the_nearest_manager_above(make_draft, org, requester, head):
    """START-1, RESP-1: a division without a manager is decided by its department's manager."""
    account = make_draft(unit=org.division)
    mark = notification_mark()

    submit(account, requester)

    assert queued_since(mark) == sorted(
        [(settings.COMMS_EMAIL, "request-submitted"), (head.email, "request-to-decide")]
    )


# manager_decide


def test_manager_approval_moves_the_request_to_comms(awaiting_manager, head):
    """START-1: the manager's approval sends the request on to the communications department."""
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    assert status_of(awaiting_manager) == S.AWAITING_COMMS


def test_manager_approval_is_recorded_as_a_decision_citing_its_clauses(awaiting_manager, head, org):
    """START-1, RESP-1: a dated Decision of the manager's step, with the clauses it serves."""
    decision = services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    decision.refresh_from_db()
    assert (decision.account, decision.step, decision.outcome, decision.decided_by) == (
        awaiting_manager,
        Step.MANAGER,
        Outcome.APPROVE,
        head,
    )
    assert decision.clauses == STEP_CLAUSES[Step.MANAGER]
    assert decision.unit_repr == org.department.name


def test_manager_decision_is_in_the_audit_trail(awaiting_manager, head):
    """RESP-1: the decision and the status change are audit events by the manager."""
    decision = services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    event = AuditEvent.objects.for_object(awaiting_manager).get(action="decision.manager")
    assert event.actor == head
    assert event.after == {"outcome": Outcome.APPROVE, "decision": decision.pk, "clauses": decision.clauses}
    assert actions(awaiting_manager)[-2:] == ["decision.manager", "account.status"]


def test_manager_approval_tells_the_requester_and_asks_comms_to_sign_off(awaiting_manager, head, requester):
    """START-2, COMMS-1: the requester hears of the decision; the comms mailbox is asked to sign off."""
    mark = notification_mark()

    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    assert queued_since(mark) == sorted(
        [(requester.email, "request-decided"), (settings.COMMS_EMAIL, "request-to-sign-off")]
    )


def test_manager_return_sends_the_request_back_to_the_requester(awaiting_manager, head, requester):
    """START-1: a returned request goes back to the requester, with the reason."""
    mark = notification_mark()

    services.manager_decide(
        actor=head, account_id=awaiting_manager.pk, outcome=Outcome.RETURN, comment="Beskriv målen tydligare."
    )

    assert status_of(awaiting_manager) == S.RETURNED
    decision = Decision.objects.get()
    assert (decision.outcome, decision.comment) == (Outcome.RETURN, "Beskriv målen tydligare.")
    assert queued_since(mark) == [(requester.email, "request-decided")]


@pytest.mark.parametrize("outcome", [Outcome.RETURN, Outcome.REJECT])
def test_manager_return_or_rejection_without_a_reason_is_refused(awaiting_manager, head, outcome):
    """START-1: returning or rejecting needs a reason the requester can act on; nothing is written."""
    before = counts()

    with pytest.raises(ApplicationError):
        services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=outcome, comment="  ")

    assert status_of(awaiting_manager) == S.AWAITING_MANAGER
    assert counts() == before


def test_manager_rejection_closes_the_request(awaiting_manager, head):
    """START-1: a rejected request is closed."""
    services.manager_decide(
        actor=head, account_id=awaiting_manager.pk, outcome=Outcome.REJECT, comment="Kanalen finns redan."
    )

    assert status_of(awaiting_manager) == S.REJECTED
    assert Decision.objects.get().outcome == Outcome.REJECT


@pytest.mark.parametrize("who", ["other_head", "comms", "auditor", "requester", "owner"])
def test_only_a_responsible_manager_can_decide(awaiting_manager, request, who):
    """RESP-1: a manager of another unit, comms, an auditor, the requester or the owner cannot decide."""
    actor = request.getfixturevalue(who)
    before = counts()

    with pytest.raises(NotAllowed):
        services.manager_decide(actor=actor, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    assert status_of(awaiting_manager) == S.AWAITING_MANAGER
    assert counts() == before


def test_deciding_a_request_already_decided_is_refused(awaiting_manager, head):
    """START-1: a second decision on a request that no longer awaits the manager writes nothing."""
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)
    before = counts()

    with pytest.raises(ApplicationError):
        services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.REJECT, comment="Nej.")

    assert status_of(awaiting_manager) == S.AWAITING_COMMS
    assert Decision.objects.count() == 1
    assert counts() == before


def test_second_of_two_managers_deciding_at_once_is_told_someone_else_acted(awaiting_manager, head, dean, english):
    """RESP-1: when two managers decide at once, the first wins; the second is told someone else acted."""
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    with pytest.raises(ApplicationError, match="someone else has acted"):
        services.manager_decide(actor=dean, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    assert Decision.objects.count() == 1
    assert status_of(awaiting_manager) == S.AWAITING_COMMS


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs row locks (SELECT … FOR UPDATE), which SQLite does not have; run with DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_deciding_at_the_same_moment_in_two_transactions_record_one_decision(
    awaiting_manager, head, dean, monkeypatch
):
    """RESP-1: two managers deciding at the same moment, each in their own transaction on their own
    connection. The account's row lock (select_for_update) makes the second wait until the first
    has committed; it then sees the new state and is refused. Each waits a moment after reading the
    state, so that without the lock both would read "awaiting manager" and both would decide."""
    check_state = services._expect

    def slow_check(account, *statuses):
        check_state(account, *statuses)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_expect", slow_check)
    both_in_a_transaction = threading.Barrier(2, timeout=10)
    outcomes: dict[str, object] = {}

    def decide(manager):
        try:
            with translation.override("en"), transaction.atomic():
                both_in_a_transaction.wait()
                services.manager_decide(actor=manager, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)
            outcomes[manager.username] = "decided"
        except ApplicationError as exc:
            outcomes[manager.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(m,)) for m in (head, dean)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(str(o) for o in outcomes.values() if o == "decided") == ["decided"]
    [refusal] = [o for o in outcomes.values() if o != "decided"]
    assert type(refusal) is ApplicationError
    assert "someone else has acted" in refusal.message
    assert Decision.objects.filter(account=awaiting_manager).count() == 1
    assert AuditEvent.objects.filter(action="decision.manager").count() == 1
    assert status_of(awaiting_manager) == S.AWAITING_COMMS


# The decision record


@pytest.fixture
def registry(org):
    org.department.registry_email = REGISTRY
    org.department.save(update_fields=["registry_email"])
    return REGISTRY


def test_decision_record_is_sent_to_the_units_registry_as_a_pdf(awaiting_manager, head, registry):
    """START-1, RESP-1: the dated decision record goes to the unit's registry as a PDF attachment."""
    decision = services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    row = Notification.objects.get(kind="decision-record")
    assert row.to_email == registry
    assert row.attachment_type == "application/pdf"
    data = bytes(row.attachment_data)
    assert data.startswith(b"%PDF")
    # The document title is "<Decision record> <number>" in the registry's language.
    assert pdf_title(data) == f"Beslutsdokument {decision.pk}"
    assert Decision.objects.get().registry_email == registry


@needs_pdftotext
def test_decision_record_pdf_names_the_account_and_the_clauses(awaiting_manager, head, registry, tmp_path):
    """START-1, RESP-1: the record's text names the account, the decider and the clauses applied."""
    decision = services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(bytes(Notification.objects.get(kind="decision-record").attachment_data))

    text = pdf_text(pdf)

    for expected in (awaiting_manager.name, decision.decided_by_repr, decision.clauses, str(decision.pk)):
        assert expected in text


def test_no_registry_address_sends_no_decision_record(awaiting_manager, head):
    """START-1: a unit without a registry address gets no decision record e-mail."""
    services.manager_decide(actor=head, account_id=awaiting_manager.pk, outcome=Outcome.APPROVE)

    assert not Notification.objects.filter(kind="decision-record").exists()
    assert Decision.objects.get().registry_email == ""


def test_comms_enters_the_registry_reference(awaiting_comms, comms):
    """START-2: the registry's reference number is stored on the decision and audited."""
    decision = Decision.objects.get()

    services.decision_reference_set(actor=comms, decision_id=decision.pk, reference=" KI 2025-1234 ")

    decision.refresh_from_db()
    assert decision.registry_reference == "KI 2025-1234"
    event = AuditEvent.objects.for_object(awaiting_comms).get(action="decision.registry_reference")
    assert (event.actor, event.after) == (comms, {"registry_reference": "KI 2025-1234", "decision": decision.pk})


def test_requester_cannot_enter_the_registry_reference(awaiting_comms, requester):
    """RESP-1: only comms or a responsible manager enter the reference number."""
    decision = Decision.objects.get()
    before = counts()

    with pytest.raises(NotAllowed):
        services.decision_reference_set(actor=requester, decision_id=decision.pk, reference="KI 2025-1234")

    decision.refresh_from_db()
    assert decision.registry_reference == ""
    assert counts() == before


# Returned and sent again


def test_returned_request_is_edited_and_sent_again(awaiting_manager, head, requester):
    """START-1: a returned request is changed by its requester and waits for the manager again."""
    services.manager_decide(
        actor=head, account_id=awaiting_manager.pk, outcome=Outcome.RETURN, comment="Beskriv målen tydligare."
    )
    social_account_draft_update(actor=requester, account_id=awaiting_manager.pk, goal="50 sökande per år.")

    submit(awaiting_manager, requester)

    assert status_of(awaiting_manager) == S.AWAITING_MANAGER
    assert awaiting_manager.goal == "50 sökande per år."
    assert Submission.objects.filter(account=awaiting_manager).count() == 2


# comms_decide


def test_comms_sign_off_approves_the_request(awaiting_comms, comms):
    """START-2: the communications department's sign-off approves the request."""
    decision = services.comms_decide(actor=comms, account_id=awaiting_comms.pk, outcome=Outcome.APPROVE)

    assert status_of(awaiting_comms) == S.APPROVED
    assert (decision.step, decision.outcome, decision.clauses) == (
        Step.COMMS,
        Outcome.APPROVE,
        STEP_CLAUSES[Step.COMMS],
    )
    assert "decision.comms" in actions(awaiting_comms)


def test_comms_sign_off_tells_requester_owner_deputy_and_manager(awaiting_comms, comms, requester, owner, deputy, head):
    """START-2, RES-2: everyone who answers for the new account hears of the sign-off, once each."""
    mark = notification_mark()

    services.comms_decide(actor=comms, account_id=awaiting_comms.pk, outcome=Outcome.APPROVE)

    assert queued_since(mark) == sorted((p.email, "request-decided") for p in (requester, owner, deputy, head))


def test_comms_returns_the_request_with_advice(awaiting_comms, comms):
    """START-2: comms may return a request with advice on the choice of channel."""
    services.comms_decide(
        actor=comms, account_id=awaiting_comms.pk, outcome=Outcome.RETURN, comment="Använd institutionens konto."
    )

    assert status_of(awaiting_comms) == S.RETURNED
    assert Decision.objects.filter(step=Step.COMMS, outcome=Outcome.RETURN).count() == 1


def test_comms_rejects_a_request_that_duplicates_a_channel(awaiting_comms, comms):
    """START-2: comms rejects a request when an existing channel already serves the need."""
    services.comms_decide(
        actor=comms, account_id=awaiting_comms.pk, outcome=Outcome.REJECT, comment="Kanalen finns redan."
    )

    assert status_of(awaiting_comms) == S.REJECTED


def test_comms_member_cannot_sign_off_their_own_request(make_draft, comms, head):
    """START-2: a comms member's own request is signed off by a colleague, not by them."""
    account = make_draft(actor=comms)
    submit(account, comms)
    services.manager_decide(actor=head, account_id=account.pk, outcome=Outcome.APPROVE)
    before = counts()

    with pytest.raises(NotAllowed):
        services.comms_decide(actor=comms, account_id=account.pk, outcome=Outcome.APPROVE)

    assert status_of(account) == S.AWAITING_COMMS
    assert counts() == before


@pytest.mark.parametrize("who", ["head", "requester", "auditor"])
def test_only_comms_signs_off(awaiting_comms, request, who):
    """START-2: a manager, the requester or an auditor cannot sign off for the communications department."""
    actor = request.getfixturevalue(who)
    before = counts()

    with pytest.raises(NotAllowed):
        services.comms_decide(actor=actor, account_id=awaiting_comms.pk, outcome=Outcome.APPROVE)

    assert status_of(awaiting_comms) == S.AWAITING_COMMS
    assert counts() == before


def test_signing_off_a_request_already_signed_off_is_refused(approved, comms):
    """START-2: a second sign-off on a request that no longer awaits comms writes nothing."""
    before = counts()

    with pytest.raises(ApplicationError):
        services.comms_decide(actor=comms, account_id=approved.pk, outcome=Outcome.APPROVE)

    assert status_of(approved) == S.APPROVED
    assert counts() == before


# Going live


def test_going_live_without_an_address_is_refused(approved, owner, english):
    """SEND-1: the account's address on the platform must be recorded before it is active."""
    confirm_sender_checklist(approved, owner)
    before = counts()

    with pytest.raises(ApplicationError, match="address"):
        services.account_go_live(actor=owner, account_id=approved.pk)

    assert status_of(approved) == S.APPROVED
    assert counts() == before


def test_going_live_with_an_incomplete_sender_checklist_is_refused(approved, owner, english):
    """SEND-1..3, INF-1: every item of the sender checklist must be confirmed first."""
    record_address(approved, owner)
    sender_checklist_confirm(actor=owner, account_id=approved.pk, items=sender_checklist_items(approved)[:-1])
    before = counts()

    with pytest.raises(ApplicationError, match="sender checklist"):
        services.account_go_live(actor=owner, account_id=approved.pk)

    assert status_of(approved) == S.APPROVED
    assert counts() == before


def test_account_goes_live_with_address_and_complete_sender_checklist(approved, owner):
    """SEND-1..3, INF-1: with the address recorded and every item confirmed, the account is active."""
    record_address(approved, owner)
    confirm_sender_checklist(approved, owner)

    services.account_go_live(actor=owner, account_id=approved.pk)

    assert status_of(approved) == S.ACTIVE
    assert approved.activated_at is not None
    assert AuditEvent.objects.for_object(approved).filter(action="account.status", after={"status": S.ACTIVE}).exists()


def test_sender_checklist_records_who_confirmed_each_item_and_when(approved, owner):
    """SEND-1..3, INF-1: each confirmed item is a row naming who confirmed it and when."""
    started = timezone.now()

    confirm_sender_checklist(approved, owner)

    rows = SenderConfirmation.objects.filter(account=approved)
    assert sorted(rows.values_list("item", flat=True)) == sorted(SenderCheck.values)
    for row in rows:
        assert (row.confirmed_by, row.confirmed_by_repr) == (owner, str(owner))
        assert started <= row.confirmed_at <= timezone.now()


def test_visitor_notice_is_not_required_where_the_profile_has_no_description(
    make_draft, noticeless_platform, requester, head, comms, owner
):
    """INF-1: where the platform shows no description, the visitor notice is not asked for."""
    account = make_draft(platform=noticeless_platform)
    submit(account, requester)
    services.manager_decide(actor=head, account_id=account.pk, outcome=Outcome.APPROVE)
    services.comms_decide(actor=comms, account_id=account.pk, outcome=Outcome.APPROVE)
    record_address(account, owner, url="https://noticeless.example/kimedicin")

    confirm_sender_checklist(account, owner)
    services.account_go_live(actor=owner, account_id=account.pk)

    assert SenderCheck.VISITOR_NOTICE not in sender_checklist_items(account)
    assert status_of(account) == S.ACTIVE


def test_someone_who_does_not_keep_the_account_cannot_put_it_live(approved, owner, requester):
    """RES-2: only the owner, the deputy or comms put the approved account live."""
    record_address(approved, owner)
    confirm_sender_checklist(approved, owner)

    with pytest.raises(NotAllowed):
        services.account_go_live(actor=requester, account_id=approved.pk)

    assert status_of(approved) == S.APPROVED


# Retroactive approval of accounts KI already had


def test_registered_account_awaits_retroactive_approval(registered):
    """START-1: an account registered without a portal decision awaits its manager's approval."""
    assert registered.origin == Origin.REGISTERED
    assert selectors.retroactive_pending(registered)


def test_manager_approves_an_existing_account_retroactively(registered, head):
    """START-1, RESP-1: the manager's retroactive approval is a Decision of its own step."""
    services.retroactive_decide(actor=head, account_id=registered.pk, outcome=Outcome.APPROVE)

    registered.refresh_from_db()
    assert not selectors.retroactive_pending(registered)
    decision = Decision.objects.get()
    assert (decision.step, decision.outcome, decision.decided_by) == (Step.RETROACTIVE, Outcome.APPROVE, head)
    assert decision.clauses == STEP_CLAUSES[Step.RETROACTIVE]
    assert registered.status == S.ACTIVE


def test_existing_account_cannot_be_returned(registered, head):
    """START-1: an existing account is approved or refused, never returned."""
    before = counts()

    with pytest.raises(ApplicationError):
        services.retroactive_decide(actor=head, account_id=registered.pk, outcome=Outcome.RETURN, comment="Ändra.")

    assert counts() == before
    assert selectors.retroactive_pending(registered)


def test_refusing_an_existing_account_starts_its_decommissioning(registered, head):
    """DECOM-1, RESP-1: an existing account its manager refuses is decommissioned."""
    services.retroactive_decide(
        actor=head, account_id=registered.pk, outcome=Outcome.REJECT, comment="Kanalen behövs inte."
    )

    assert status_of(registered) == S.DECOMMISSIONING
    assert Decision.objects.get().outcome == Outcome.REJECT


@pytest.mark.parametrize("who", ["outsider", "other_head", "comms", "owner"])
def test_only_a_responsible_manager_approves_retroactively(registered, request, who):
    """RESP-1: someone not responsible for the account's unit cannot approve it retroactively."""
    actor = request.getfixturevalue(who)
    before = counts()

    with pytest.raises(NotAllowed):
        services.retroactive_decide(actor=actor, account_id=registered.pk, outcome=Outcome.APPROVE)

    assert counts() == before
    assert selectors.retroactive_pending(registered)


# Decommissioning


@pytest.mark.parametrize("who", ["owner", "head", "comms"])
def test_owner_manager_or_comms_starts_decommissioning(registered, request, who):
    """DECOM-1: the owner, a responsible manager or comms starts closing a channel."""
    actor = request.getfixturevalue(who)

    services.decommission_start(actor=actor, account_id=registered.pk, reason="Ingen bevakar kontot längre.")

    assert status_of(registered) == S.DECOMMISSIONING
    event = AuditEvent.objects.for_object(registered).filter(action="account.status").latest("id")
    assert (event.actor, event.after, event.note) == (
        actor,
        {"status": S.DECOMMISSIONING},
        "Ingen bevakar kontot längre.",
    )


@pytest.mark.parametrize("who", ["deputy", "outsider", "requester"])
def test_deputy_or_outsider_cannot_start_decommissioning(registered, request, who):
    """DECOM-1: the deputy or someone without responsibility cannot close the channel."""
    actor = request.getfixturevalue(who)
    before = counts()

    with pytest.raises(NotAllowed):
        services.decommission_start(actor=actor, account_id=registered.pk, reason="Ingen bevakar kontot.")

    assert status_of(registered) == S.ACTIVE
    assert counts() == before


def test_decommissioning_needs_a_reason(registered, owner):
    """DECOM-1: closing a channel records why."""
    before = counts()

    with pytest.raises(ApplicationError):
        services.decommission_start(actor=owner, account_id=registered.pk, reason="   ")

    assert status_of(registered) == S.ACTIVE
    assert counts() == before


@pytest.fixture
def decommissioning(registered, owner):
    services.decommission_start(actor=owner, account_id=registered.pk, reason="Ingen bevakar kontot längre.")
    registered.refresh_from_db()
    return registered


def test_partly_done_checklist_keeps_the_account_decommissioning(decommissioning, owner):
    """DECOM-1: the account is decommissioned only when every checklist item is done."""
    services.decommission_confirm(
        actor=owner, account_id=decommissioning.pk, items=[DecommissionCheck.FINAL_SCREENSHOT]
    )

    assert status_of(decommissioning) == S.DECOMMISSIONING
    row = DecommissionConfirmation.objects.get()
    assert (row.item, row.confirmed_by) == (DecommissionCheck.FINAL_SCREENSHOT, owner)


def test_complete_checklist_decommissions_the_account_and_keeps_its_history(decommissioning, owner):
    """DECOM-1: with every item done the account is decommissioned, and stays in the inventory."""
    services.decommission_confirm(
        actor=owner, account_id=decommissioning.pk, items=[DecommissionCheck.FINAL_SCREENSHOT]
    )
    rest = [i for i in services.decommission_items(decommissioning) if i != DecommissionCheck.FINAL_SCREENSHOT]

    services.decommission_confirm(actor=owner, account_id=decommissioning.pk, items=rest)

    account = SocialAccount.objects.get(pk=decommissioning.pk)
    assert account.status == S.DECOMMISSIONED
    assert account.decommissioned_at is not None
    assert DecommissionConfirmation.objects.filter(account=account).count() == len(DecommissionCheck.values)
    assert Assignment.objects.filter(account=account).count() == 2


def test_confirming_the_same_item_twice_in_one_go_records_it_once(decommissioning, owner):
    """DECOM-1: a checklist item ticked twice (e.g. a repeated form value) is one confirmation."""
    services.decommission_confirm(
        actor=owner,
        account_id=decommissioning.pk,
        items=[DecommissionCheck.FINAL_SCREENSHOT, DecommissionCheck.FINAL_SCREENSHOT],
    )

    assert DecommissionConfirmation.objects.filter(account=decommissioning).count() == 1


def test_comments_off_is_not_required_where_the_platform_cannot_switch_them_off(
    org, comms, owner, deputy, noticeless_platform
):
    """DECOM-2: where comments cannot be switched off, that item is not on the checklist."""
    account = factories.staffed_account(
        owner=owner,
        deputy=deputy,
        unit=org.department,
        platform=noticeless_platform,
        url="https://noticeless.example/x",
    )
    services.decommission_start(actor=owner, account_id=account.pk, reason="Ingen bevakar kontot längre.")
    items = services.decommission_items(account)

    services.decommission_confirm(actor=owner, account_id=account.pk, items=items)

    assert DecommissionCheck.COMMENTS_OFF not in items
    assert status_of(account) == S.DECOMMISSIONED


def test_comments_off_is_required_where_the_platform_can_switch_them_off(decommissioning, owner):
    """DECOM-2: where the platform allows, comments must be switched off before the account is closed."""
    items = [i for i in services.decommission_items(decommissioning) if i != DecommissionCheck.COMMENTS_OFF]

    services.decommission_confirm(actor=owner, account_id=decommissioning.pk, items=items)

    assert status_of(decommissioning) == S.DECOMMISSIONING


# Handover and deputy


def test_owner_offers_the_account_to_a_new_owner(registered, owner, outsider):
    """RES-2: the offer is a pending handover, and the offered person is told."""
    mark = notification_mark()

    handover = handover_propose(actor=owner, account_id=registered.pk, to_person=outsider, note="Du tar över.")

    assert (handover.status, handover.from_person, handover.to_person) == (HandoverStatus.PENDING, owner, outsider)
    assert queued_since(mark) == [(outsider.email, "handover-offered")]
    assert "handover.propose" in actions(registered)


def test_nothing_changes_until_the_new_owner_accepts(registered, owner, deputy, outsider):
    """RES-2: an unanswered offer leaves the owner and deputy as they were."""
    handover_propose(actor=owner, account_id=registered.pk, to_person=outsider)

    assert current_people(registered) == {Role.OWNER: owner, Role.DEPUTY: deputy}


def test_accepting_makes_the_offered_person_owner_and_keeps_the_history(registered, owner, deputy, outsider):
    """RES-2: on acceptance the new person is owner; the old owner's assignment is ended, not deleted."""
    handover = handover_propose(actor=owner, account_id=registered.pk, to_person=outsider)

    handover_answer(actor=outsider, handover_id=handover.pk, accept=True)

    assert current_people(registered) == {Role.OWNER: outsider, Role.DEPUTY: deputy}
    old = Assignment.objects.get(account=registered, person=owner, role=Role.OWNER)
    assert old.ended_at is not None
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.ACCEPTED


def test_deputy_who_accepts_swaps_roles_with_the_owner(registered, owner, deputy):
    """RES-2: when the deputy takes over, the previous owner becomes deputy."""
    handover = handover_propose(actor=owner, account_id=registered.pk, to_person=deputy)

    handover_answer(actor=deputy, handover_id=handover.pk, accept=True)

    assert current_people(registered) == {Role.OWNER: deputy, Role.DEPUTY: owner}
    assert Assignment.objects.filter(account=registered).count() == 4


def test_declining_changes_nothing(registered, owner, deputy, outsider):
    """RES-2: a declined offer leaves the owner and deputy as they were."""
    handover = handover_propose(actor=owner, account_id=registered.pk, to_person=outsider)
    assignments = Assignment.objects.count()

    handover_answer(actor=outsider, handover_id=handover.pk, accept=False)

    handover.refresh_from_db()
    assert handover.status == HandoverStatus.DECLINED
    assert current_people(registered) == {Role.OWNER: owner, Role.DEPUTY: deputy}
    assert Assignment.objects.count() == assignments


@pytest.mark.parametrize("who", ["owner", "deputy", "head", "comms"])
def test_only_the_offered_person_answers_a_handover(registered, owner, outsider, request, who):
    """RES-2: nobody can accept an account on someone else's behalf."""
    handover = handover_propose(actor=owner, account_id=registered.pk, to_person=outsider)
    before = counts()

    with pytest.raises(NotAllowed):
        handover_answer(actor=request.getfixturevalue(who), handover_id=handover.pk, accept=True)

    handover.refresh_from_db()
    assert handover.status == HandoverStatus.PENDING
    assert counts() == before


def test_a_second_handover_while_one_is_pending_is_refused(registered, owner, outsider, requester):
    """RES-2: one handover of an account waits for an answer at a time."""
    handover_propose(actor=owner, account_id=registered.pk, to_person=outsider)
    before = counts()

    with pytest.raises(ApplicationError):
        handover_propose(actor=owner, account_id=registered.pk, to_person=requester)

    assert Handover.objects.filter(account=registered).count() == 1
    assert counts() == before


def test_owner_appoints_a_new_deputy(registered, owner, deputy, outsider):
    """RES-2: the owner replaces the deputy; the old deputy's assignment is ended."""
    deputy_change(actor=owner, account_id=registered.pk, person=outsider)

    assert current_people(registered) == {Role.OWNER: owner, Role.DEPUTY: outsider}
    assert Assignment.objects.get(account=registered, person=deputy).ended_at is not None


def test_deputy_cannot_be_the_owner(registered, owner, deputy):
    """RES-2: the owner cannot also be the deputy."""
    before = counts()

    with pytest.raises(ApplicationError):
        deputy_change(actor=owner, account_id=registered.pk, person=owner)

    assert current_people(registered) == {Role.OWNER: owner, Role.DEPUTY: deputy}
    assert counts() == before


# The lifecycle


FORBIDDEN_MOVES = [
    (source, target) for source, target in itertools.product(S.values, S.values) if target not in TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN_MOVES)
def test_moves_outside_the_lifecycle_are_refused(comms, source, target):
    """RESP-1, DECOM-1: the lifecycle service refuses every move TRANSITIONS does not list."""
    account = factories.SocialAccountFactory(status=source)
    before = counts()

    with pytest.raises(ApplicationError):
        social_account_transition(actor=comms, account_id=account.pk, to=target)

    assert status_of(account) == source
    assert counts() == before


def test_every_allowed_move_is_accepted(comms):
    """RESP-1, DECOM-1: every move TRANSITIONS lists is made and audited."""
    for source, targets in TRANSITIONS.items():
        for target in targets:
            account = factories.SocialAccountFactory(status=source, activated_at=None)

            social_account_transition(actor=comms, account_id=account.pk, to=target)

            assert status_of(account) == target
            assert actions(account) == ["account.status"]


def test_activated_at_is_kept_when_an_account_returns_to_active(comms):
    """DECOM-1: an account brought back from decommissioning keeps the date it first went live."""
    first = timezone.now() - datetime.timedelta(days=400)
    account = factories.SocialAccountFactory(status=S.DECOMMISSIONING, activated_at=first)

    social_account_transition(actor=comms, account_id=account.pk, to=S.ACTIVE)

    account.refresh_from_db()
    assert account.activated_at == first


def test_a_manager_in_comms_cannot_sign_off_what_they_approved_as_manager(awaiting_manager, head):
    """START-1, START-2: the manager's decision and the sign-off are two people, even when the
    manager also belongs to the communications department."""
    from django.contrib.auth.models import Group

    from approvals.services import comms_decide, manager_decide
    from core.exceptions import NotAllowed
    from org import roles

    head.groups.add(Group.objects.get_or_create(name=roles.COMMS)[0])
    manager_decide(actor=head, account_id=awaiting_manager.pk, outcome="approve")
    with pytest.raises(NotAllowed):
        comms_decide(actor=head, account_id=awaiting_manager.pk, outcome="approve")
    awaiting_manager.refresh_from_db()
    assert awaiting_manager.status == "awaiting_comms"
    assert awaiting_manager.decisions.count() == 1


def test_the_decision_record_goes_to_the_nearest_registry_up_the_tree(make_draft, org, requester, head):
    """REC-4, START-1: a division without its own registry sends its decision record to the
    registry of the department above it."""
    from approvals.services import manager_decide, request_submit
    from notifications.models import Notification

    division, department = org.division, org.department
    type(department).objects.filter(pk=department.pk).update(registry_email="registrator.dept@ki.se")
    type(division).objects.filter(pk=division.pk).update(registry_email="")
    account = make_draft(unit=division)
    request_submit(actor=requester, account_id=account.pk, guidelines_read=True)
    decision = manager_decide(actor=head, account_id=account.pk, outcome="approve")
    assert decision.registry_email == "registrator.dept@ki.se"
    registry_mail = Notification.objects.get(to_email="registrator.dept@ki.se", kind="decision-record")
    assert bytes(registry_mail.attachment_data).startswith(b"%PDF")


def test_renaming_a_live_account_needs_a_recent_screenshot_of_its_start_page(make_draft, comms, owner, deputy, org):
    """REC-5: before a major change (a new name, a new address, a new owner) the start page as it
    is now is screenshotted; without one the change is refused and nothing changes."""
    from accounts.services import handover_propose, social_account_create, social_account_details_change
    from core.exceptions import ApplicationError

    account = social_account_create(
        actor=comms,
        owner=owner,
        deputy=deputy,
        name="Gamla namnet",
        platform=factories.platform("instagram"),
        handle="gamlanamnet",
        url="https://instagram.com/gamlanamnet",
        unit=org.department,
        purpose="Nyheter.",
    )
    with pytest.raises(ApplicationError, match="REC-5"):
        social_account_details_change(
            actor=owner,
            account_id=account.pk,
            name="Nya namnet",
            url=account.url,
            platform=account.platform,
            handle=account.handle,
        )
    with pytest.raises(ApplicationError, match="REC-5"):
        handover_propose(actor=owner, account_id=account.pk, to_person=deputy)
    account.refresh_from_db()
    assert account.name == "Gamla namnet" and not account.handovers.exists()

    factories.SnapshotFactory(account=account, kind="before_change")
    social_account_details_change(
        actor=owner,
        account_id=account.pk,
        name="Nya namnet",
        url=account.url,
        platform=account.platform,
        handle=account.handle,
    )
    account.refresh_from_db()
    assert account.name == "Nya namnet"
