"""Who may do what with an account. Visibility itself is SocialAccountQuerySet.visible_to."""

from accounts.choices import Role
from accounts.models import Assignment, SocialAccount
from org import roles


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


def can_maintain(user, account: SocialAccount) -> bool:
    """Keep the account's details current: its owner or deputy, or the communications department."""
    return roles.is_comms(user) or is_keeper(user, account)
