"""Who may do what with an account: the one vocabulary of accounts (docs/architecture.md,
"permissions"). Visibility itself is SocialAccountQuerySet.visible_to.

Plain predicates of the user and the object. They never raise and make as few queries as they
can. A service calls one to refuse (`raise NotAllowed(...)`); a view or template calls the same
one to show or hide the button, so that a page never offers what the service would refuse.
They answer "who", not "when": the state checks (a closed account, a sent request) stay in the
services, which answer them with ApplicationError.
"""

from accounts.choices import AccountStatus, Role
from accounts.models import Assignment, SocialAccount
from org import roles
from org.models import Unit

# Statuses in which the requester may still edit their request.
EDITABLE_REQUEST_STATUSES = frozenset({AccountStatus.DRAFT, AccountStatus.RETURNED})


def keeper_role(user, account: SocialAccount) -> str | None:
    """'owner' or 'deputy' if the user currently holds that role for the account."""
    if not user.is_authenticated:
        return None
    return Assignment.objects.current().filter(account=account, person=user).values_list("role", flat=True).first()


def is_keeper(user, account: SocialAccount) -> bool:
    return keeper_role(user, account) is not None


def is_owner(user, account: SocialAccount) -> bool:
    return keeper_role(user, account) == Role.OWNER


def manages(user, account: SocialAccount) -> bool:
    """The user is the responsible manager of the account's unit or of a unit above it (RESP-1)."""
    return roles.manages_unit(user, account.unit)


def can_edit_registry(user) -> bool:
    """Register, import and edit any account directly: the communications department."""
    return roles.can_edit_registry(user)


def can_request(user) -> bool:
    """Ask for a new account (START-1): any logged-in member of staff, but not an auditor (unless
    they are also in the communications department)."""
    return user.is_authenticated and (roles.is_comms(user) or not roles.is_auditor(user))


def is_requester(user, account: SocialAccount) -> bool:
    """The person who made the request (the only one who edits it while it is a draft)."""
    return user.is_authenticated and account.created_by_id == user.pk


def can_edit_request(user, account: SocialAccount) -> bool:
    """The requester, while the request is a draft or returned to them."""
    return is_requester(user, account) and account.status in EDITABLE_REQUEST_STATUSES


def can_maintain(user, account: SocialAccount) -> bool:
    """Keep the account's details current (name, address, the sender checklist): its owner or
    deputy, or the communications department."""
    return roles.is_comms(user) or is_keeper(user, account)


def can_change_keepers(user, account: SocialAccount) -> bool:
    """Hand the account over to a new owner or appoint a new deputy (RES-2): the current owner, a
    responsible manager or the communications department."""
    return user.is_authenticated and (roles.is_comms(user) or is_owner(user, account) or manages(user, account))


def can_assign_directly(user) -> bool:
    """Appoint a new owner or deputy at once, without the new owner accepting, with a recorded
    reason (issue 13: a leaver's accounts): the communications department only."""
    return roles.is_comms(user)


def can_hand_over_for(user, person) -> bool:
    """Use the bulk handover page of a person who has left (issue 13): the communications
    department, or a responsible manager of the unit of an account the person holds (RESP-1).
    Auditors never write."""
    if not user.is_authenticated or person.left_on is None:
        return False
    if roles.is_comms(user):
        return True
    if not roles.is_manager(user):
        return False
    return (
        Assignment.objects.current()
        .filter(person=person, account__unit__in=Unit.objects.managed_by(user))
        .exclude(account__status__in=(AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED))
        .exists()
    )


def can_answer_handover(user, handover) -> bool:
    """Accept or decline a handover: only the person the account is offered to."""
    return user.is_authenticated and handover.to_person_id == user.pk


def can_upload_snapshot(user, account: SocialAccount) -> bool:
    """Store a screenshot of the account (REC-5): the owner, the deputy, the communications
    department or a responsible manager."""
    return user.is_authenticated and (can_maintain(user, account) or manages(user, account))


def can_see_snapshots(user, account: SocialAccount) -> bool:
    """See the account's screenshots and other evidence, which are never public (one query)."""
    return user.is_authenticated and SocialAccount.objects.with_evidence_for(user).filter(pk=account.pk).exists()


def can_see_whole_history(user, account: SocialAccount) -> bool:
    """See every event of the account's audit trail, evidence included (accounts.history): those
    who may see its evidence. Everyone else who sees the account sees its lifecycle events only."""
    return can_see_snapshots(user, account)


# People with access besides the owner and deputy (START-1, PRIV-2, issue 15).


def can_add_publisher(user, account: SocialAccount) -> bool:
    """Give someone access to the account: its owner (START-1)."""
    return is_owner(user, account)


def can_decide_publisher(user, publisher) -> bool:
    """Confirm or decline a publisher (START-1, PRIV-2): the responsible manager of the account's
    unit or of a unit above it, as for the account's request (RESP-1), but never the person who
    added them nor the publisher themself (separation of duties)."""
    return (
        user.is_authenticated
        and user.pk not in (publisher.added_by_id, publisher.person_id)
        and manages(user, publisher.account)
    )


def can_record_removal(user, account: SocialAccount) -> bool:
    """Record that a publisher's access on the platform is removed: the owner or deputy, who hold
    the platform's administration, or the communications department."""
    return can_maintain(user, account)


def can_review_access(user, account: SocialAccount) -> bool:
    """The yearly access review (START-1): the owner confirms who has access."""
    return is_owner(user, account)


def can_see_platforms(user) -> bool:
    """Read the platform catalogue (issue 14): the communications department and auditors."""
    return roles.sees_everything(user)


def can_edit_platforms(user) -> bool:
    """Add and change platforms and their address rules (issue 14): the communications department."""
    return roles.is_comms(user)


def can_see_accessibility_reports(user) -> bool:
    """The reports about the portal's own accessibility (issue 15): comms handle them, auditors read."""
    return roles.sees_everything(user)


def can_answer_accessibility_reports(user) -> bool:
    """Only the communications department marks a report answered; auditors read, never write."""
    return roles.is_comms(user)
