"""Who may do what in monitoring (MON-1, MON-2, PURP-3): plain predicates of the user and the
account that never raise. The services call them to refuse (NotAllowed) and the pages call the
same ones to show only what their user may do. Who keeps or manages an account is
accounts.permissions."""

from django.utils import timezone

from accounts import permissions as accounts
from accounts.models import SocialAccount
from monitoring.models import Cover
from org import roles
from org.calendar import local_day


def can_check_in(user, account: SocialAccount, day=None) -> bool:
    """MON-1: the account's owner or deputy records that it was monitored (or the communications
    department, which may act for anyone); MON-2: so does the stand-in named for the day (today
    unless given)."""
    if accounts.can_maintain(user, account):
        return True
    return is_stand_in(user, account, day or local_day(timezone.now()))


def can_use_ping_address(user, account: SocialAccount) -> bool:
    """The secret ping address records check-ins: shown to, and renewed by, the owner, the deputy
    and the communications department (not a temporary stand-in: the address outlives the cover)."""
    return accounts.can_maintain(user, account)


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


def is_stand_in(user, account: SocialAccount, day) -> bool:
    """MON-2: the user is the account's named stand-in on `day` (monitoring.Cover)."""
    return user.is_authenticated and Cover.objects.on(day).filter(account=account, stand_in=user).exists()


def can_arrange_cover(user, account: SocialAccount) -> bool:
    """MON-2, DECOM-2: name a stand-in or switch comments off for a period: the account owner or a
    responsible manager of its unit (or the communications department, which acts for anyone).
    Auditors never write."""
    return user.is_authenticated and (
        roles.is_comms(user) or accounts.is_owner(user, account) or accounts.manages(user, account)
    )
