from django.db import migrations

# The people search (org.selectors._matching) filters with icontains on org.selectors.PersonText,
# which PostgreSQL runs as UPPER((first_name || ' ' || last_name || ' ' || username || ' ' ||
# email)::text) LIKE UPPER('%word%'): one trigram GIN index on that expression serves it. With the
# four indexes of org/0005, one a column, PostgreSQL priced their OR above reading every person
# (issue 12, fifth pass: 3 ms at 5 000 people, 0.05 ms by this index).
PERSON_TEXT = "UPPER((first_name || ' ' || last_name || ' ' || username || ' ' || email)::text)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: a scan of the users table is what a zero-setup run can afford
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS org_user_person_trgm ON org_user USING gin ({PERSON_TEXT} gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS org_user_person_trgm")


class Migration(migrations.Migration):
    """A trigram index on a person's four searched fields together (pg_trgm; nothing on other
    databases)."""

    dependencies = [("org", "0010_search_exact_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
