from django.utils.functional import SimpleLazyObject

from records import permissions


def records_permissions(request):
    """The navigation's "Records requests", from the predicate the pages answer 403 with;
    evaluated only when a template asks."""
    user = request.user
    return {"may_see_records_requests": SimpleLazyObject(lambda: permissions.can_see_requests(user))}
