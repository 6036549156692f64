from django.utils.functional import SimpleLazyObject

from accounts import permissions


def account_permissions(request):
    """What the navigation offers on every page, from the same predicates the services refuse with;
    evaluated only when a template asks."""
    user = request.user
    return {
        "may_request_account": SimpleLazyObject(lambda: permissions.can_request(user)),
        "may_see_accessibility_reports": SimpleLazyObject(lambda: permissions.can_see_accessibility_reports(user)),
    }
