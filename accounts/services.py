"""Writes to the account registry. Every change checks who may make it, records the audit event,
queues the e-mails to the people concerned and happens in one transaction. Nothing else writes
SocialAccount.status."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.choices import (
    LIVE_STATUSES,
    START_PAGE_KINDS,
    TRANSITIONS,
    AccountStatus,
    HandoverStatus,
    Origin,
    Role,
    SenderCheck,
)
from accounts.models import ACCOUNT_FIELDS, Assignment, Handover, SenderConfirmation, SocialAccount
from accounts.permissions import EDITABLE_REQUEST_STATUSES
from accounts.selectors import current_assignments, current_keepers
from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue
from notifications.webhook_models import WebhookEvent
from notifications.webhooks import account_data, webhook_event_queue
from org.models import Unit


def _require_registry_editor(actor) -> None:
    if not permissions.can_edit_registry(actor):
        raise NotAllowed(_("Only the communications department may change the registry directly."))


def _has_left(person) -> bool:
    """The person has left KI or their user account is deactivated: they hold no role (RES-2)."""
    return person.left_on is not None or not person.is_active


def _check_people(owner, deputy) -> None:
    if owner is not None and deputy is not None and owner.pk == deputy.pk:
        raise ApplicationError(_("The deputy cannot be the account owner (RES-2)."))


def _save_checked(account: SocialAccount) -> None:
    """full_clean, then save; invalid data and a race on the unique handle end as a clear message."""
    try:
        account.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This account is already registered.")) from exc


def _create(*, actor, owner, deputy, status: str, origin: str, **fields) -> SocialAccount:
    _check_people(owner, deputy)
    account = SocialAccount(**fields, status=status, origin=origin, created_by=actor)
    if status == AccountStatus.ACTIVE:
        account.activated_at = timezone.now()
    _save_checked(account)
    audit_record(
        actor=actor,
        target=account,
        action="account.create",
        after={**snapshot(account, ACCOUNT_FIELDS), "status": account.status, "origin": origin},
    )
    _people_set(actor=actor, account=account, owner=owner, deputy=deputy, notify=False)
    if status == AccountStatus.ACTIVE:  # registered as live: other KI systems are told (issue 14)
        webhook_event_queue(WebhookEvent.ACCOUNT_LIVE, account_data(account))
    return account


@transaction.atomic
def social_account_create(*, actor, owner=None, deputy=None, origin: str = Origin.REGISTERED, **fields):
    """Register an account KI already has, as active (the communications department; RES-2).
    Unless it was decided through the portal, it awaits a retroactive approval by its manager."""
    _require_registry_editor(actor)
    if origin not in (Origin.REGISTERED, Origin.IMPORT):
        raise ApplicationError(_("An account cannot be registered this way."))
    return _create(actor=actor, owner=owner, deputy=deputy, status=AccountStatus.ACTIVE, origin=origin, **fields)


def _check_platform_allowed(platform, *, current_id=None) -> None:
    """A request names a platform the catalogue allows for new accounts (issue 14); a draft keeps
    the platform it had when comms stopped allowing it."""
    if platform is not None and not platform.allowed_for_new and platform.pk != current_id:
        raise ApplicationError(
            _("%(platform)s is not allowed for new accounts. Ask the communications department.")
            % {"platform": platform.name}
        )


@transaction.atomic
def social_account_draft_create(*, actor, owner=None, deputy=None, **fields) -> SocialAccount:
    """Start a request for a new account (START-1): a draft that only the requester edits."""
    if not permissions.can_request(actor):
        raise NotAllowed(_("Auditors cannot request accounts."))
    _check_platform_allowed(fields.get("platform"))
    return _create(actor=actor, owner=owner, deputy=deputy, status=AccountStatus.DRAFT, origin=Origin.REQUEST, **fields)


def _apply(*, actor, account: SocialAccount, changes: dict) -> dict:
    """Set fields, validate, save and audit; returns the changed fields' new values."""
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"unknown account fields {sorted(unknown)}")
    before = snapshot(account, ACCOUNT_FIELDS)
    for field, value in changes.items():
        setattr(account, field, value)
    _save_checked(account)
    before, after = diff(before, snapshot(account, ACCOUNT_FIELDS))
    if after:
        audit_record(actor=actor, target=account, action="account.update", before=before, after=after)
    if "name" in after and account.status in LIVE_STATUSES:  # a request's name is nobody's news yet
        webhook_event_queue(WebhookEvent.ACCOUNT_RENAMED, {**account_data(account), "previous_name": before["name"]})
    return after


@transaction.atomic
def social_account_draft_update(*, actor, account_id: int, owner=None, deputy=None, **changes) -> SocialAccount:
    """The requester edits their request while it is a draft or returned to them."""
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    if not permissions.is_requester(actor, account):
        raise NotAllowed(_("Only the person who made the request may change it."))
    if account.status not in EDITABLE_REQUEST_STATUSES:
        raise ApplicationError(_("The request has been submitted and can no longer be changed."))
    _check_people(owner, deputy)
    _check_platform_allowed(changes.get("platform"), current_id=account.platform_id)
    _apply(actor=actor, account=account, changes=changes)
    _people_set(actor=actor, account=account, owner=owner, deputy=deputy, notify=False)
    return account


@transaction.atomic
def social_account_update(*, actor, account_id: int, owner=None, deputy=None, **changes) -> SocialAccount:
    """The communications department changes any field and, when given, the owner and deputy.
    The audit event holds only the fields that changed; the people concerned are told."""
    _require_registry_editor(actor)
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    _check_people(owner, deputy)
    after = _apply(actor=actor, account=account, changes=changes)
    changed_people = _people_set(actor=actor, account=account, owner=owner, deputy=deputy, notify=True)
    if after and not changed_people:
        _notify_change(actor=actor, account=account, changes=after)
    return account


@transaction.atomic
def social_account_details_change(*, actor, account_id: int, name: str, url: str, platform, handle: str):
    """Rename an account or change its address: its owner, deputy or the communications
    department. Recorded in the audit trail; the owner, deputy and responsible manager are told."""
    account = (
        SocialAccount.objects.select_for_update(of=("self",)).select_related("unit", "platform").get(pk=account_id)
    )
    if not permissions.can_maintain(actor, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    if account.status in (AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED):
        raise ApplicationError(_("The account is rejected or decommissioned; its details can no longer change."))
    if account.handle and platform.pk != account.platform_id:
        raise ApplicationError(_("The address belongs to another platform than the account's."))
    if (name, url) != (account.name, account.url):
        _require_before_change_screenshot(account)
    after = _apply(
        actor=actor, account=account, changes={"name": name, "url": url, "platform": platform, "handle": handle}
    )
    # Recording the address while setting up an approved account is not news to anyone.
    if after and account.status != AccountStatus.APPROVED:
        _notify_change(actor=actor, account=account, changes=after)
    return account


def _people_set(*, actor, account: SocialAccount, owner, deputy, notify: bool) -> bool:
    """Make owner and deputy the current ones; ends replaced assignments (history kept)."""
    current = current_assignments(account)
    wanted = {Role.OWNER: owner, Role.DEPUTY: deputy}
    changing = [r for r, p in wanted.items() if p is not None and (r not in current or current[r].person_id != p.pk)]
    now = timezone.now()
    # End every replaced assignment first, so that swapping owner and deputy keeps the
    # "one current role per person" constraint.
    for role in changing:
        if role in current:
            Assignment.objects.filter(pk=current[role].pk).update(ended_at=now)
    for role in changing:
        previous = current.get(role)
        _assignment_start(actor=actor, account=account, role=role, person=wanted[role], now=now, previous=previous)
        if notify:
            people = {wanted[role]} | ({previous.person} if previous else set())
            _notify_people(
                account=account,
                people=people | set(current_keepers(account)),
                template="assignment-changed",
                key=f"assignment:{account.pk}:{role}:{wanted[role].pk}:{now.isoformat()}",
                context={
                    "role": Role(role).label,
                    "person": wanted[role],
                    "previous": previous.person if previous else None,
                    "actor": actor,
                },
            )
    return bool(changing)


def _assignment_start(*, actor, account, role: str, person, now, previous: Assignment | None) -> Assignment:
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


# REC-5: "before major changes" — a screenshot of the old state at most this old is required.
BEFORE_CHANGE_SCREENSHOT_DAYS = 14


def _require_before_change_screenshot(account: SocialAccount) -> None:
    """A live account's start page is screenshotted before a major change (REC-5): renaming,
    a new address or a new owner."""
    if account.status != AccountStatus.ACTIVE:
        return
    since = timezone.localdate() - timedelta(days=BEFORE_CHANGE_SCREENSHOT_DAYS)
    if not account.snapshots.filter(kind__in=START_PAGE_KINDS, taken_on__gte=since).exists():
        raise ApplicationError(
            _("Before a major change, upload a screenshot of the account's start page as it is now (REC-5).")
        )


def account_managers(account: SocialAccount) -> list:
    """The responsible managers of the account's unit and of every unit above it, nearest first."""
    units = Unit.objects.ancestors_of(account.unit).select_related("manager").order_by("-depth")
    return [u.manager for u in units if u.manager_id]


def _notify_people(*, account, people, template: str, key: str, context: dict) -> None:
    for person in {p.pk: p for p in people if p is not None}.values():
        notification_queue(
            template=template,
            dedupe_key=f"{key}:{person.pk}",
            recipient=person,
            context={"account": account, **context},
            link=account.get_absolute_url(),
        )


def _notify_change(*, actor, account, changes: dict) -> None:
    managers = account_managers(account)[:1]
    _notify_people(
        account=account,
        people=[*current_keepers(account), *managers],
        template="account-changed",
        key=f"changed:{account.pk}:{account.updated_at.isoformat()}",
        context={"changes": changes, "actor": actor},
    )


@transaction.atomic
def sender_checklist_confirm(*, actor, account_id: int, items: list[str]) -> list[SenderConfirmation]:
    """Record that the owner (or deputy, or comms) checked items of the sender checklist
    (SEND-1..3, INF-1) on the platform. Each item is a row with who and when."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("platform").get(pk=account_id)
    if not permissions.can_maintain(actor, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    items = list(dict.fromkeys(items))  # an item ticked twice is confirmed once
    allowed = set(sender_checklist_items(account))
    unknown = set(items) - allowed
    if unknown:
        raise ApplicationError(_("Unknown checklist items: %(items)s") % {"items": ", ".join(sorted(unknown))})
    now = timezone.now()
    rows = SenderConfirmation.objects.bulk_create(
        [
            SenderConfirmation(
                account=account, item=item, confirmed_by=actor, confirmed_by_repr=str(actor), confirmed_at=now
            )
            for item in items
        ]
    )
    if rows:
        audit_record(actor=actor, target=account, action="account.sender_checklist", after={"confirmed": items})
    return rows


def sender_checklist_items(account: SocialAccount) -> list[str]:
    """The items that apply: the visitor notice only where the platform shows a description (INF-1)."""
    items = list(SenderCheck.values)
    if not account.platform.has_description:
        items.remove(SenderCheck.VISITOR_NOTICE)
    return items


def sender_checklist_state(account: SocialAccount, *, since=None) -> dict[str, SenderConfirmation | None]:
    """The latest confirmation of each applicable item (optionally only those after `since`)."""
    latest: dict[str, SenderConfirmation | None] = dict.fromkeys(sender_checklist_items(account))
    rows = account.sender_confirmations.order_by("item", "-confirmed_at")
    if since is not None:
        rows = rows.filter(confirmed_at__gte=since)
    for row in rows:
        if row.item in latest and latest[row.item] is None:
            latest[row.item] = row
    return latest


@transaction.atomic
def social_account_transition(*, actor, account_id: int, to: str, note: str = "", actor_repr: str | None = None):
    """Move an account to another lifecycle state, if TRANSITIONS allows it.

    The one writer of SocialAccount.status after creation. Callers (approvals, decommissioning)
    decide *who* may ask for the move; this checks the move itself, under a row lock so that two
    people acting at once cannot both succeed.
    """
    if to not in AccountStatus.values:
        raise ApplicationError(_("Unknown status: %(to)s") % {"to": to})
    account = SocialAccount.objects.select_for_update().get(pk=account_id)
    if to not in TRANSITIONS[account.status]:
        raise ApplicationError(
            _("The account is %(status)s; it cannot move to %(to)s.")
            % {"status": account.get_status_display(), "to": AccountStatus(to).label}
        )
    before = account.status
    account.status = to
    fields = ["status", "updated_at"]
    event = None  # what other KI systems are told (issue 14), in this transaction
    if to == AccountStatus.ACTIVE and account.activated_at is None:
        account.activated_at = timezone.now()
        fields.append("activated_at")
        event = WebhookEvent.ACCOUNT_LIVE
    if to == AccountStatus.DECOMMISSIONED:
        account.decommissioned_at = timezone.now()
        fields.append("decommissioned_at")
        event = WebhookEvent.ACCOUNT_DECOMMISSIONED
    account.save(update_fields=fields)
    if event:
        webhook_event_queue(event, account_data(account))
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


@transaction.atomic
def handover_propose(*, actor, account_id: int, to_person, note: str = "") -> Handover:
    """Offer the account to a new owner: the current owner, a responsible manager or the
    communications department. Nothing changes until the new owner accepts (RES-2)."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    if not permissions.can_change_keepers(actor, account):
        raise NotAllowed(_("Only the owner, a responsible manager or the communications department may do this."))
    if account.status in (AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED):
        raise ApplicationError(_("The account is closed; its owner can no longer change."))
    owner = current_keepers(account).owner
    if owner and owner.pk == to_person.pk:
        raise ApplicationError(_("This person is already the account owner."))
    if account.handovers.filter(status=HandoverStatus.PENDING).exists():
        raise ApplicationError(_("A handover of this account is already waiting for an answer."))
    _require_before_change_screenshot(account)
    handover = Handover.objects.create(
        account=account,
        from_person=owner,
        to_person=to_person,
        requested_by=actor,
        note=note.strip(),
    )
    audit_record(
        actor=actor,
        target=account,
        action="handover.propose",
        before={"owner": str(owner) if owner else None},
        after={"offered_to": str(to_person)},
        note=handover.note,
    )
    _notify_people(
        account=account,
        people=[to_person],
        template="handover-offered",
        key=f"handover:{handover.pk}:offer",
        context={"handover": handover, "actor": actor},
    )
    return handover


@transaction.atomic
def handover_answer(*, actor, handover_id: int, accept: bool) -> Handover:
    """The offered person accepts (and becomes owner; if they were the deputy, the previous owner
    becomes deputy) or declines."""
    handover = Handover.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=handover_id)
    if not permissions.can_answer_handover(actor, handover):
        raise NotAllowed(_("Only the person the account is offered to may answer."))
    if handover.status != HandoverStatus.PENDING:
        raise ApplicationError(_("This handover has already been answered or cancelled."))
    account = SocialAccount.objects.select_for_update().get(pk=handover.account_id)
    handover.status = HandoverStatus.ACCEPTED if accept else HandoverStatus.DECLINED
    handover.decided_at = timezone.now()
    handover.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(actor=actor, target=account, action=f"handover.{handover.status}", after={"to": str(actor)})
    if accept:
        keepers = current_keepers(account)
        new_deputy = keepers.owner if keepers.deputy and keepers.deputy.pk == actor.pk else None
        if new_deputy is not None and _has_left(new_deputy):
            # The deputy takes over from an owner who has left KI (issue 13): the leaver does not
            # become deputy; the account has none until one is appointed (RES-2, no-deputy).
            Assignment.objects.current().filter(account=account, person=actor).update(ended_at=timezone.now())
            audit_record(
                actor=actor,
                target=account,
                action="assignment.deputy",
                before={"deputy": str(actor)},
                after={"deputy": None},
            )
            new_deputy = None
        _people_set(actor=actor, account=account, owner=actor, deputy=new_deputy, notify=True)
    _notify_people(
        account=account,
        people=[handover.requested_by, handover.from_person],
        template="handover-answered",
        key=f"handover:{handover.pk}:answer",
        context={"handover": handover, "actor": actor},
    )
    return handover


@transaction.atomic
def deputy_change(*, actor, account_id: int, person) -> SocialAccount:
    """Appoint a new deputy (RES-2): the owner, a responsible manager or the communications department."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    if not permissions.can_change_keepers(actor, account):
        raise NotAllowed(_("Only the owner, a responsible manager or the communications department may do this."))
    owner = current_keepers(account).owner
    if owner and owner.pk == person.pk:
        raise ApplicationError(_("The deputy cannot be the account owner (RES-2)."))
    _people_set(actor=actor, account=account, owner=None, deputy=person, notify=True)
    return account


def social_accounts_unit_close(*, actor, unit: Unit, successor: Unit) -> int:
    """Move every account of a unit being closed to its successor, with their open requests
    (issue 13): org.services.unit_close calls this through org.extensions.unit_close_hooks, inside
    its transaction, after checking the actor. Each account gets its own account.update audit
    event (before/after unit); decisions and findings keep the unit as it was. Nobody is e-mailed:
    a reorganisation changes no one's responsibility for the account."""
    accounts = list(SocialAccount.objects.select_for_update().filter(unit=unit).order_by("pk"))
    for account in accounts:
        account.unit = successor
        account.save(update_fields=["unit", "updated_at"])
        audit_record(
            actor=actor,
            target=account,
            action="account.update",
            before={"unit": str(unit)},
            after={"unit": str(successor)},
            note=_("Unit closed; its accounts moved to the successor."),
        )
    return len(accounts)
