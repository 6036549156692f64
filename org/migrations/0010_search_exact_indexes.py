from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    """B-tree indexes on the username and the e-mail address in capitals (issue 12): the person
    pickers and the search page read the people a query names exactly first (org.selectors.
    person_exact, Django's iexact: UPPER(col::text) = UPPER(%s)); and the People page's order, so
    that a page is the first rows of an index, not a sort of everyone."""

    dependencies = [("org", "0009_search_indexes")]

    operations = [
        migrations.AddIndex(model_name="user", index=models.Index(Upper("username"), name="org_user_username_upper")),
        migrations.AddIndex(model_name="user", index=models.Index(Upper("email"), name="org_user_email_upper")),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["first_name", "last_name", "username", "id"], name="org_user_name_order"),
        ),
    ]
