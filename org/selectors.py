from org import roles
from org.models import Unit


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
