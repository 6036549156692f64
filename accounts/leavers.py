"""The accounts of a person who leaves KI (issue 13, RES-2): comms appointing a new owner or
deputy directly, the bulk handover of all of a leaver's accounts in one form, and the hooks that
org.services.person_leave runs (telling the managers and comms, cancelling handovers the leaver
can no longer accept). Like accounts.services, each write checks who may, records the audit event
and queues the e-mails in one transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.choices import HandoverStatus, Role
from accounts.models import Assignment, Handover, SocialAccount
from accounts.selectors import CLOSED_STATUSES, current_assignments, leaver_managers
from accounts.services import (
    _check_people,
    _has_left,
    _notify_people,
    _require_before_change_screenshot,
    deputy_change,
    handover_propose,
)
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue


@transaction.atomic
def handover_assign_direct(*, actor, account_id: int, reason: str, owner=None, deputy=None) -> SocialAccount:
    """The communications department appoints a new owner and/or deputy at once, without waiting
    for the new owner to accept, giving a reason (issue 13: the accounts of someone who has left
    KI; RES-2). One audit event, `handover.assign`, with both roles before and after and the
    reason; a pending handover of the account is cancelled when the owner changes. The new people
    and the account's other current keeper are told.

    A new owner who is the current deputy stops being the deputy (unless a new deputy is named),
    and a new owner needs a recent start-page screenshot, as any handover (REC-5)."""
    if not permissions.can_assign_directly(actor):
        raise NotAllowed(_("Only the communications department may appoint an owner or deputy directly."))
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give a reason for appointing directly."))
    if owner is None and deputy is None:
        raise ApplicationError(_("Choose a new owner or a new deputy."))
    _check_people(owner, deputy)
    for person in (owner, deputy):
        if person is not None and _has_left(person):
            raise ApplicationError(_("%(person)s has left KI and cannot take the account.") % {"person": person})
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    if account.status in CLOSED_STATUSES:
        raise ApplicationError(_("The account is closed; its owner can no longer change."))
    current = current_assignments(account)
    holder = {role: (current[role].person if role in current else None) for role in (Role.OWNER, Role.DEPUTY)}
    if owner is not None and holder[Role.OWNER] is not None and holder[Role.OWNER].pk == owner.pk:
        raise ApplicationError(_("This person is already the account owner."))
    if deputy is not None and holder[Role.DEPUTY] is not None and holder[Role.DEPUTY].pk == deputy.pk:
        raise ApplicationError(_("This person is already the deputy."))
    wanted = {Role.OWNER: owner or holder[Role.OWNER], Role.DEPUTY: deputy or holder[Role.DEPUTY]}
    both = wanted[Role.OWNER] is not None and wanted[Role.DEPUTY] is not None
    if both and wanted[Role.OWNER].pk == wanted[Role.DEPUTY].pk:
        if deputy is not None:
            raise ApplicationError(_("The deputy cannot be the account owner (RES-2)."))
        wanted[Role.DEPUTY] = None  # the deputy becomes the owner and leaves the deputy role
    if owner is not None:
        _require_before_change_screenshot(account)
    changed = [
        role
        for role in (Role.OWNER, Role.DEPUTY)
        if (holder[role].pk if holder[role] else None) != (wanted[role].pk if wanted[role] else None)
    ]
    now = timezone.now()
    Assignment.objects.current().filter(account=account, role__in=changed).update(ended_at=now)
    for role in changed:
        if wanted[role] is not None:
            _assignment_save(Assignment(account=account, person=wanted[role], role=role, started_at=now))
    if Role.OWNER in changed:
        account.handovers.filter(status=HandoverStatus.PENDING).update(
            status=HandoverStatus.CANCELLED, decided_at=now, updated_at=now
        )
    audit_record(
        actor=actor,
        target=account,
        action="handover.assign",
        before={role: str(holder[role]) if holder[role] else None for role in changed},
        after={role: str(wanted[role]) if wanted[role] else None for role in changed},
        note=reason,
    )
    told = [p for p in (*wanted.values(), *holder.values()) if p is not None and not _has_left(p)]
    _notify_people(
        account=account,
        people=told,
        template="handover-assigned",
        key=f"handover-assign:{account.pk}:{now.isoformat()}",
        context={
            "owner": wanted[Role.OWNER],
            "deputy": wanted[Role.DEPUTY],
            "changed": changed,
            "reason": reason,
            "actor": actor,
        },
    )
    return account


def _assignment_save(assignment: Assignment) -> None:
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        raise ApplicationError(_("The deputy cannot be the account owner (RES-2).")) from exc


@dataclass(frozen=True)
class LeaverRow:
    """One account of the bulk handover form: its new owner and/or new deputy (None: unchanged)."""

    account_id: int
    owner: object = None
    deputy: object = None


class BulkHandoverRefused(ApplicationError):
    """Some rows of a bulk handover were refused; nothing was written. `.rows` maps each refused
    account id to the reason, for the form to show beside the row."""

    def __init__(self, rows: dict[int, str]):
        super().__init__(_("Nothing was handed over: correct the rows marked below."), extra={"rows": rows})
        self.rows = rows


@transaction.atomic
def leaver_handover(*, actor, person, rows: list[LeaverRow], direct: bool = False, reason: str = "", note: str = ""):
    """Hand over many of a leaver's accounts at once (issue 13, the bulk handover page; RES-2).

    Each row replaces the role the leaver holds on the account (a new owner where they are the
    owner, a new deputy where they are the deputy) and may change the other role as well. As
    today, a new owner is offered the account (handover_propose: they accept or decline) and a
    new deputy is appointed (deputy_change); with `direct`, the communications department appoints
    both at once with a recorded reason (handover_assign_direct). Every account gets its own audit
    event(s) and e-mails.

    All or nothing: every row is tried (each in a savepoint) so that every refused row gets its
    reason, and if any is refused the whole transaction rolls back (BulkHandoverRefused)."""
    if not rows:
        raise ApplicationError(_("Choose at least one account to hand over."))
    if direct and not permissions.can_assign_directly(actor):
        raise NotAllowed(_("Only the communications department may appoint an owner or deputy directly."))
    if direct and not reason.strip():
        raise ApplicationError(_("Give a reason for appointing directly."))
    roles_held = dict(
        Assignment.objects.current()
        .filter(person=person, account_id__in=[r.account_id for r in rows])
        .values_list("account_id", "role")
    )
    refused: dict[int, str] = {}
    done = []
    for row in rows:
        held = roles_held.get(row.account_id)
        if held is None:
            refused[row.account_id] = _("%(person)s no longer holds this account.") % {"person": person}
            continue
        if held == Role.OWNER and row.owner is None:
            refused[row.account_id] = _("Choose the new owner.")
            continue
        if held == Role.DEPUTY and row.deputy is None:
            refused[row.account_id] = _("Choose the new deputy.")
            continue
        try:
            with transaction.atomic():
                if direct:
                    handover_assign_direct(
                        actor=actor, account_id=row.account_id, owner=row.owner, deputy=row.deputy, reason=reason
                    )
                else:
                    if row.deputy is not None:
                        deputy_change(actor=actor, account_id=row.account_id, person=row.deputy)
                    if row.owner is not None:
                        handover_propose(actor=actor, account_id=row.account_id, to_person=row.owner, note=note)
        except ApplicationError as exc:  # NotAllowed too: the row's reason, not a 403
            refused[row.account_id] = str(exc.message)
        else:
            done.append(row.account_id)
    if refused:
        raise BulkHandoverRefused(refused)
    return done


def leaver_notify(*, actor, person, left_on, reason: str, actor_repr: str | None = None) -> None:
    """org.extensions.person_left_hooks: tell the leaver's responsible managers (those of the units
    of the accounts they held) and the communications department's mailbox that the accounts need
    a new owner or deputy, with a link to the bulk handover page (issue 13, RES-2). Nothing when
    the person held no open account. In person_leave's transaction."""
    assignments = list(
        Assignment.objects.current()
        .filter(person=person)
        .exclude(account__status__in=CLOSED_STATUSES)
        .select_related("account__unit", "account__platform")
        .order_by("account__name", "account_id")
    )
    if not assignments:
        return
    accounts = [a.account for a in assignments]
    link = reverse("people:handover", args=[person.pk])
    context = {"leaver": person, "left_on": left_on, "assignments": assignments, "count": len(assignments)}
    key = f"leaver:{person.pk}:{left_on.isoformat()}"
    for manager in leaver_managers(person=person, accounts=accounts):
        notification_queue(
            template="leaver-handover", dedupe_key=f"{key}:{manager.pk}", recipient=manager, context=context, link=link
        )
    notification_queue(
        template="leaver-handover",
        dedupe_key=f"{key}:comms",
        to_email=settings.COMMS_EMAIL,
        language="sv",
        context=context,
        link=link,
    )


def leaver_handovers_cancel(*, actor, person, left_on, reason: str, actor_repr: str | None = None) -> None:
    """org.extensions.person_left_hooks: handovers still waiting for the leaver to accept can never
    be accepted (they can no longer log in), so they are cancelled, each with a `handover.cancelled`
    audit event on its account; the account stays with its current owner. In person_leave's
    transaction."""
    pending = list(Handover.objects.select_for_update().filter(to_person=person, status=HandoverStatus.PENDING))
    now = timezone.now()
    for handover in pending:
        handover.status, handover.decided_at = HandoverStatus.CANCELLED, now
        handover.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            actor=actor,
            actor_repr=actor_repr,
            target=handover.account,
            action="handover.cancelled",
            after={"offered_to": str(person), "left_on": left_on},
            note=reason,
        )
