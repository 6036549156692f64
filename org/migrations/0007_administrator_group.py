from django.db import migrations


def create_group(apps, schema_editor):
    """The administrator role (issue 13): manages people and their roles in the portal. Like the
    other roles (0002, 0004), the group exists on every installation."""
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="administrator")


class Migration(migrations.Migration):
    dependencies = [("org", "0006_people_sso_units")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
