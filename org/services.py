"""The services of org's models (units, absences, people's roles): each checks who may, writes the change and its
audit event in one transaction."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError, NotAllowed
from org import permissions, roles
from org.models import PATH_SEPARATOR, Absence, Unit

UNIT_FIELDS = ("name", "name_en", "kind", "parent", "manager", "registry_email")


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
) -> Unit:
    """Create a unit under its parent and record it in the audit trail."""
    _require_registry_editor(actor)
    # The path needs the new primary key, so it is set in a second write inside the transaction.
    unit = Unit(
        name=name,
        name_en=name_en,
        kind=kind,
        parent=parent,
        manager=manager,
        registry_email=registry_email,
        path=f"new-{id(object())}",
    )
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = (parent.path if parent else "") + _segment(unit.pk)
    unit.depth = unit.path.count(PATH_SEPARATOR)
    unit.save(update_fields=["path", "depth"])
    audit_record(actor=actor, target=unit, action="unit.create", after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_update(*, actor, unit_id: int, **changes) -> Unit:
    """Change a unit's fields. Moving it under another parent moves its whole subtree in one update."""
    _require_registry_editor(actor)
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update got unknown fields {sorted(unknown)}")
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    before = snapshot(unit, UNIT_FIELDS)
    old_path = unit.path
    for field, value in changes.items():
        setattr(unit, field, value)
    new_parent = unit.parent
    if new_parent is not None and new_parent.path.startswith(old_path):
        raise ApplicationError(_("A unit cannot be placed under itself or one of its own sub-units."))
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


# --------------------------------------------------------------------------
# Pending people (issue 13). The People page has a function with the same name and signature;
# the lead keeps one at merge.
# --------------------------------------------------------------------------

PERSON_FIELDS = ("username", "first_name", "last_name", "email", "unit")


def _username_from_email(email: str) -> str:
    """The local part of the e-mail address, in the characters a user name allows, made unique
    (anna.svensson, anna.svensson-2, ...)."""
    import re

    from django.contrib.auth import get_user_model
    from django.db.models.functions import Lower

    local = email.split("@", 1)[0].lower()
    base = re.sub(r"[^\w.@+-]", "", local)[:140] or "person"
    taken = set(get_user_model().objects.filter(username__istartswith=base).values_list(Lower("username"), flat=True))
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def person_create(*, actor, first_name: str, last_name: str, email: str, unit=None):
    """Name a person who has never logged in (a pending person, issue 13): administrators and the
    communications department. The user gets an unusable password and a user name derived from
    the e-mail address; their first single sign-on links them to this row by e-mail
    (org.sso). An e-mail address another person has (in any case) is refused."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not permissions.can_manage_people(actor):
        raise NotAllowed(_("Only administrators and the communications department may add people."))
    User = get_user_model()
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address.")) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(_("Someone in the portal already has the e-mail address %(email)s.") % {"email": email})
    user = User(
        username=_username_from_email(email),
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        email=email,
        unit=unit,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from None
    user.save()
    audit_record(actor=actor, target=user, action="user.create", after=snapshot(user, PERSON_FIELDS))
    return user
