from django.db import migrations, models


# The search across everything (issue 14, core.search.text_search) matches an account's name by
# full-text search in Swedish and English on PostgreSQL: GIN indexes on exactly the expressions
# SearchVector("name", config=…) writes. The handle and the address keep their trigram indexes
# (0007). Nothing on SQLite.
NAME = "accounts_name_search"


CONFIGS = ("swedish", "english")


def search_index_sql(table, columns, name):
    """One GIN index per configuration on the expression SearchVector(*columns, config=…) writes
    (core.search.text_search); written out here so that this migration never changes."""
    document = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return [
        f"CREATE INDEX IF NOT EXISTS {name}_{config[:2]} ON {table} "
        f"USING gin (to_tsvector('{config}'::regconfig, {document}))"
        for config in CONFIGS
    ]


def drop_search_index_sql(name):
    return [f"DROP INDEX IF EXISTS {name}_{config[:2]}" for config in CONFIGS]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in search_index_sql("accounts_socialaccount", ("name",), NAME):
            schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_search_index_sql(NAME):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    """Full-text indexes on the accounts' names (PostgreSQL only), and the Atom feed's order."""

    dependencies = [("accounts", "0012_platforms_catalogue_data")]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.AddIndex(
            model_name="socialaccount",
            index=models.Index(fields=["-activated_at", "-id"], name="accounts_activated_id"),
        ),
        migrations.AddIndex(
            model_name="socialaccount",
            index=models.Index(fields=["-decommissioned_at", "-id"], name="accounts_decommissioned_id"),
        ),
    ]
