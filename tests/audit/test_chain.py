"""The audit trail's hash chain (issue 11, defect 7): each event stores SHA-256(previous hash +
its canonical content); verify_audit_chain recomputes it and names the first broken event."""

import datetime
import hashlib
import json
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from audit import chain
from audit.models import AuditEvent
from audit.services import audit_chain_verify, audit_record
from tests import factories
from tests.audit_maintenance import audit_maintenance

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(comms):
    unit = factories.UnitFactory(name="Enhet")
    return [
        audit_record(actor=comms, target=unit, action="unit.update", before={"name": f"{i}"}, after={"name": "Ö"})
        for i in range(5)
    ]


def test_each_event_stores_the_hash_of_the_previous_hash_and_its_canonical_content(events, comms):
    first, second = events[0], events[1]
    content = json.dumps(
        {
            "created_at": first.created_at.astimezone(datetime.UTC).isoformat(),
            "actor_id": comms.pk,
            "actor_username": "comms-user",
            "actor_repr": first.actor_repr,
            "action": "unit.update",
            "content_type": "org.unit",
            "object_id": first.object_id,
            "object_repr": "Enhet",
            "before": {"name": "0"},
            "after": {"name": "Ö"},
            "note": "",
            "request_id": "",
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )

    assert first.prev_hash == chain.GENESIS
    assert first.hash == hashlib.sha256((chain.GENESIS + content).encode()).hexdigest()
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.hash == first.hash


def test_an_intact_chain_verifies(events, capsys):
    checked, broken, head = audit_chain_verify(chunk_size=2)

    assert (checked, broken, head) == (5, None, (events[-1].pk, events[-1].hash))
    call_command("verify_audit_chain")
    assert "Audit chain intact: 5 events checked" in capsys.readouterr().out


def test_an_edited_event_is_detected_and_named(events):
    """Someone with the database's maintenance rights edits one event: the chain names it."""
    edited = events[2]
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"name": "Å"}', edited.pk])

    checked, broken, _head = audit_chain_verify()

    assert (checked, broken.id, broken.reason, broken.previous_id) == (3, edited.pk, "content", events[1].pk)
    assert broken.created_at == edited.created_at
    with pytest.raises(CommandError, match=rf"Audit chain broken at event {edited.pk} .*changed after it was written"):
        call_command("verify_audit_chain")


def test_a_deleted_middle_event_is_detected_at_the_next_one(events):
    with audit_maintenance():
        AuditEvent.objects.filter(pk=events[2].pk)._raw_delete(using="default")

    _checked, broken, _head = audit_chain_verify()

    assert (broken.id, broken.reason, broken.previous_id) == (events[3].pk, "link", events[1].pk)


def test_events_removed_from_the_end_are_detected_against_the_last_known_head(events):
    head = (events[-1].pk, events[-1].hash)
    with audit_maintenance():
        AuditEvent.objects.filter(pk__in=[e.pk for e in events[3:]])._raw_delete(using="default")

    assert audit_chain_verify()[1] is None  # the chain alone cannot see a shortened end
    _checked, broken, _head = audit_chain_verify(known_head=head)

    assert (broken.id, broken.reason, broken.previous_id) == (events[-1].pk, "head", events[2].pk)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers on two connections need PostgreSQL (SQLite serialises writers itself)",
)
# serialized_rollback: the transactional tests run last, after others have flushed the tables;
# restoring the migrations' rows (content types) keeps cached ids valid, as in approvals' test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_writers_do_not_fork_the_chain(comms):
    """Each writer holds its transaction open after recording; without the advisory lock both would
    read the same last hash and chain onto the same event."""
    unit = factories.UnitFactory()
    audit_record(actor=None, target=unit, action="unit.update")
    together = threading.Barrier(2, timeout=10)

    def write(n):
        try:
            with transaction.atomic():
                together.wait()
                audit_record(actor=None, target=unit, action="unit.update", note=str(n))
                time.sleep(0.3)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    checked, broken, _head = audit_chain_verify()
    assert (checked, broken) == (3, None)
