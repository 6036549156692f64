"""The approval workflow: request -> manager (START-1, RESP-1) -> communications department
(START-2) -> live, plus retroactive approval of imported accounts and decommissioning (DECOM-1/2).

Each transition is one function: it locks the account, checks who may act and that the account is
still in the state the actor saw, moves the state through accounts.services, records the Decision
and the audit event and queues the e-mails, in one transaction.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from accounts.selectors import current_keepers, registry_email_for
from accounts.services import account_managers, sender_checklist_state, social_account_transition
from approvals import permissions
from approvals.choices import STEP_CLAUSES, DecommissionCheck, Outcome, Step
from approvals.models import Decision, DecommissionConfirmation, Submission
from approvals.selectors import retroactive_pending
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue
from org import roles

S = AccountStatus

# What a request must hold before it can be sent for decision, with the clause that asks for it.
REQUIRED_FOR_SUBMISSION = {
    "purpose": "PURP-1",
    "goal": "PURP-1",
    "operational_benefit": "PURP-2",
    "audience_benefit": "PURP-2",
    "success_measures": "PURP-3",
    "resource_assessment": "RES-1",
    "hours_per_week": "RES-1",
    "holiday_cover": "MON-2",
}
MANAGER_MOVES = {Outcome.APPROVE: S.AWAITING_COMMS, Outcome.RETURN: S.RETURNED, Outcome.REJECT: S.REJECTED}
COMMS_MOVES = {Outcome.APPROVE: S.APPROVED, Outcome.RETURN: S.RETURNED, Outcome.REJECT: S.REJECTED}


def _lock(account_id: int) -> SocialAccount:
    return (
        SocialAccount.objects.select_for_update(of=("self",))
        .select_related("unit", "platform", "created_by")
        .get(pk=account_id)
    )


def _expect(account: SocialAccount, *statuses: str) -> None:
    """Refuse to act on a state the actor did not see (two people deciding at once: one wins)."""
    if account.status not in statuses:
        raise ApplicationError(
            _("This request is now “%(status)s”: someone else has acted on it. Reload the page to see it.")
            % {"status": account.get_status_display()}
        )


def _expect_seen(account: SocialAccount, seen_status: str) -> None:
    """The decision pages post the state their user saw; a decision on another one is refused."""
    if seen_status:
        _expect(account, seen_status)


def eligible_managers(account: SocialAccount) -> list:
    """Who may decide on the account (RESP-1, the delegation order): the responsible manager of
    its unit or of any unit above it, nearest first — never the requester (separation of duties)."""
    return [m for m in account_managers(account) if m.pk != account.created_by_id]


def _people(account: SocialAccount) -> dict:
    return current_keepers(account)._asdict()


def _notify(account, people, template: str, key: str, context: dict | None = None) -> None:
    """One e-mail to each person (in their language), linking to the account's page."""
    for person in {p.pk: p for p in people if p is not None}.values():
        notification_queue(
            template=template,
            dedupe_key=f"{key}:{person.pk}",
            recipient=person,
            context={"account": account, **(context or {})},
            link=reverse("approvals:detail", args=[account.pk]),
        )


def _notify_comms(account, template: str, key: str, context: dict | None = None) -> None:
    """The communications department's shared mailbox (COMMS-1), in Swedish."""
    notification_queue(
        template=template,
        dedupe_key=f"{key}:comms",
        to_email=settings.COMMS_EMAIL,
        language="sv",
        context={"account": account, **(context or {})},
        link=reverse("approvals:detail", args=[account.pk]),
    )


@transaction.atomic
def request_submit(*, actor, account_id: int, guidelines_read: bool) -> Submission:
    """Send a draft (or a returned request) for decision. The communications department hears
    of it at once (START-2) and the nearest eligible manager is asked to decide (START-1)."""
    account = _lock(account_id)
    if not permissions.is_requester(actor, account):
        raise NotAllowed(_("Only the person who made the request may send it."))
    _expect(account, S.DRAFT, S.RETURNED)
    if not guidelines_read:
        raise ApplicationError(_("Confirm that you have read KI's guidelines for social media."))
    missing = [
        str(SocialAccount._meta.get_field(f).verbose_name)
        for f in REQUIRED_FOR_SUBMISSION
        if getattr(account, f) in (None, "")
    ]
    if not (account.ki_activity or account.partner_id):
        missing.append(_("the KI activity or collaboration partner the account is about (PURP-4)"))
    if not account.core_values_confirmed:
        missing.append(_("the confirmation that the use fits KI's core values (PURP-4)"))
    people = _people(account)
    if people["owner"] is None or people["deputy"] is None:
        missing.append(_("account owner and deputy"))
    if missing:
        raise ApplicationError(_("Fill in before sending: %(fields)s.") % {"fields": ", ".join(missing)})
    managers = eligible_managers(account)
    if not managers:
        raise ApplicationError(
            _("No manager above you can decide on this request. Contact the communications department.")
        )
    submission = Submission.objects.create(account=account, submitted_by=actor, guidelines_read=True)
    social_account_transition(actor=actor, account_id=account.pk, to=S.AWAITING_MANAGER, note=_("Submitted"))
    key = f"submitted:{submission.pk}"
    _notify_comms(account, "request-submitted", key, {"requester": actor, "manager": managers[0]})
    _notify(account, [managers[0]], "request-to-decide", key, {"requester": actor})
    return submission


def _decision(*, actor, account: SocialAccount, step: str, outcome: str, comment: str) -> Decision:
    if outcome != Outcome.APPROVE and not comment.strip():
        raise ApplicationError(_("Give a reason the requester can act on."))
    decision = Decision.objects.create(
        account=account,
        step=step,
        outcome=outcome,
        comment=comment.strip(),
        decided_by=actor,
        decided_by_repr=str(actor),
        clauses=STEP_CLAUSES[step],
        unit=account.unit,  # the unit at the time: kept when the unit is closed later (issue 13)
        unit_repr=account.unit.name,
        registry_email=registry_email_for(account),
    )
    audit_record(
        actor=actor,
        target=account,
        action=f"decision.{step}",
        after={"outcome": outcome, "decision": decision.pk, "clauses": decision.clauses},
        note=decision.comment,
    )
    if decision.registry_email:
        from approvals.records import decision_record_pdf

        notification_queue(
            template="decision-record",
            dedupe_key=f"decision:{decision.pk}:registry",
            to_email=decision.registry_email,
            language="sv",
            context={"account": account, "decision": decision},
            attachment=(f"beslut-{decision.pk}.pdf", "application/pdf", decision_record_pdf(decision, language="sv")),
            link=account.get_absolute_url(),
        )
    return decision


@transaction.atomic
def manager_decide(*, actor, account_id: int, outcome: str, comment: str = "", seen_status: str = "") -> Decision:
    """The responsible manager approves, returns or rejects a request (START-1, RESP-1)."""
    account = _lock(account_id)
    _expect_seen(account, seen_status)
    _expect(account, S.AWAITING_MANAGER)
    if not permissions.can_decide(actor, account):
        raise NotAllowed(
            _("You cannot decide on your own request; the manager above you decides.")
            if permissions.is_requester(actor, account)
            else _("Only the responsible manager of the unit or of a unit above it may decide.")
        )
    decision = _decision(actor=actor, account=account, step=Step.MANAGER, outcome=outcome, comment=comment)
    social_account_transition(actor=actor, account_id=account.pk, to=MANAGER_MOVES[outcome], note=comment)
    account.refresh_from_db()
    key = f"decision:{decision.pk}"
    _notify(account, [account.created_by], "request-decided", key, {"decision": decision})
    if outcome == Outcome.APPROVE:
        _notify_comms(account, "request-to-sign-off", key, {"decision": decision})
    return decision


@transaction.atomic
def comms_decide(*, actor, account_id: int, outcome: str, comment: str = "", seen_status: str = "") -> Decision:
    """The communications department signs off, returns with advice or rejects (START-2)."""
    account = _lock(account_id)
    _expect_seen(account, seen_status)
    _expect(account, S.AWAITING_COMMS)
    if not permissions.can_sign_off(actor, account):
        raise NotAllowed(_sign_off_refusal(actor, account))
    decision = _decision(actor=actor, account=account, step=Step.COMMS, outcome=outcome, comment=comment)
    social_account_transition(actor=actor, account_id=account.pk, to=COMMS_MOVES[outcome], note=comment)
    account.refresh_from_db()
    people = _people(account)
    managers = eligible_managers(account)[:1]
    _notify(
        account,
        [account.created_by, people["owner"], people["deputy"], *managers],
        "request-decided",
        f"decision:{decision.pk}",
        {"decision": decision},
    )
    return decision


def _sign_off_refusal(actor, account: SocialAccount) -> str:
    """Why permissions.can_sign_off says no, in the words of the rule that refuses."""
    if not roles.is_comms(actor):
        return _("Only the communications department signs off.")
    if permissions.is_requester(actor, account):
        return _("You cannot sign off your own request; a colleague must.")
    return _("You approved this request as manager; a colleague must sign it off.")


@transaction.atomic
def retroactive_decide(*, actor, account_id: int, outcome: str, comment: str = "", seen_status: str = "") -> Decision:
    """The responsible manager confirms an account KI already had (START-1, RESP-1). Refusing it
    starts its decommissioning."""
    account = _lock(account_id)
    _expect_seen(account, seen_status)
    if not retroactive_pending(account):
        raise ApplicationError(_("This account does not await a retroactive approval."))
    if not permissions.can_decide_retroactively(actor, account):
        raise NotAllowed(_("Only the responsible manager of the unit or of a unit above it may decide."))
    if outcome == Outcome.RETURN:
        raise ApplicationError(_("An existing account can only be approved or rejected, not returned."))
    decision = _decision(actor=actor, account=account, step=Step.RETROACTIVE, outcome=outcome, comment=comment)
    if outcome == Outcome.REJECT and account.status == S.ACTIVE:
        social_account_transition(actor=actor, account_id=account.pk, to=S.DECOMMISSIONING, note=comment)
    people = _people(account)
    _notify(
        account,
        [people["owner"], people["deputy"]],
        "request-decided",
        f"decision:{decision.pk}",
        {"decision": decision},
    )
    return decision


# At most this many accounts in one bulk decision: a page of the bulk page (core.pagination) and more.
RETROACTIVE_BULK_MAX = 100


@transaction.atomic
def retroactive_decide_many(*, actor, account_ids, outcome: str, comment: str = "") -> list[Decision]:
    """One decision (approve or reject, one comment) on many imported accounts at once (issue 13,
    START-1, RESP-1): for each account the same per-account logic as retroactive_decide (one
    Decision record, one audit event, the e-mails to its owner and deputy), all in one
    transaction. All or nothing: if the actor may not decide one of them (NotAllowed), or one no
    longer awaits a retroactive approval (ApplicationError), nothing is written."""
    ids = sorted({int(pk) for pk in account_ids})
    if not ids:
        raise ApplicationError(_("Select at least one account."))
    if len(ids) > RETROACTIVE_BULK_MAX:
        raise ApplicationError(_("Select at most %(max)s accounts at a time.") % {"max": RETROACTIVE_BULK_MAX})
    if outcome not in (Outcome.APPROVE, Outcome.REJECT):
        raise ApplicationError(_("An existing account can only be approved or rejected, not returned."))
    # Locked in one statement, in primary key order (two bulk decisions cannot deadlock), and
    # checked before anything is written.
    accounts = list(
        SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").filter(pk__in=ids).order_by("pk")
    )
    if len(accounts) != len(ids):
        raise ApplicationError(_("Some of the selected accounts are no longer in the registry. Reload the page."))
    for account in accounts:
        if not permissions.can_decide_retroactively(actor, account):
            raise NotAllowed(_("Only the responsible manager of the unit or of a unit above it may decide."))
    return [
        retroactive_decide(actor=actor, account_id=account.pk, outcome=outcome, comment=comment) for account in accounts
    ]


@transaction.atomic
def account_go_live(*, actor, account_id: int) -> SocialAccount:
    """An approved account becomes active once its address is recorded and the owner has
    confirmed every item of the sender checklist (SEND-1..3, INF-1)."""
    account = _lock(account_id)
    _expect(account, S.APPROVED)
    if not permissions.can_go_live(actor, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    # A platform without an address rule (WeChat) records a stated identifier as the handle and
    # no address (issue 14): such an account can go live too.
    if not account.handle or (not account.url and account.platform.has_address_rule):
        raise ApplicationError(_("Record the account's address on the platform first."))
    missing = [item for item, row in sender_checklist_state(account).items() if row is None]
    if missing:
        raise ApplicationError(_("Confirm every item of the sender checklist first."))
    social_account_transition(actor=actor, account_id=account.pk, to=S.ACTIVE, note=_("Sender checklist confirmed"))
    account.refresh_from_db()
    _notify(account, eligible_managers(account)[:1], "account-active", f"active:{account.pk}")
    _notify_comms(account, "account-active", f"active:{account.pk}")
    return account


@transaction.atomic
def decommission_start(*, actor, account_id: int, reason: str) -> SocialAccount:
    """Start closing a channel that is no longer used (DECOM-1): its owner, a responsible
    manager or the communications department."""
    account = _lock(account_id)
    _expect(account, S.ACTIVE)
    if not permissions.can_start_decommission(actor, account):
        raise NotAllowed(_("Only the owner, a responsible manager or the communications department may do this."))
    if not reason.strip():
        raise ApplicationError(_("Say why the account is to be decommissioned."))
    social_account_transition(actor=actor, account_id=account.pk, to=S.DECOMMISSIONING, note=reason.strip())
    account.refresh_from_db()
    people = _people(account)
    key = f"decommissioning:{account.pk}:{account.updated_at.isoformat()}"
    _notify(
        account,
        [people["owner"], people["deputy"], *eligible_managers(account)[:1]],
        "account-decommissioning",
        key,
        {"reason": reason, "actor": actor},
    )
    _notify_comms(account, "account-decommissioning", key, {"reason": reason, "actor": actor})
    return account


def decommission_items(account: SocialAccount) -> list[str]:
    items = list(DecommissionCheck.values)
    if not account.platform.can_disable_comments:
        items.remove(DecommissionCheck.COMMENTS_OFF)
    return items


@transaction.atomic
def decommission_confirm(*, actor, account_id: int, items: list[str]) -> SocialAccount:
    """Tick items of the decommissioning checklist; when all are done the account is
    decommissioned. It stays in the inventory with its history."""
    account = _lock(account_id)
    _expect(account, S.DECOMMISSIONING)
    if not permissions.can_decommission(actor, account):
        raise NotAllowed(_("Only the owner, a responsible manager or the communications department may do this."))
    applicable = decommission_items(account)
    unknown = set(items) - set(applicable)
    if unknown:
        raise ApplicationError(_("Unknown checklist items: %(items)s") % {"items": ", ".join(sorted(unknown))})
    done = set(account.decommission_confirmations.values_list("item", flat=True))
    new = [i for i in dict.fromkeys(items) if i not in done]
    DecommissionConfirmation.objects.bulk_create(
        [
            DecommissionConfirmation(account=account, item=i, confirmed_by=actor, confirmed_by_repr=str(actor))
            for i in new
        ]
    )
    if new:
        audit_record(actor=actor, target=account, action="account.decommission_checklist", after={"confirmed": new})
    if done | set(new) >= set(applicable):
        social_account_transition(
            actor=actor, account_id=account.pk, to=S.DECOMMISSIONED, note=_("Decommissioning checklist complete")
        )
        account.refresh_from_db()
        people = _people(account)
        _notify(
            account,
            [people["owner"], people["deputy"], *eligible_managers(account)[:1]],
            "account-decommissioned",
            f"decommissioned:{account.pk}",
        )
        _notify_comms(account, "account-decommissioned", f"decommissioned:{account.pk}")
    return account


@transaction.atomic
def decision_reference_set(*, actor, decision_id: int, reference: str) -> Decision:
    """Enter the registry's reference number (diarienummer) for a decision record."""
    decision = Decision.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=decision_id)
    if not permissions.can_enter_reference(actor, decision.account):
        raise NotAllowed(_("Only the communications department or a responsible manager may do this."))
    reference = reference.strip()
    if not reference:
        raise ApplicationError(_("Enter the reference number."))
    before = decision.registry_reference
    decision.registry_reference = reference
    decision.save(update_fields=["registry_reference", "updated_at"])
    audit_record(
        actor=actor,
        target=decision.account,
        action="decision.registry_reference",
        before={"registry_reference": before},
        after={"registry_reference": reference, "decision": decision.pk},
    )
    return decision
