from django.utils.functional import SimpleLazyObject

from accounts import permissions, registers


def account_permissions(request):
    """What the navigation offers on every page, from the same predicates the services refuse with;
    evaluated only when a template asks."""
    user = request.user
    return {
        "may_request_account": SimpleLazyObject(lambda: permissions.can_request(user)),
        "may_see_accessibility_reports": SimpleLazyObject(lambda: permissions.can_see_accessibility_reports(user)),
    }


def register_queues(request):
    """The navigation's "Registers" and the counts of the user's queues (accounts.registers): one
    COUNT query per queue of the user's roles, only when a template asks, never cached (a count
    must not go stale). Users without queues (owners, managers, auditors) cost no query."""
    user = request.user
    return {"register_queues": SimpleLazyObject(lambda: registers.queue_counts(user) if user.is_authenticated else [])}
