import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from core.exceptions import ApplicationError
from org.choices import UnitKind
from org.models import Unit
from org.services import unit_create, unit_update
from tests import factories

pytestmark = pytest.mark.django_db


def unit_events(unit, action=None):
    events = AuditEvent.objects.for_object(unit)
    return events.filter(action=action) if action else events


def test_unit_create_puts_a_root_unit_at_depth_one(comms):
    """A unit without a parent gets its own segment as path and depth 1."""
    unit = unit_create(actor=comms, name="Institutionen för medicin", kind=UnitKind.DEPARTMENT)

    unit.refresh_from_db()
    assert unit.path == f"{unit.pk:08d}/"
    assert unit.depth == 1


def test_unit_create_extends_the_parent_path(comms):
    """A unit under a depth-3 parent gets the parent's path plus its own segment and depth 4."""
    parent = factories.unit_chain(3)[-1]

    unit = unit_create(actor=comms, name="Forskargrupp", kind=UnitKind.RESEARCH_GROUP, parent=parent)

    unit.refresh_from_db()
    assert unit.path == f"{parent.path}{unit.pk:08d}/"
    assert unit.depth == 4
    assert unit.parent == parent


def test_unit_create_writes_one_audit_event(comms):
    """Creating a unit records unit.create with the new unit's fields, and nothing else."""
    manager = factories.UserFactory()

    unit = unit_create(
        actor=comms,
        name="Avdelningen för kardiologi",
        kind=UnitKind.DIVISION,
        manager=manager,
        registry_email="registrator@ki.se",
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("unit.create", comms, str(unit.pk))
    assert event.before == {}
    assert event.after["name"] == "Avdelningen för kardiologi"
    assert event.after["kind"] == UnitKind.DIVISION
    assert event.after["manager"] == str(manager)
    assert event.after["registry_email"] == "registrator@ki.se"
    assert event.after["parent"] is None


@pytest.mark.parametrize("actor_fixture", ["outsider", "auditor", "owner"])
def test_unit_create_by_anyone_but_comms_is_refused(actor_fixture, request):
    """Only the communications department creates units; the refusal writes nothing."""
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(ApplicationError):
        unit_create(actor=actor, name="Ny enhet", kind=UnitKind.OFFICE)

    assert Unit.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unit_create_with_an_invalid_kind_is_refused(comms):
    """An unknown kind fails validation and nothing is written."""

    with pytest.raises(ValidationError):
        unit_create(actor=comms, name="Ny enhet", kind="planet")

    assert Unit.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unit_update_moves_the_whole_subtree(comms):
    """Moving a depth-2 unit under a depth-3 unit rewrites its path and depth and those of every unit below it."""
    root = factories.UnitFactory()
    moving, child, grandchild = factories.unit_chain(3, parent=root)
    target = factories.unit_chain(2, parent=root)[-1]
    untouched = factories.UnitFactory(parent=root)

    unit_update(actor=comms, unit_id=moving.pk, parent=target)

    for unit in (moving, child, grandchild, untouched, target):
        unit.refresh_from_db()
    assert moving.path == f"{target.path}{moving.pk:08d}/"
    assert child.path == f"{moving.path}{child.pk:08d}/"
    assert grandchild.path == f"{child.path}{grandchild.pk:08d}/"
    assert (moving.depth, child.depth, grandchild.depth) == (4, 5, 6)
    assert moving.parent == target
    assert untouched.path == f"{root.path}{untouched.pk:08d}/"
    assert set(Unit.objects.subtree(target)) == {target, moving, child, grandchild}


def test_unit_update_moves_the_subtree_in_one_update(comms):
    """The subtree is moved by one UPDATE statement, however many units lie below."""
    root_a, root_b = factories.UnitFactory(), factories.UnitFactory()
    moving = factories.UnitFactory(parent=root_a)
    factories.unit_chain(4, parent=moving)
    factories.UnitFactory(parent=moving)

    with CaptureQueriesContext(connection) as queries:
        unit_update(actor=comms, unit_id=moving.pk, parent=root_b)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "org_unit"')]
    # One for the unit's own fields, one for the whole subtree's paths and depths.
    assert len(updates) == 2
    assert Unit.objects.filter(path__startswith=root_b.path).count() == 7


def test_unit_update_to_the_top_of_the_tree_makes_it_a_root(comms):
    """Moving a unit to no parent gives it depth 1 and shortens every path below it."""
    root = factories.UnitFactory()
    moving, child = factories.unit_chain(2, parent=root)

    unit_update(actor=comms, unit_id=moving.pk, parent=None)

    moving.refresh_from_db()
    child.refresh_from_db()
    assert (moving.path, moving.depth) == (f"{moving.pk:08d}/", 1)
    assert (child.path, child.depth) == (f"{moving.pk:08d}/{child.pk:08d}/", 2)


def test_unit_update_move_is_audited_with_before_and_after(comms):
    """A move records unit.update with only the parent, before and after."""
    old_parent, new_parent = factories.UnitFactory(name="Gamla"), factories.UnitFactory(name="Nya")
    moving = factories.UnitFactory(parent=old_parent)

    unit_update(actor=comms, unit_id=moving.pk, parent=new_parent)

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("unit.update", comms, str(moving.pk))
    assert event.before == {"parent": "Gamla"}
    assert event.after == {"parent": "Nya"}


def test_unit_update_records_only_changed_fields(comms):
    """Renaming a unit records the name alone, even when other fields are passed unchanged."""
    unit = factories.UnitFactory(name="Gammalt namn", kind=UnitKind.OFFICE)

    unit_update(actor=comms, unit_id=unit.pk, name="Nytt namn", kind=UnitKind.OFFICE)

    unit.refresh_from_db()
    assert unit.name == "Nytt namn"
    event = AuditEvent.objects.get()
    assert (event.before, event.after) == ({"name": "Gammalt namn"}, {"name": "Nytt namn"})


def test_unit_update_without_changes_records_nothing(comms):
    """Saving a unit with the values it already has writes no audit event."""
    unit = factories.UnitFactory(name="Samma")

    unit_update(actor=comms, unit_id=unit.pk, name="Samma")

    assert AuditEvent.objects.count() == 0


def test_unit_cannot_be_moved_under_its_own_descendant(comms):
    """Moving a unit under a unit below it is refused and no path, depth or parent changes."""
    top, middle, bottom = factories.unit_chain(3)
    before = {u.pk: (u.path, u.depth, u.parent_id) for u in Unit.objects.all()}

    with pytest.raises(ApplicationError):
        unit_update(actor=comms, unit_id=middle.pk, parent=bottom)

    assert {u.pk: (u.path, u.depth, u.parent_id) for u in Unit.objects.all()} == before
    assert AuditEvent.objects.count() == 0


def test_unit_cannot_be_moved_under_itself(comms):
    """A unit cannot be its own parent; nothing changes."""
    unit = factories.UnitFactory()
    path = unit.path

    with pytest.raises(ApplicationError):
        unit_update(actor=comms, unit_id=unit.pk, parent=unit)

    unit.refresh_from_db()
    assert (unit.path, unit.parent_id) == (path, None)
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("actor_fixture", ["outsider", "auditor"])
def test_unit_update_by_anyone_but_comms_is_refused(actor_fixture, request):
    """Only the communications department changes units; a refused change leaves the unit as it was."""
    actor = request.getfixturevalue(actor_fixture)
    unit = factories.UnitFactory(name="Oförändrad")

    with pytest.raises(ApplicationError):
        unit_update(actor=actor, unit_id=unit.pk, name="Ändrad")

    unit.refresh_from_db()
    assert unit.name == "Oförändrad"
    assert AuditEvent.objects.count() == 0


def test_unit_update_by_the_units_own_manager_is_refused(db):
    """Being the unit's responsible manager does not give the right to edit the organisation."""
    manager = factories.UserFactory()
    unit = factories.UnitFactory(name="Oförändrad", manager=manager)

    with pytest.raises(ApplicationError):
        unit_update(actor=manager, unit_id=unit.pk, name="Ändrad")

    unit.refresh_from_db()
    assert unit.name == "Oförändrad"
    assert AuditEvent.objects.count() == 0


def test_unit_update_rejects_unknown_fields(comms):
    """Passing a field the service does not manage (e.g. path) is a programming error."""
    unit = factories.UnitFactory()

    with pytest.raises(TypeError):
        unit_update(actor=comms, unit_id=unit.pk, path="00000001/")

    assert AuditEvent.objects.count() == 0
