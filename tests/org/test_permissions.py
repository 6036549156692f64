"""org.permissions: the predicates org's services refuse with (tests/org/test_services.py has the refusals)."""

from django.contrib.auth.models import AnonymousUser, Group

from org import permissions, roles


def test_only_comms_edits_units(comms, auditor, manager, outsider):
    assert permissions.can_edit_units(comms)
    assert not any(permissions.can_edit_units(u) for u in (auditor, manager, outsider, AnonymousUser()))


def test_absences_are_edited_by_their_person_or_by_comms(comms, auditor, outsider, owner):
    assert permissions.can_edit_absences_of(outsider, outsider)
    assert permissions.can_edit_absences_of(comms, outsider)
    assert not permissions.can_edit_absences_of(owner, outsider)
    assert not permissions.can_edit_absences_of(auditor, outsider)
    assert not permissions.can_edit_absences_of(AnonymousUser(), outsider)


def test_every_role_group_exists_after_migrating(db):
    """The role groups (comms, auditor and, since issue 11, registrar) exist on every installation,
    not only where the demo was seeded: an administrator can put someone in them at once."""
    assert set(roles.ROLE_GROUPS) == {"comms", "auditor", "registrar", "administrator"}
    assert set(Group.objects.filter(name__in=roles.ROLE_GROUPS).values_list("name", flat=True)) == set(
        roles.ROLE_GROUPS
    )
