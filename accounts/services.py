"""Writes to the account registry. Every change checks who may make it, records the audit event
and happens in one transaction. Nothing else writes SocialAccount.status."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import TRANSITIONS, AccountStatus, Role
from accounts.models import Assignment, SocialAccount
from audit.services import audit_record, diff, snapshot
from org import roles
from org.exceptions import ApplicationError

ACCOUNT_FIELDS = (
    "name",
    "platform",
    "handle",
    "url",
    "unit",
    "classification",
    "purpose",
    "goal",
    "strategy_link",
    "operational_benefit",
    "audience_benefit",
    "target_audiences",
    "success_measures",
    "resource_assessment",
    "hours_per_week",
    "holiday_cover",
)
# Statuses an account may be registered in directly: a new request starts as a draft, an account
# KI already has is registered by the communications department as active.
INITIAL_STATUSES = frozenset({AccountStatus.DRAFT, AccountStatus.ACTIVE})


def _require_registry_editor(actor) -> None:
    if not roles.can_edit_registry(actor):
        raise ApplicationError(_("Only the communications department may change the registry directly."))


def _check_people(owner, deputy) -> None:
    if owner is not None and deputy is not None and owner.pk == deputy.pk:
        raise ApplicationError(_("The deputy cannot be the account owner (RES-2)."))


def _save_checked(account: SocialAccount) -> None:
    """full_clean, then save; a race on the unique handle still ends as a clear message."""
    account.full_clean()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This account is already registered.")) from exc


@transaction.atomic
def social_account_create(*, actor, owner=None, deputy=None, status: str = AccountStatus.ACTIVE, **fields):
    """Register an account with its owner and deputy (RES-2)."""
    _require_registry_editor(actor)
    if status not in INITIAL_STATUSES:
        raise ApplicationError(_("An account cannot be registered in this state."))
    _check_people(owner, deputy)
    account = SocialAccount(**fields, status=status, created_by=actor)
    if status == AccountStatus.ACTIVE:
        account.activated_at = timezone.now()
    _save_checked(account)
    audit_record(
        actor=actor,
        target=account,
        action="account.create",
        after={**snapshot(account, ACCOUNT_FIELDS), "status": account.status},
    )
    for role, person in ((Role.OWNER, owner), (Role.DEPUTY, deputy)):
        if person is not None:
            _assignment_set(actor=actor, account=account, role=role, person=person)
    return account


@transaction.atomic
def social_account_update(*, actor, account_id: int, owner=None, deputy=None, **changes) -> SocialAccount:
    """Change an account's fields and, when given, its owner and deputy. The audit event holds
    only the fields that changed."""
    _require_registry_editor(actor)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"social_account_update got unknown fields {sorted(unknown)}")
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    _check_people(owner, deputy)
    before = snapshot(account, ACCOUNT_FIELDS)
    for field, value in changes.items():
        setattr(account, field, value)
    _save_checked(account)
    before, after = diff(before, snapshot(account, ACCOUNT_FIELDS))
    if after:
        audit_record(actor=actor, target=account, action="account.update", before=before, after=after)
    current = {a.role: a for a in account.assignments.current().select_related("person")}
    # Swapping owner and deputy: end both first so the "one role per person" constraint holds.
    wanted = {Role.OWNER: owner, Role.DEPUTY: deputy}
    changing = [r for r, p in wanted.items() if p is not None and (r not in current or current[r].person_id != p.pk)]
    now = timezone.now()
    for role in changing:
        if role in current:
            Assignment.objects.filter(pk=current[role].pk).update(ended_at=now)
    for role in changing:
        _assignment_set(
            actor=actor, account=account, role=role, person=wanted[role], now=now, previous=current.get(role)
        )
    return account


def _assignment_set(*, actor, account, role: str, person, now=None, previous: Assignment | None = None) -> Assignment:
    """Start a new assignment in a role (the previous one must already be ended)."""
    now = now or timezone.now()
    assignment = Assignment(account=account, person=person, role=role, started_at=now)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise ApplicationError(_("The deputy cannot be the account owner (RES-2).")) from exc
    audit_record(
        actor=actor,
        target=account,
        action=f"assignment.{role}",
        before={role: str(previous.person) if previous else None},
        after={role: str(person)},
    )
    return assignment


@transaction.atomic
def social_account_transition(*, actor, account_id: int, to: str, note: str = "", actor_repr: str | None = None):
    """Move an account to another lifecycle state, if TRANSITIONS allows it.

    The one writer of SocialAccount.status after creation. Callers (approvals, decommissioning)
    decide *who* may ask for the move; this checks the move itself, under a row lock so that two
    people acting at once cannot both succeed.
    """
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    if to not in TRANSITIONS[account.status]:
        raise ApplicationError(
            _("The account is %(status)s; it cannot move to %(to)s.")
            % {"status": account.get_status_display(), "to": AccountStatus(to).label}
        )
    before = account.status
    account.status = to
    fields = ["status", "updated_at"]
    if to == AccountStatus.ACTIVE and account.activated_at is None:
        account.activated_at = timezone.now()
        fields.append("activated_at")
    if to == AccountStatus.DECOMMISSIONED:
        account.decommissioned_at = timezone.now()
        fields.append("decommissioned_at")
    account.save(update_fields=fields)
    audit_record(
        actor=actor,
        actor_repr=actor_repr,
        target=account,
        action="account.status",
        before={"status": before},
        after={"status": to},
        note=note,
    )
    return account
