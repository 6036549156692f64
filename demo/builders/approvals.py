"""Demo requests and decommissioning (approvals): accounts taken through the approval services
to the state the demo list gives them, as people would."""

from django.contrib.auth import get_user_model

from accounts.choices import AccountStatus
from accounts.services import (
    sender_checklist_confirm,
    sender_checklist_items,
    social_account_details_change,
    social_account_draft_create,
)
from approvals.choices import Outcome
from approvals.services import (
    account_go_live,
    comms_decide,
    decision_reference_set,
    decommission_confirm,
    decommission_items,
    decommission_start,
    eligible_managers,
    manager_decide,
    request_submit,
)

S = AccountStatus


def build_request(status, owner, deputy, found, fields, comms):
    """Take a request through the approval services to the wanted state, as people would."""
    account = social_account_draft_create(actor=owner, owner=owner, deputy=deputy, **fields)
    if status == S.DRAFT:
        return account
    request_submit(actor=owner, account_id=account.pk, guidelines_read=True)
    if status == S.RETURNED:
        _decide("manager", account, Outcome.RETURN, "Förtydliga hur kontot ska bevakas under sommaren.")
    elif status == S.REJECTED:
        _decide("manager", account, Outcome.APPROVE)
        _decide("comms", account, Outcome.REJECT, "KI:s centrala konto fyller redan samma behov.")
    elif status != S.AWAITING_MANAGER:
        _decide("manager", account, Outcome.APPROVE)
        if status != S.AWAITING_COMMS:
            decision = _decide("comms", account, Outcome.APPROVE)
            decision_reference_set(actor=comms, decision_id=decision.pk, reference=f"1-{decision.pk:04d}/2026")
    if status in (S.APPROVED, S.ACTIVE) and found:
        social_account_details_change(
            actor=owner,
            account_id=account.pk,
            name=fields["name"],
            url=found.url,
            platform=fields["platform"],
            handle=found.handle,
        )
    if status == S.ACTIVE:
        account.refresh_from_db()
        sender_checklist_confirm(actor=owner, account_id=account.pk, items=sender_checklist_items(account))
        account_go_live(actor=owner, account_id=account.pk)
    return account


def build_decommissioning(account, status: str, actor) -> None:
    """An account the demo list has decommissioning or decommissioned: started, and confirmed."""
    if status in (S.DECOMMISSIONING, S.DECOMMISSIONED):
        decommission_start(actor=actor, account_id=account.pk, reason="Kanalen används inte längre.")
    if status == S.DECOMMISSIONED:
        account.refresh_from_db()
        decommission_confirm(actor=actor, account_id=account.pk, items=decommission_items(account))


def _decide(step, account, outcome, comment=""):
    account.refresh_from_db()
    if step == "manager":
        manager = eligible_managers(account)[0]
        return manager_decide(actor=manager, account_id=account.pk, outcome=outcome, comment=comment)
    comms = get_user_model().objects.get(username="comms")
    return comms_decide(actor=comms, account_id=account.pk, outcome=outcome, comment=comment)
