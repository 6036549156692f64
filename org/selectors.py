from django.db.models import Q

from org import roles
from org.models import Unit, User


def unit_list(*, user):
    """Every unit, with its manager. The organisation itself is not secret inside KI."""
    return Unit.objects.select_related("manager", "parent")


def units_managed_by(*, user):
    """The units whose subtrees this user is responsible for (RESP-1)."""
    paths = roles.managed_unit_paths(user)
    return Unit.objects.filter(path__in=paths).select_related("manager")


def responsible_manager(unit: Unit, ancestors: list[Unit] | None = None):
    """The unit's own manager, or failing that the nearest manager above it (the delegation order).

    Returns (manager, unit that supplies it); (None, None) if no unit up the tree has one.
    """
    chain = ancestors if ancestors is not None else list(Unit.objects.ancestors_of(unit).select_related("manager"))
    for candidate in sorted(chain, key=lambda u: -u.depth):
        if candidate.manager_id:
            return candidate.manager, candidate
    return None, None


PERSON_SEARCH_LIMIT = 20
PERSON_SEARCH_MIN_LENGTH = 2


def person_search(*, user, query: str, include_inactive: bool = False, limit: int = PERSON_SEARCH_LIMIT):
    """The people whose first name, last name, username or e-mail address contain every word of
    ``query`` (so "olivia ägare" finds Olivia Ägare), at most ``limit``, by name; active people
    only unless ``include_inactive``. Every member of staff may find every other, as the lists of
    people did before they were replaced by this search (issue 12). The trigram indexes of
    migration org/0005 serve these icontains on PostgreSQL."""
    words = query.split()[:5]
    if len(query.strip()) < PERSON_SEARCH_MIN_LENGTH or not words:
        return User.objects.none()
    people = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    for word in words:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return people.order_by("first_name", "last_name", "username", "pk")[:limit]
