from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The people search (org.selectors.person_search) filters with icontains, which PostgreSQL runs as
# UPPER(column::text) LIKE UPPER('%word%'): a trigram GIN index on UPPER(column) serves it, so a
# search stays an index scan with tens of thousands of people (issue 12).
COLUMNS = ("first_name", "last_name", "username", "email")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: a scan of the users table is what a zero-setup run can afford
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS org_user_{column}_trgm ON org_user USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS org_user_{column}_trgm")


class Migration(migrations.Migration):
    """Trigram indexes for the people search (pg_trgm; nothing on other databases)."""

    dependencies = [("org", "0004_registrar_group")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
