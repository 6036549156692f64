from django.db import migrations


def create_groups(apps, schema_editor):
    """The role groups exist on every installation, not only where demo data was seeded."""
    Group = apps.get_model("auth", "Group")
    for name in ("comms", "auditor"):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
