"""The test suite's one way past the audit table's triggers (audit/migrations/0004): empty the
tables between transactional tests (Django's flush) and, in the chain tests, tamper with a row on
purpose. Production code never imports this module (tests/audit/test_append_only.py checks)."""

from contextlib import contextmanager

from django.db import connection as default_connection
from django.db import transaction


@contextmanager
def audit_maintenance(connection=default_connection):
    """Inside this block the audit table may be updated, deleted and truncated. The switch is
    transactional: an error inside the block rolls it back with the block's savepoint, and at the
    end it is switched off again (SET LOCAL would otherwise last to the end of an outer transaction)."""
    if connection.vendor == "postgresql":
        on, off = "SET LOCAL kipolicy.audit_maintenance = 'on'", "SET LOCAL kipolicy.audit_maintenance = 'off'"
    else:
        on, off = "UPDATE audit_maintenance SET enabled = 1", "UPDATE audit_maintenance SET enabled = 0"
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(on)
        yield
        cursor.execute(off)


@contextmanager
def flush_through_audit_maintenance():
    """Django's flush (between transactional tests) deletes every table's rows: let it."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with audit_maintenance(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    try:
        yield
    finally:
        BaseDatabaseOperations.execute_sql_flush = original
