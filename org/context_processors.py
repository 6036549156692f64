from django.utils.functional import SimpleLazyObject

from org import permissions, roles


def user_roles(request):
    """The navigation shows what the user's roles allow; evaluated only when a template asks."""
    user = request.user
    return {
        "is_comms": SimpleLazyObject(lambda: roles.is_comms(user)),
        "is_auditor": SimpleLazyObject(lambda: roles.is_auditor(user)),
        "is_manager": SimpleLazyObject(lambda: roles.is_manager(user)),
        "may_manage_people": SimpleLazyObject(lambda: permissions.can_manage_people(user)),
    }
