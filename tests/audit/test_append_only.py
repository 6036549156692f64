"""The audit table is append-only in the database (issue 11, defect 7): triggers refuse UPDATE,
DELETE and TRUNCATE whatever the code does; only the test suite's maintenance switch passes."""

import pathlib

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from audit.models import AuditEvent
from audit.services import audit_record
from tests import factories
from tests.audit_maintenance import audit_maintenance

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE exists only on PostgreSQL (SQLite has no TRUNCATE)"
)


@pytest.fixture
def event(comms):
    return audit_record(actor=comms, target=factories.UnitFactory(name="Enhet"), action="unit.update")


def refused(sql, params=()):
    """Run raw SQL in a savepoint and return the database's error."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return caught.value


def test_raw_update_is_refused_by_the_database(event):
    error = refused("UPDATE audit_auditevent SET note = 'rewritten', action = 'x' WHERE id = %s", [event.pk])

    assert "append-only" in str(error)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.note, stored.action, stored.hash) == ("", "unit.update", event.hash)


def test_raw_delete_is_refused_by_the_database(event):
    error = refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])

    assert "append-only" in str(error)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_delete_through_the_orm_is_refused_by_the_database(event):
    """QuerySet._raw_delete() skips the model's guards; the trigger still refuses."""
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_truncate_is_refused_by_the_database(event):
    # The test's transaction holds the insert's deferred foreign-key checks; PostgreSQL will not
    # truncate a table with pending trigger events, so run them first.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    error = refused("TRUNCATE audit_auditevent CASCADE")

    assert "append-only" in str(error)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_maintenance_switch_is_off_outside_its_block(event):
    """The switch lasts one transaction: after the block the table is closed again."""
    with audit_maintenance():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default")
    second = audit_record(actor=None, target=factories.UnitFactory(), action="unit.update")

    refused("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [second.pk]


def test_production_code_never_uses_the_maintenance_switch():
    """Only the migration that defines the switch and the test suite name it: the portal has no path
    around the triggers."""
    root = pathlib.Path(__file__).resolve().parents[2]
    naming = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "var", "tests", "node_modules"} & set(path.relative_to(root).parts)
        and "audit_maintenance" in path.read_text(encoding="utf-8")
    )

    assert naming == ["audit/migrations/0004_append_only_triggers.py"]


def test_deleting_a_user_who_acted_is_refused(event, comms):
    """The actor is a protected reference: deleting the user would rewrite the trail. Users are
    deactivated instead."""
    with pytest.raises(ProtectedError), transaction.atomic():
        comms.delete()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_username) == (comms.pk, "comms-user")


def test_the_username_is_copied_at_creation(event, comms):
    assert event.actor_username == comms.username == "comms-user"
