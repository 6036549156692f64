"""Who may do what in monitoring (MON-1, MON-2, PURP-3): plain predicates of the user and the
account that never raise. The services call them to refuse (NotAllowed) and the pages call the
same ones to show only what their user may do. Who keeps or manages an account is
accounts.permissions."""

from accounts import permissions as accounts
from accounts.models import SocialAccount
from org import roles


def can_check_in(user, account: SocialAccount) -> bool:
    """MON-1: the account's owner or deputy records that it was monitored (or the communications
    department, which may act for anyone)."""
    return accounts.can_maintain(user, account)


def can_use_ping_address(user, account: SocialAccount) -> bool:
    """The secret ping address records check-ins: shown to, and renewed by, whoever may check in."""
    return can_check_in(user, account)


def can_record_follow_up(user, account: SocialAccount) -> bool:
    """PURP-3: the yearly follow-up against the goals is the owner's (or deputy's) to write."""
    return accounts.can_maintain(user, account)


def can_acknowledge_follow_up(user, account: SocialAccount) -> bool:
    """PURP-3: a responsible manager of the account's unit or a unit above it acknowledges it."""
    return accounts.manages(user, account)


def can_see_overview(user) -> bool:
    """The compliance overview: the communications department and auditors (all units) and
    managers (their units), RESP-1."""
    return roles.sees_everything(user) or roles.is_manager(user)
