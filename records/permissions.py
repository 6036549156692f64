"""Who may do what with the records of an account (docs/architecture.md, "permissions").

Plain predicates: they take the user and the object, never raise, and ask the database as little
as they can (org.roles caches the user's groups and managed units). The services call them to
refuse (NotAllowed) and the views and templates call the same ones to show or hide a button, so a
page never offers what the service would refuse.

Seeing the records at all is seeing the account's evidence (accounts.snapshots.can_see_snapshots):
records are never public, whoever may see the account.
"""

from accounts import permissions as account_permissions
from accounts.snapshots import can_see_snapshots
from org import roles


def can_see_evidence(user, account) -> bool:
    """Removed posts, questions, the blocking log, consents and weeding: for those who may see the
    account's screenshots (one query)."""
    return can_see_snapshots(user, account)


# Removed posts and questions (CONT-1/2, ANS-1..3, REC-2..4), blocks (CONT-1, REC-1) and media
# consents (MEDIA-1..3) are written by the same people.


def can_record(user, account) -> bool:
    """The account's owner or deputy records moderation; so may a responsible manager of its unit
    (RESP-1) or the communications department. Auditors only read."""
    return user.is_authenticated and (
        account_permissions.can_maintain(user, account) or account_permissions.manages(user, account)
    )


def can_hand_off(user, record) -> bool:
    """Hand a removed post or question to the registry or the archive (REC-3, REC-4)."""
    return can_record(user, record.account)


def can_set_reference(user, record) -> bool:
    """Enter the registry's reference number of a removed post or question (REC-4): whoever
    records the account's moderation, and the registrar, who enters the numbers the registry
    gives back (the registers' queue, issue 14)."""
    return roles.is_registrar(user) or can_record(user, record.account)


def can_set_reference_in_register(user, record) -> bool:
    """The reference form in a register's row: the registrar, the communications department and
    the account's responsible managers, for whom the answer needs no query per row; an owner or
    deputy enters it on the account's page. Always a case of can_set_reference."""
    return roles.is_registrar(user) or roles.is_comms(user) or account_permissions.manages(user, record.account)


def can_answer(user, inquiry) -> bool:
    """Record the answer to a question: whoever records the account's questions, and the manager
    a criticism was routed to (ANS-2)."""
    return user.is_authenticated and (can_record(user, inquiry.account) or inquiry.routed_to_id == user.pk)


def can_write_blocks(user, account) -> bool:
    """Record a block, review it and unblock (CONT-1, REC-1)."""
    return can_record(user, account)


def can_write_consents(user, account) -> bool:
    """Record a media consent (MEDIA-1..3)."""
    return can_record(user, account)


def can_see_unit_figures(user, unit) -> bool:
    """The response-time figures of a unit (ANS-1): comms and auditors see every unit's, a manager
    those of the units they are responsible for (RESP-1), which are exactly the units whose
    accounts' records they may see."""
    return roles.oversees_unit(user, unit)


# Requests for public records (REC-1): the communications department and registrars handle
# them; auditors read them (auditors are read-only everywhere, issue 11).


def can_see_requests(user) -> bool:
    """The list of requests, a request's page and its stored bundle: those who handle them, and
    auditors."""
    return can_handle_requests(user) or roles.is_auditor(user)


def can_handle_requests(user) -> bool:
    """Log a request (which puts its material on legal hold), make its bundle and close it (which
    lifts the hold): the communications department and registrars."""
    return roles.is_comms(user) or roles.is_registrar(user)


def can_make_bundle(user, records_request) -> bool:
    """Assemble a request's disclosure bundle."""
    return can_handle_requests(user)


def can_close_request(user, records_request) -> bool:
    """Close a request, which lifts its legal hold."""
    return can_handle_requests(user)


# Weeding (WEED-1/2)


def can_weed(user) -> bool:
    """Weeding decisions and retention assessments are the communications department's, whatever
    the account."""
    return roles.is_comms(user)


# Impostor cases (issue 14, SEND-1): handled by the communications department, read by auditors.


def can_see_impostor_cases(user) -> bool:
    return roles.sees_everything(user)


def can_handle_impostor_cases(user) -> bool:
    return roles.is_comms(user)
