from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accounts.models import Assignment, SocialAccount
from audit.models import AuditEvent
from org.models import Unit


def _with_people(qs):
    """Platform, unit, the unit's manager and the current owner and deputy, in a fixed number of queries."""
    return qs.select_related("platform", "unit", "unit__manager").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.current().select_related("person"),
            to_attr="current_assignments",
        )
    )


def social_account_list(*, user):
    """The inventory as this user may see it (404 for anything outside it)."""
    return _with_people(SocialAccount.objects.visible_to(user))


def social_account_mine(*, user):
    """Accounts where the user is the current owner or deputy."""
    return _with_people(SocialAccount.objects.held_by(user))


def social_account_get(*, user, pk: int) -> SocialAccount:
    return get_object_or_404(social_account_list(user=user), pk=pk)


def social_account_history(*, account: SocialAccount):
    """Who held each role, and when, most recent first."""
    return account.assignments.select_related("person").order_by("role", "-started_at")


def social_account_audit(*, account: SocialAccount):
    return AuditEvent.objects.for_object(account).select_related("actor")


def people_of(account: SocialAccount) -> dict:
    """{"owner": user|None, "deputy": user|None} from the prefetched current assignments."""
    people = {"owner": None, "deputy": None}
    for assignment in getattr(account, "current_assignments", None) or account.assignments.current():
        people[assignment.role] = assignment.person
    return people


def registry_email_for(account: SocialAccount) -> str:
    """The registry of the unit where the account is established: the unit's own, or the nearest
    unit above that has one (a division registers with its department)."""
    units = Unit.objects.ancestors_of(account.unit).exclude(registry_email="").order_by("-depth")
    return units.values_list("registry_email", flat=True).first() or ""
