import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(comms):
    unit = factories.UnitFactory(name="Enhet")
    return audit_record(actor=comms, target=unit, action="unit.update", before={"name": "A"}, after={"name": "B"})


def test_saving_an_existing_audit_event_is_refused(event):
    """Audit events are append-only: a stored event cannot be saved again."""
    event.note = "changed"

    with pytest.raises(TypeError):
        event.save()

    event.refresh_from_db()
    assert event.note == ""


def test_deleting_an_audit_event_is_refused(event):
    """Audit events are append-only: a stored event cannot be deleted."""
    with pytest.raises(TypeError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_of_audit_events_is_refused(event):
    """Audit events are append-only: a queryset update is refused."""
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="unit.delete")

    event.refresh_from_db()
    assert event.action == "unit.update"


def test_manager_update_of_audit_events_is_refused(event):
    """Audit events are append-only: the manager's update is refused too."""
    with pytest.raises(TypeError):
        AuditEvent.objects.update(note="rewritten")

    event.refresh_from_db()
    assert event.note == ""


def test_bulk_update_of_audit_events_is_refused(event):
    """Audit events are append-only: bulk_update goes through the refused queryset update."""
    event.note = "rewritten"

    # bulk_update runs in an atomic block of its own; a savepoint keeps the test's transaction usable.
    with pytest.raises(TypeError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["note"])

    event.refresh_from_db()
    assert event.note == ""


def test_queryset_delete_of_audit_events_is_refused(event):
    """Audit events are append-only: a queryset delete is refused."""
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 1


def test_audit_record_stores_who_did_what_to_which_object(comms):
    """audit_record stores actor, action, target and the before/after values as plain JSON."""
    unit = factories.UnitFactory(name="Enhet")
    manager = factories.UserFactory(first_name="Maria", last_name="Prefektsson")

    audit_record(actor=comms, target=unit, action="unit.update", before={"manager": None}, after={"manager": manager})

    event = AuditEvent.objects.get()
    assert event.actor == comms
    assert event.actor_repr == f"{comms} ({comms.username})"
    assert (event.object_id, event.object_repr) == (str(unit.pk), "Enhet")
    assert (event.before, event.after) == ({"manager": None}, {"manager": "Maria Prefektsson"})
    assert list(AuditEvent.objects.for_object(unit)) == [event]


def test_audit_record_without_actor_is_the_system(db):
    """A background job records its events as the system, with no actor."""
    unit = factories.UnitFactory()

    audit_record(actor=None, target=unit, action="unit.check", actor_repr="system:compliance")

    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_repr) == (None, "system:compliance")
