"""Who may make which report and export (docs/architecture.md, "permissions").

Plain predicates: they take the user (and the scope or object), answer yes or no, never raise, and
ask the database at most once per request (org.roles caches the user's groups and units). The
report and the export services call them to refuse (NotAllowed); the views and templates call the
same ones to show a page, a link or a button.
"""

from org import roles
from org.models import Unit


def can_make_reports(user) -> bool:
    """Some report is the user's to make: the communications department and auditors (all of KI),
    a responsible manager (their units and those below, RESP-1). The report page and the
    audit-trail export page answer 403 to anyone else, and their links are shown only to these."""
    return roles.sees_everything(user) or roles.is_manager(user)


def can_report(user, unit: Unit | None) -> bool:
    """The user may make the compliance report of `unit` with everything below it; None means
    the whole university, only for those who see everything (RESP-1)."""
    if unit is None:
        return roles.sees_everything(user)
    return roles.oversees_unit(user, unit)


def can_export_audit_trail(user, unit: Unit | None) -> bool:
    """The audit trail (REC-1) of a unit with everything below it, or of everything (None), goes to
    whoever may make the compliance report of the same scope."""
    return can_report(user, unit)


def can_export_inventory(user) -> bool:
    """Any logged-in user may export the inventory: the accounts they see (the selector scopes it)."""
    return user.is_authenticated


def can_see_job(user, job) -> bool:
    """An export job and its file are its requester's only."""
    return user.is_authenticated and job.requested_by_id == user.pk


def can_see_delivered(user, record) -> bool:
    """A delivered half-year report goes to whoever may make the same report now (RESP-1): its
    unit's managers and those above, or for all of KI the communications department and auditors."""
    return user.is_authenticated and can_report(user, record.unit)
