from django.db import migrations


def create_group(apps, schema_editor):
    """The registrar role (issue 11): handles requests for public records (REC-1). Like comms and
    auditor (0002), the group exists on every installation, not only where demo data was seeded."""
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="registrar")


class Migration(migrations.Migration):
    dependencies = [("org", "0003_api_token")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
