"""The list of organisations KI officially collaborates with (PURP-4), kept by the communications
department: a request names the partner its channel is about. Each change is audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import CollaborationPartner
from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError, NotAllowed
from org import roles

PARTNER_FIELDS = ("name", "description", "is_active")


def can_edit_partners(user) -> bool:
    """PURP-4: the communications department keeps the list."""
    return roles.is_comms(user)


def _save(partner: CollaborationPartner) -> None:
    try:
        partner.full_clean()
        with transaction.atomic():
            partner.save()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    except IntegrityError as exc:
        raise ApplicationError(_("A partner with this name is already on the list.")) from exc


@transaction.atomic
def partner_create(*, actor, name: str, description: str = "", is_active: bool = True) -> CollaborationPartner:
    if not can_edit_partners(actor):
        raise NotAllowed(_("Only the communications department keeps the list of collaboration partners."))
    partner = CollaborationPartner(name=name.strip(), description=description.strip(), is_active=is_active)
    _save(partner)
    audit_record(actor=actor, target=partner, action="partner.create", after=snapshot(partner, PARTNER_FIELDS))
    return partner


@transaction.atomic
def partner_update(*, actor, partner_id: int, **changes) -> CollaborationPartner:
    """Rename a partner, or mark it no longer current (it stays on the accounts that name it)."""
    if not can_edit_partners(actor):
        raise NotAllowed(_("Only the communications department keeps the list of collaboration partners."))
    partner = CollaborationPartner.objects.select_for_update().get(pk=partner_id)
    before = snapshot(partner, PARTNER_FIELDS)
    for field in PARTNER_FIELDS:
        if field in changes:
            value = changes[field]
            setattr(partner, field, value.strip() if isinstance(value, str) else value)
    _save(partner)
    before, after = diff(before, snapshot(partner, PARTNER_FIELDS))
    if after:
        audit_record(actor=actor, target=partner, action="partner.update", before=before, after=after)
    return partner
