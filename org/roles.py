"""Roles. The communications department, auditors and registrars are Django groups; a manager is
whoever is the responsible manager of a unit (RESP-1). The answers are cached on the user object so
that a request asks the database once."""

COMMS = "comms"
AUDITOR = "auditor"
REGISTRAR = "registrar"
ADMINISTRATOR = "administrator"
ROLE_GROUPS = (COMMS, AUDITOR, REGISTRAR, ADMINISTRATOR)


def group_names(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_kipolicy_groups"):
        user._kipolicy_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._kipolicy_groups


def is_comms(user) -> bool:
    return user.is_authenticated and (user.is_superuser or COMMS in group_names(user))


def is_auditor(user) -> bool:
    return user.is_authenticated and AUDITOR in group_names(user)


def is_registrar(user) -> bool:
    """The registrar (registrator) logs and answers requests for public records (REC-1)."""
    return user.is_authenticated and REGISTRAR in group_names(user)


def is_administrator(user) -> bool:
    """Administrators manage people and their roles in the portal (issue 13); a superuser is one."""
    return user.is_authenticated and (user.is_superuser or ADMINISTRATOR in group_names(user))


def reads_every_account(user) -> bool:
    """Every account and its evidence, read-only unless another role allows more: comms and
    auditors, and registrars, who disclose any account's material on request (REC-1). Registrars
    do not otherwise see everything (reports, the compliance overview, every unit's figures)."""
    return sees_everything(user) or is_registrar(user)


def sees_everything(user) -> bool:
    """Comms and auditors read the whole inventory (auditors read-only)."""
    return is_comms(user) or is_auditor(user)


def can_edit_registry(user) -> bool:
    """Creating and editing accounts and units directly is the communications department's task."""
    return is_comms(user)


def managed_unit_paths(user) -> tuple[str, ...]:
    """Paths of the units this user is the responsible manager of (each covers its subtree)."""
    if not user.is_authenticated:
        return ()
    if not hasattr(user, "_kipolicy_managed_paths"):
        from org.models import Unit

        user._kipolicy_managed_paths = tuple(Unit.objects.filter(manager=user).values_list("path", flat=True))
    return user._kipolicy_managed_paths


def is_manager(user) -> bool:
    return bool(managed_unit_paths(user))


def manages_unit(user, unit) -> bool:
    """The user is the responsible manager of the unit or of a unit above it (RESP-1): the predicate
    of Unit.objects.managed_by, without a query once the user's units are known."""
    return any(unit.path.startswith(p) for p in managed_unit_paths(user))


def oversees_unit(user, unit) -> bool:
    """The predicate of Unit.objects.overseen_by: comms and auditors every unit, a manager their subtrees."""
    return sees_everything(user) or manages_unit(user, unit)
