"""Who may change the organisation: the predicates org's services refuse with and its pages
show buttons by (docs/architecture.md, "permissions"). Roles themselves are org.roles."""

from org import roles


def can_edit_units(user) -> bool:
    """Create, move and edit units and set their responsible managers (RESP-1): the communications
    department, and administrators, who keep the people and their responsibilities (issue 13)."""
    return roles.can_edit_registry(user) or roles.is_administrator(user)


def can_edit_absences_of(user, person) -> bool:
    """Register or remove a person's absences (MON-2, RES-2): the person themselves, or the
    communications department for anyone."""
    return user.is_authenticated and (person.pk == user.pk or roles.is_comms(user))


def can_grant_role(user, role: str) -> bool:
    """Grant or revoke a role (issue 13): administrators every role, the communications
    department every role but administrator. org.services refuses anyone's own roles."""
    if roles.is_administrator(user):
        return True
    return roles.is_comms(user) and role != roles.ADMINISTRATOR


def can_manage_people(user) -> bool:
    """See the People pages, name pending people, mark leavers: administrators and comms."""
    return roles.is_administrator(user) or roles.is_comms(user)
