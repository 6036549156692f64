"""Who may take each step of the approval workflow (START-1, START-2, RESP-1, DECOM-1).

Plain predicates of the user and the account: they never raise and ask the database as little as
possible (roles are cached on the user). The services call them to refuse (NotAllowed, with the
message that says who may) and the request page calls the same ones, through `actions`, to show
only the buttons its user may press. Who holds or keeps an account is accounts.permissions.
"""

from accounts import permissions as accounts
from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from approvals.choices import Outcome, Step
from approvals.selectors import retroactive_pending
from org import roles

S = AccountStatus

# Who asks, who edits and who changes the people are the accounts floor's rules (its services
# refuse with them); the approval steps use the same predicates.
can_request = accounts.can_request
is_requester = accounts.is_requester
can_change_people = accounts.can_change_keepers

# The states in which the account's name and address can change on the request page.
ADDRESS_STATES = (S.APPROVED, S.ACTIVE, S.DECOMMISSIONING)
# The states in which the account is closed: its people no longer change.
CLOSED = (S.REJECTED, S.DECOMMISSIONED)


def can_decide(user, account: SocialAccount) -> bool:
    """START-1, RESP-1: the responsible manager of the account's unit or of a unit above it, never
    the requester (separation of duties)."""
    return not is_requester(user, account) and accounts.manages(user, account)


def approved_as_manager(user, account: SocialAccount) -> bool:
    """The user approved the request as manager (the last manager approval counts)."""
    step = account.decisions.filter(step=Step.MANAGER, outcome=Outcome.APPROVE).order_by("-created_at").first()
    return step is not None and step.decided_by_id == user.pk


def can_sign_off(user, account: SocialAccount) -> bool:
    """START-2: the communications department, but neither the requester nor the manager who
    approved it: the two steps are two people, even for a manager who is in comms."""
    return roles.is_comms(user) and not is_requester(user, account) and not approved_as_manager(user, account)


def can_decide_retroactively(user, account: SocialAccount) -> bool:
    """START-1, RESP-1: an account KI already had is confirmed by its responsible manager."""
    return accounts.manages(user, account)


def can_go_live(user, account: SocialAccount) -> bool:
    """SEND-1..3: whoever keeps the account sets it up: its owner, deputy or the communications department."""
    return accounts.can_maintain(user, account)


def can_start_decommission(user, account: SocialAccount) -> bool:
    """DECOM-1: the owner, a responsible manager or the communications department."""
    return roles.is_comms(user) or accounts.manages(user, account) or accounts.is_owner(user, account)


def can_decommission(user, account: SocialAccount) -> bool:
    """DECOM-2: the decommissioning checklist is ticked by whoever keeps the account or manages it."""
    return accounts.manages(user, account) or accounts.can_maintain(user, account)


def can_enter_reference(user, account: SocialAccount) -> bool:
    """The registry's reference number of a decision: the communications department, a responsible
    manager, or the registrar, who enters the numbers the registry gives back (issue 14)."""
    return roles.is_comms(user) or roles.is_registrar(user) or accounts.manages(user, account)


def actions(user, account: SocialAccount) -> dict[str, bool]:
    """The steps the user may take on the account in its current state: the buttons of the request
    page. The state is checked first, so that a predicate that asks the database is asked only when
    its button could be shown."""
    status = account.status
    set_up = status == S.APPROVED and can_go_live(user, account)
    return {
        "edit": accounts.can_edit_request(user, account),
        "decide": status == S.AWAITING_MANAGER and can_decide(user, account),
        "sign_off": status == S.AWAITING_COMMS and can_sign_off(user, account),
        "retro": can_decide_retroactively(user, account) and retroactive_pending(account),
        "set_up": set_up,
        # While setting up, the sender checklist is one of the steps; once live its owner keeps it.
        "sender_checklist": set_up or (status == S.ACTIVE and accounts.is_owner(user, account)),
        "change_address": status in ADDRESS_STATES and accounts.can_maintain(user, account),
        "start_decommission": status == S.ACTIVE and can_start_decommission(user, account),
        "decommission": status == S.DECOMMISSIONING and can_decommission(user, account),
        "enter_reference": can_enter_reference(user, account),
        "change_people": status not in CLOSED and can_change_people(user, account),
    }
