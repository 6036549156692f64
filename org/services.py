"""The services of org's models (units, absences, people's roles): each checks who may, writes the change and its
audit event in one transaction."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError, NotAllowed
from org import extensions, permissions, roles, sso
from org.models import PATH_SEPARATOR, Absence, Unit, User
from org.unit_cache import units_changed

UNIT_FIELDS = ("name", "name_en", "kind", "parent", "manager", "registry_email", "code")


def _segment(pk: int) -> str:
    return f"{pk:08d}{PATH_SEPARATOR}"


def _require_registry_editor(actor) -> None:
    if not permissions.can_edit_units(actor):
        raise NotAllowed(_("Only the communications department may change the organisation."))


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Unit | None = None,
    name_en: str = "",
    manager=None,
    registry_email: str = "",
    code: str | None = None,
) -> Unit:
    """Create a unit under its parent and record it in the audit trail."""
    _require_registry_editor(actor)
    if parent is not None and parent.is_closed:
        raise ApplicationError(_("A unit cannot be placed under a closed unit."))
    # The path needs the new primary key, so it is set in a second write inside the transaction.
    unit = Unit(
        name=name,
        name_en=name_en,
        kind=kind,
        parent=parent,
        manager=manager,
        registry_email=registry_email,
        code=code or None,
        path=f"new-{id(object())}",
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + _segment(unit.pk)
    unit.depth = unit.path.count(PATH_SEPARATOR)
    unit.save(update_fields=["path", "depth"])
    audit_record(actor=actor, target=unit, action="unit.create", after=snapshot(unit, UNIT_FIELDS))
    units_changed()
    return unit


@transaction.atomic
def unit_update(*, actor, unit_id: int, **changes) -> Unit:
    """Change a unit's fields. Moving it under another parent moves its whole subtree in one update."""
    _require_registry_editor(actor)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update got unknown fields {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    if unit.is_closed:
        raise ApplicationError(_("The unit is closed; it can no longer change."))
    return _unit_change(actor=actor, unit=unit, changes=changes)


def _unit_change(*, actor, unit: Unit, changes: dict) -> Unit:
    """Set the fields, move the subtree if the parent changed, audit the difference (unit.update)."""
    if "code" in changes:
        changes["code"] = changes["code"] or None  # blank codes are NULL: unique only when given
    before = snapshot(unit, UNIT_FIELDS)
    old_path = unit.path
    for field, value in changes.items():
        setattr(unit, field, value)
    new_parent = unit.parent
    if new_parent is not None and new_parent.path.startswith(old_path):
        raise ApplicationError(_("A unit cannot be placed under itself or one of its own sub-units."))
    if new_parent is not None and new_parent.is_closed and "parent" in changes:
        raise ApplicationError(_("A unit cannot be placed under a closed unit."))
    unit.full_clean()
    unit.save()
    new_path = (new_parent.path if new_parent else "") + _segment(unit.pk)
    if new_path != old_path:
        depth_change = new_path.count(PATH_SEPARATOR) - old_path.count(PATH_SEPARATOR)
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + depth_change,
        )
        unit.refresh_from_db()
    before, after = diff(before, snapshot(unit, UNIT_FIELDS))
    if after:
        audit_record(actor=actor, target=unit, action="unit.update", before=before, after=after)
        units_changed()
    return unit


@transaction.atomic
def absence_create(*, actor, first_day, last_day, note: str = "", person=None) -> Absence:
    """Register a period of absence (MON-2, RES-2). People register their own; the communications
    department may register anyone's."""
    person = person or actor
    if not permissions.can_edit_absences_of(actor, person):
        raise NotAllowed(_("You can register only your own absences."))
    absence = Absence(person=person, first_day=first_day, last_day=last_day, note=note.strip())
    absence.full_clean()
    absence.save()
    audit_record(
        actor=actor,
        target=absence,
        action="absence.create",
        after={"person": str(person), "first_day": first_day, "last_day": last_day},
    )
    return absence


@transaction.atomic
def absence_delete(*, actor, absence_id: int) -> None:
    absence = Absence.objects.select_for_update(of=("self",)).select_related("person").get(pk=absence_id)
    if not permissions.can_edit_absences_of(actor, absence.person):
        raise NotAllowed(_("You can remove only your own absences."))
    audit_record(
        actor=actor,
        target=absence,
        action="absence.delete",
        before={"person": str(absence.person), "first_day": absence.first_day, "last_day": absence.last_day},
    )
    absence.delete()


ROLE_LABELS = {
    roles.COMMS: _lazy("Communications department"),
    roles.AUDITOR: _lazy("Auditor"),
    roles.REGISTRAR: _lazy("Registrar"),
    roles.ADMINISTRATOR: _lazy("Administrator"),
}


def _require_role_granter(actor, person, role: str) -> None:
    """Administrators grant and revoke every role; the communications department every role but
    administrator. Nobody changes their own roles (issue 13)."""
    if role not in roles.ROLE_GROUPS:
        raise ApplicationError(_("There is no such role."))
    if actor.pk == person.pk:
        raise NotAllowed(_("Nobody can change their own roles; ask another administrator."))
    if not permissions.can_grant_role(actor, role):
        raise NotAllowed(
            _("Only administrators can change roles; the communications department can change all but administrator.")
        )


def _role_set(*, actor, person, role: str, held: bool, reason: str, actor_repr: str | None) -> bool:
    """Add the person to the role's group or take them out of it, with an audit event naming
    the role and the reason. Returns whether anything changed. actor=None with actor_repr is the
    single sign-on's role mapping (org.sso), which needs no permission."""
    if actor is not None:
        _require_role_granter(actor, person, role)
        if role in sso.roles_from_idp():
            raise ApplicationError(_("The single sign-on decides this role; change it at the identity provider."))
        if not reason.strip():
            raise ApplicationError(_("Give a reason for the change."))
    group = Group.objects.get(name=role)
    if person.groups.filter(pk=group.pk).exists() == held:
        return False
    (person.groups.add if held else person.groups.remove)(group)
    person.__dict__.pop("_kipolicy_groups", None)
    audit_record(
        actor=actor,
        actor_repr=actor_repr,
        target=person,
        action="role.grant" if held else "role.revoke",
        after={"role": role},
        note=reason.strip(),
    )
    return True


@transaction.atomic
def role_grant(*, actor, person, role: str, reason: str, actor_repr: str | None = None) -> bool:
    """Give a person a role (comms, auditor, registrar, administrator)."""
    return _role_set(actor=actor, person=person, role=role, held=True, reason=reason, actor_repr=actor_repr)


@transaction.atomic
def role_revoke(*, actor, person, role: str, reason: str, actor_repr: str | None = None) -> bool:
    """Take a role from a person."""
    return _role_set(actor=actor, person=person, role=role, held=False, reason=reason, actor_repr=actor_repr)


@transaction.atomic
def person_leave(*, actor, person, left_on, reason: str = "", actor_repr: str | None = None) -> bool:
    """Mark a person as having left KI on `left_on` (issue 13): administrators and the
    communications department (org.permissions.can_manage_people), or the system with actor=None
    and an actor_repr (sync_people, the HR export). Audited as `user.leave`, with the reason.

    The person is also deactivated (`is_active` false) at once rather than when their accounts are
    handed over: a leaver must not log in. org.sso.sign_in already refuses people with `left_on`;
    Django's ModelBackend refuses inactive users at the login form and drops their open sessions,
    and the person pickers no longer offer them. Their accounts do not wait for the handover
    either: the no-owner / no-deputy rules count an owner or deputy who has left as none (RES-2),
    and the hooks in org.extensions.person_left_hooks (registered by apps above org, which org
    must not import) tell the leaver's managers and comms and open those findings on commit.

    Returns False, changing nothing, when the person is already marked as left and inactive
    (sync_people runs the same export again)."""
    if actor is not None:
        if not permissions.can_manage_people(actor):
            raise NotAllowed(_("Only administrators and the communications department may mark people as having left."))
        if actor.pk == person.pk:
            raise NotAllowed(_("You cannot mark yourself as having left."))
    if left_on is None:
        raise ApplicationError(_("Give the day the person left."))
    if left_on > timezone.localdate():
        raise ApplicationError(_("The day the person left cannot be in the future."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.left_on is not None and not person.is_active:
        return False
    before = {"left_on": person.left_on, "is_active": person.is_active}
    person.left_on = person.left_on or left_on
    person.is_active = False
    person.save(update_fields=["left_on", "is_active"])
    audit_record(
        actor=actor,
        actor_repr=actor_repr,
        target=person,
        action="user.leave",
        before=before,
        after={"left_on": person.left_on, "is_active": False},
        note=reason.strip(),
    )
    extensions.person_left(
        actor=actor, person=person, left_on=person.left_on, reason=reason.strip(), actor_repr=actor_repr
    )
    return True


HR_FIELDS = ("first_name", "last_name", "unit")


@transaction.atomic
def person_hr_update(*, person, actor_repr: str, first_name: str = "", last_name: str = "", unit=None) -> dict:
    """Bring a person's name and home unit in line with the HR export (sync_people, issue 13): a
    system change (actor None, `actor_repr`), audited as `user.update` with the changed fields only.
    An empty value leaves the field as it is. Returns the changed fields' new values."""
    person = User.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person, HR_FIELDS)
    if first_name.strip():
        person.first_name = first_name.strip()[:150]
    if last_name.strip():
        person.last_name = last_name.strip()[:150]
    if unit is not None:
        person.unit = unit
    before, after = diff(before, snapshot(person, HR_FIELDS))
    if after:
        person.save(update_fields=["first_name", "last_name", "unit"])
        audit_record(actor=None, actor_repr=actor_repr, target=person, action="user.update", before=before, after=after)
    return after


# --------------------------------------------------------------------------- reorganisation


@transaction.atomic
def unit_close(*, actor, unit_id: int, successor_id: int, closed_on: datetime.date) -> Unit:
    """Close a unit in a reorganisation (issue 13), in one transaction:

    1. the apps above move what belongs to the unit to the successor through
       org.extensions.unit_close_hooks: its accounts, with their open requests (accounts), each
       move audited on the account, so decisions and findings keep the unit as it was;
    2. the units right below it move under the successor (each a unit.update, their subtrees
       following);
    3. the unit records when it closed and its successor (unit.close). It disappears from the
       tree and the pickers; its page stays, read-only, naming the successor.
    """
    _require_registry_editor(actor)
    # Lock both in one order (by primary key), so two reorganisations cannot deadlock.
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[unit_id, successor_id]).order_by("pk")}
    unit, successor = locked.get(unit_id), locked.get(successor_id)
    if unit is None or successor is None:
        raise ApplicationError(_("There is no such unit."))
    if unit.pk == successor.pk:
        raise ApplicationError(_("A unit cannot succeed itself."))
    if unit.is_closed:
        raise ApplicationError(_("The unit is already closed."))
    if successor.is_closed:
        raise ApplicationError(_("The successor is closed; choose a unit that is not."))
    if successor.path.startswith(unit.path):
        raise ApplicationError(_("The successor cannot be one of the closed unit's own sub-units."))
    if closed_on is None:
        raise ApplicationError(_("Give the day the unit closes."))

    moved = {"accounts": 0}
    for hook in extensions.unit_close_hooks:
        moved["accounts"] += hook(actor=actor, unit=unit, successor=successor) or 0
    children = list(Unit.objects.select_for_update().filter(parent=unit).order_by("path"))
    for child in children:
        _unit_change(actor=actor, unit=child, changes={"parent": successor})
    successor.refresh_from_db()

    unit.closed_on, unit.successor = closed_on, successor
    unit.save(update_fields=["closed_on", "successor", "updated_at"])
    units_changed()
    audit_record(
        actor=actor,
        target=unit,
        action="unit.close",
        after={
            "closed_on": closed_on,
            "successor": str(successor),
            "successor_id": successor.pk,
            "accounts_moved": moved["accounts"],
            "units_moved": [str(child) for child in children],
        },
    )
    return unit


@transaction.atomic
def unit_merge(*, actor, unit_ids: list[int], into_id: int, closed_on: datetime.date | None = None) -> Unit:
    """Merge units into one (issue 13): each is closed with `into` as its successor (unit_close),
    and the target records the merge (unit.merge). All or nothing."""
    _require_registry_editor(actor)
    unit_ids = list(dict.fromkeys(unit_ids))
    if not unit_ids:
        raise ApplicationError(_("Choose the units to merge."))
    if into_id in unit_ids:
        raise ApplicationError(_("A unit cannot be merged into itself."))
    closed_on = closed_on or timezone.localdate()
    closed = [unit_close(actor=actor, unit_id=pk, successor_id=into_id, closed_on=closed_on) for pk in unit_ids]
    into = Unit.objects.get(pk=into_id)
    audit_record(
        actor=actor,
        target=into,
        action="unit.merge",
        after={"merged": [str(u) for u in closed], "merged_ids": [u.pk for u in closed], "closed_on": closed_on},
    )
    return into


# --------------------------------------------------------------------------- people

PERSON_FIELDS = ("username", "first_name", "last_name", "email", "unit")


def free_username(base: str) -> str:
    """`base` is the username when it is free, in any letter case; otherwise the first free
    "base-2", "base-3" … Pending people get their e-mail address, lower-cased (it reads like the
    eduPersonPrincipalName single sign-on brings); org.sso gives a new person their subject."""
    base = base[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def person_create(*, actor, first_name: str, last_name: str, email: str, unit: Unit | None = None) -> User:
    """Name a person before they ever log in (a pending person, issue 13): administrators and the
    communications department. The person gets an unusable password (they log in by single sign-on,
    which links them by this e-mail address: org.sso.sign_in), may be chosen as owner or deputy at
    once (RES-2) and receives the e-mails meant for them at this address meanwhile. An address that
    another person already has, in any letter case, is refused."""
    if not permissions.can_manage_people(actor):
        raise NotAllowed(_("Only administrators and the communications department can add people."))
    email = User.objects.normalize_email(email.strip())
    first_name, last_name = first_name.strip(), last_name.strip()
    if not email:
        raise ApplicationError(_("Give the person's e-mail address."))
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0]) from None
    if not (first_name or last_name):
        raise ApplicationError(_("Give the person's name."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        raise ApplicationError(
            _("%(person)s already has the e-mail address %(email)s.") % {"person": existing, "email": existing.email}
        )
    person = User(
        username=free_username(email.lower()), first_name=first_name, last_name=last_name, email=email, unit=unit
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    audit_record(actor=actor, target=person, action="user.create", after=snapshot(person, PERSON_FIELDS))
    return person


PROFILE_FIELDS = ("language", "notification_mode")


@transaction.atomic
def profile_update(*, actor, language: str, notification_mode: str) -> User:
    """A person's own preferences (issue 13): the language of the portal's e-mails, and whether
    they come one at a time or as one daily digest (notifications.digest). Only the person
    themselves changes them; audited as ``user.update`` when something changed."""
    person = User.objects.select_for_update().get(pk=actor.pk)
    before = snapshot(person, PROFILE_FIELDS)
    person.language, person.notification_mode = language, notification_mode
    person.full_clean()
    before, after = diff(before, snapshot(person, PROFILE_FIELDS))
    if after:
        person.save(update_fields=list(after))
        audit_record(actor=actor, target=person, action="user.update", before=before, after=after)
    actor.language, actor.notification_mode = person.language, person.notification_mode
    return person
