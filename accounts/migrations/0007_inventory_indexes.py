from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# The inventory's search (accounts.filters.InventoryFilter.search) is icontains on the name, the
# handle and the address, which PostgreSQL runs as UPPER(column::text) LIKE UPPER('%word%'): a
# trigram GIN index on UPPER(column) for each serves it (a BitmapOr of three index scans), so a
# searched page is no scan of the accounts table at 100 000 accounts (issue 12, item 6).
# pg_trgm is also created by approvals and org migrations; IF NOT EXISTS makes the order moot.
TRIGRAM_COLUMNS = ("name", "handle", "url")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: a scan of the accounts table is what a zero-setup run can afford
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS accounts_{column}_trgm ON accounts_socialaccount "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS accounts_{column}_trgm")


class Migration(migrations.Migration):
    """Indexes for the inventory: its order (name, id) and its search (trigrams, PostgreSQL only)."""

    dependencies = [("accounts", "0006_snapshot_once")]

    operations = [
        migrations.AddIndex(
            model_name="socialaccount",
            index=models.Index(fields=["name", "id"], name="accounts_name_id"),
        ),
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
