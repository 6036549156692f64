from django.db import migrations


def fill(apps, schema_editor):
    """The code's address rules become the catalogue's first rows (issue 14)."""
    from accounts.platforms import platforms_catalogue_fill

    platforms_catalogue_fill(apps.get_model("accounts", "Platform"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_platforms_catalogue")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
