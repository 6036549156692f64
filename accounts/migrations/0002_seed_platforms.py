from django.db import migrations


def seed(apps, schema_editor):
    from accounts.platforms import platforms_sync

    platforms_sync(apps.get_model("accounts", "Platform"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
