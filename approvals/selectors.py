from django.db.models import Exists, OuterRef, Q

from accounts.choices import AccountStatus, Origin
from accounts.models import Assignment
from accounts.selectors import social_account_list
from approvals.choices import Outcome, Step
from approvals.models import Decision
from org import roles
from org.models import Unit

S = AccountStatus


def _in_managed_units(user) -> Q:
    return Q(unit__in=Unit.objects.managed_by(user))


def todo_for(*, user) -> dict:
    """What waits for this user, by kind; each a queryset scoped to what they may see."""
    visible = social_account_list(user=user).order_by("updated_at", "id")
    keeps = Assignment.objects.current().filter(person=user).values("account")
    retro_done = Decision.objects.filter(account=OuterRef("pk"), step=Step.RETROACTIVE, outcome=Outcome.APPROVE)
    managed = _in_managed_units(user)
    todo = {
        "my_requests": visible.filter(created_by=user, status__in=[S.DRAFT, S.RETURNED]),
        "to_decide": visible.filter(managed, status=S.AWAITING_MANAGER).exclude(created_by=user),
        "retroactive": visible.filter(managed, status__in=(S.ACTIVE, S.DECOMMISSIONING))
        .exclude(origin=Origin.REQUEST)
        .exclude(Exists(retro_done)),
        "to_sign_off": (
            visible.filter(status=S.AWAITING_COMMS).exclude(created_by=user) if roles.is_comms(user) else visible.none()
        ),
        "to_go_live": visible.filter(status=S.APPROVED).filter(Q(pk__in=keeps) | Q(created_by=user)),
        "decommissioning": visible.filter(status=S.DECOMMISSIONING).filter(Q(pk__in=keeps) | managed),
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
