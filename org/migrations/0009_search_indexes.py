from django.db import migrations


# The search across everything (issue 14, core.search.text_search) matches a unit's Swedish and
# English names by full-text search on PostgreSQL: GIN indexes on exactly the expressions
# SearchVector("name", "name_en", config=…) writes. Nothing on SQLite.
NAME = "org_unit_search"


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
        for sql in search_index_sql("org_unit", ("name", "name_en"), NAME):
            schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in drop_search_index_sql(NAME):
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    """Full-text indexes on the units' names (PostgreSQL only)."""

    dependencies = [("org", "0008_unit_name_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
