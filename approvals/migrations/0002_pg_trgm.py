from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm ranks likely duplicate accounts (START-2). Skipped on databases other than PostgreSQL."""

    dependencies = [("approvals", "0001_initial")]

    operations = [TrigramExtension()]
