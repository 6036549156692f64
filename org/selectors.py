from django.db.models import CharField, Func, Q
from django.shortcuts import get_object_or_404

from core.search import best_first, first_matches
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
    people did before they were replaced by this search (issue 12). The trigram index of migration
    org/0011 serves these icontains on PostgreSQL (PersonText). Issue 12: only the first ``limit``
    matches are read (core.search.first_matches), those the query names exactly first."""
    words = query.split()[:5]
    if len(query.strip()) < PERSON_SEARCH_MIN_LENGTH or not words:
        return User.objects.none()
    people = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    people = _matching(people, query)
    exact = person_exact(query)
    ids = first_matches(people, limit, exact=exact)
    return best_first(people.order_by("first_name", "last_name", "username", "pk"), ids, exact=exact)


def person_exact(query: str) -> Q:
    """A person the whole query names exactly: their username or e-mail address (shown first)."""
    query = query.strip()
    return Q(username__iexact=query) | Q(email__iexact=query)


class PersonStatus:
    """The People page's status filter (issue 13)."""

    ACTIVE = "active"  # has logged in, has not left
    PENDING = "pending"  # named by an import or by comms, never logged in
    LEFT = "left"  # has left KI


class PersonText(Func):
    """A person's first name, last name, username and e-mail address joined by spaces. A search
    word has no space in it, so it is in this text exactly when it is in one of the four; and one
    trigram index on it (org_user_person_trgm, migration org/0011, on UPPER of exactly this SQL)
    serves the search, where PostgreSQL priced four indexes OR'ed above a scan of every person
    (issue 12, fifth pass: 3 ms at 5 000 people, and growing with them)."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = CharField()

    def __init__(self):
        super().__init__("first_name", "last_name", "username", "email")


def _matching(people, query: str):
    """People whose name, username or e-mail address contain every word of ``query`` (at most five
    words), as person_search matches them."""
    words = query.split()[:5]
    if not words:
        return people
    people = people.alias(_person_text=PersonText())
    for word in words:
        people = people.filter(_person_text__icontains=word)
    return people


def person_list(*, user, query: str = "", role: str = "", status: str = ""):
    """The People page's list (issue 13): everyone, those who have left included, narrowed by a
    search (name, username, e-mail: the trigram index of org/0011 serves it on PostgreSQL), a role
    and a status; by name, with a total order for pagination. Unit and roles come in a fixed number
    of queries. The page itself is for org.permissions.can_manage_people."""
    people = _matching(User.objects.all(), query)
    if role in roles.ROLE_GROUPS:
        people = people.filter(groups__name=role)
    if status == PersonStatus.PENDING:
        people = people.filter(last_login__isnull=True, left_on__isnull=True)
    elif status == PersonStatus.LEFT:
        people = people.filter(left_on__isnull=False)
    elif status == PersonStatus.ACTIVE:
        people = people.filter(last_login__isnull=False, left_on__isnull=True)
    return (
        people.select_related("unit").prefetch_related("groups").order_by("first_name", "last_name", "username", "pk")
    )


def person_get(*, user, pk: int) -> User:
    """One person for the person page, with their unit."""
    return get_object_or_404(User.objects.select_related("unit"), pk=pk)


def person_role_names(person) -> set[str]:
    """The portal roles (org.roles.ROLE_GROUPS) the person holds."""
    return set(person.groups.filter(name__in=roles.ROLE_GROUPS).values_list("name", flat=True))
