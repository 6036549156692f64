from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    """B-tree indexes on the handle and the name as typed, in capitals (issue 12): the pickers and
    the search page read the accounts a query names exactly first (accounts.selectors.
    social_account_exact, Django's iexact: UPPER(col::text) = UPPER(%s))."""

    dependencies = [("accounts", "0018_todo_publisher_pending_index")]

    operations = [
        migrations.AddIndex(
            model_name="socialaccount", index=models.Index(Upper("handle"), name="accounts_handle_upper")
        ),
        migrations.AddIndex(model_name="socialaccount", index=models.Index(Upper("name"), name="accounts_name_upper")),
    ]
