from django.db.models import Exists, OuterRef, Q

from accounts.choices import AccountStatus, Origin
from accounts.models import Assignment
from accounts.selectors import social_account_within_reach
from approvals.choices import Outcome, Step
from approvals.models import Decision
from org import roles
from org.models import Unit

S = AccountStatus


def _in_managed_units(user) -> Q:
    return Q(unit__in=Unit.objects.managed_by(user))


def todo_for(*, user) -> dict:
    """What waits for this user, by kind; each a queryset scoped to what they may see.

    Each section is within one of the parts of what the user may see (SocialAccountQuerySet.
    visible_to): the requests they made, the accounts they hold, the units they manage, and for
    comms everything. So the sections need no visibility test of their own (visible ∧ managed =
    managed): without it the retroactive section is read through the managed units' index
    instead of testing every visible account (issue 12)."""
    accounts = social_account_within_reach(user=user).order_by("updated_at", "id")
    keeps = Assignment.objects.current().filter(person=user).values("account")
    retro_done = Decision.objects.filter(account=OuterRef("pk"), step=Step.RETROACTIVE, outcome=Outcome.APPROVE)
    managed = _in_managed_units(user)
    todo = {
        "my_requests": accounts.filter(created_by=user, status__in=[S.DRAFT, S.RETURNED]),
        "to_decide": accounts.filter(managed, status=S.AWAITING_MANAGER).exclude(created_by=user),
        "retroactive": accounts.filter(managed, status__in=(S.ACTIVE, S.DECOMMISSIONING))
        .exclude(origin=Origin.REQUEST)
        .exclude(Exists(retro_done)),
        "to_sign_off": (
            accounts.filter(status=S.AWAITING_COMMS).exclude(created_by=user)
            if roles.is_comms(user)
            else accounts.none()
        ),
        "to_go_live": accounts.filter(status=S.APPROVED).filter(Q(pk__in=keeps) | Q(created_by=user)),
        "decommissioning": accounts.filter(status=S.DECOMMISSIONING).filter(Q(pk__in=keeps) | managed),
    }
    return todo


def retroactive_pending(account) -> bool:
    """An account registered without a portal decision waits for its manager's approval (START-1)."""
    return (
        account.origin != Origin.REQUEST
        and account.status in (S.ACTIVE, S.DECOMMISSIONING)
        and not account.decisions.filter(step=Step.RETROACTIVE, outcome=Outcome.APPROVE).exists()
    )


def decisions_of(account):
    return account.decisions.select_related("decided_by").order_by("created_at", "id")
