"""The database refuses UPDATE, DELETE and TRUNCATE on audit_auditevent (issue 11, defect 7).

Triggers are our own SQL (no maintained library does this for both databases). The one way around
them is a maintenance switch that only the test suite uses, to empty the tables between
transactional tests (Django's flush); production code never sets it:

- PostgreSQL: the trigger function lets the change through when the transaction has run
  ``SET LOCAL kipolicy.audit_maintenance = 'on'``; otherwise it raises (SQLSTATE 23001,
  restrict_violation, which Django reports as IntegrityError).
- SQLite: the triggers' WHEN clause reads the one-row table ``audit_maintenance`` (not a Django
  model, so flush leaves it alone); its ``enabled`` column is 0 except inside such a transaction.

Anyone who can ``DROP TRIGGER`` (the table's owner, a superuser) can also set the switch: it adds
no power that the database role does not already have. The hash chain catches what they change.

SQLite rebuilds a table (and drops its triggers) when a migration alters it: a later migration
that alters audit_auditevent must run this migration's SQLite statements again (the tests in
tests/audit/test_append_only.py fail if the triggers are missing).
"""

from django.db import migrations

POSTGRESQL = [
    """
    CREATE FUNCTION audit_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('kipolicy.audit_maintenance', true) = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;  -- NULL for the TRUNCATE statement trigger, whose result is ignored
        END IF;
        RAISE EXCEPTION 'The audit trail is append-only: % on audit_auditevent refused.', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """CREATE TRIGGER audit_auditevent_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse()""",
    """CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER audit_auditevent_no_change ON audit_auditevent",
    "DROP FUNCTION audit_auditevent_refuse()",
]
SQLITE = [
    """CREATE TABLE audit_maintenance (
        id INTEGER PRIMARY KEY CHECK (id = 1), enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)))""",
    "INSERT INTO audit_maintenance (id, enabled) VALUES (1, 0)",
    *(
        f"""CREATE TRIGGER audit_auditevent_no_{op.lower()} BEFORE {op} ON audit_auditevent
        WHEN (SELECT enabled FROM audit_maintenance WHERE id = 1) IS NOT 1
        BEGIN SELECT RAISE(ABORT, 'The audit trail is append-only: {op} on audit_auditevent refused.'); END"""
        for op in ("UPDATE", "DELETE")
    ),
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_auditevent_no_delete",
    "DROP TRIGGER audit_auditevent_no_update",
    "DROP TABLE audit_maintenance",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fill_username_and_chain")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
