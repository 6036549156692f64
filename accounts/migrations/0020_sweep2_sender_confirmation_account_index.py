import django.db.models.deletion
from django.db import migrations, models

# The name Django gave the foreign key's index (the same on PostgreSQL and SQLite).
INDEX = "accounts_senderconfirmation_account_id_a3f50b09"


class Migration(migrations.Migration):
    """The sender confirmations' account: no index of its own (issue 12, the sweep). The index
    accounts_sender_latest (account, item, confirmed_at) starts with the account and serves every
    lookup by it; with a second one the planner read the sender-unverified rule's rows from the
    table through it instead of reading accounts_sender_latest alone (docs/performance.md,
    change 14). One index less to write with every confirmation.

    Only the index is dropped: AlterField would also drop and re-add the foreign key, which
    checks every row again."""

    dependencies = [("accounts", "0019_search_exact_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="senderconfirmation",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="sender_confirmations",
                        to="accounts.socialaccount",
                        verbose_name="account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    f"CREATE INDEX {INDEX} ON accounts_senderconfirmation (account_id)",
                ),
            ],
        ),
    ]
