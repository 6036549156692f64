from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


# The search across everything (issue 14, core.search.text_search): full-text GIN indexes on the
# expressions SearchVector writes for the records' words (questions by summary and reply summary,
# removed posts by description, records requests by what is asked for), in Swedish and English,
# and trigram indexes for the icontains on a block's visitor and a request's requester, so that a
# search is no scan of the records tables on PostgreSQL. Nothing on SQLite.
TEXT = (
    ("records_inquiry", ("summary", "reply_summary"), "records_inquiry_search"),
    ("records_incident", ("description",), "records_incident_search"),
    ("records_recordsrequest", ("asked_for",), "records_request_search"),
)
TRIGRAM = (("records_block", "visitor"), ("records_recordsrequest", "requester"))


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
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns, name in TEXT:
        for sql in search_index_sql(table, columns, name):
            schema_editor.execute(sql)
    for table, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _columns, name in TEXT:
        for sql in drop_search_index_sql(name):
            schema_editor.execute(sql)
    for table, column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    """Indexes for the search across everything (PostgreSQL only)."""

    dependencies = [("records", "0007_impostors_cases")]

    operations = [TrigramExtension(), migrations.RunPython(create_indexes, drop_indexes)]
