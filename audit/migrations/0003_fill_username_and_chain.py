"""Fill actor_username from the actor and chain the existing events in id order. The one UPDATE the
audit table ever sees: it runs before migration 0004 creates the triggers that refuse updates."""

from django.conf import settings
from django.db import migrations

from audit import chain

BATCH = 1000


def fill_and_chain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    prev_hash, last_id = chain.GENESIS, 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:BATCH])
        if not rows:
            return
        usernames = dict(User.objects.filter(pk__in={r.actor_id for r in rows}).values_list("pk", "username"))
        for row in rows:
            row.actor_username = usernames.get(row.actor_id, "")
            row.prev_hash = prev_hash
            row.hash = chain.row_hash(prev_hash, {f: getattr(row, f) for f in chain.CONTENT_FIELDS}, labels.__getitem__)
            prev_hash = row.hash
        AuditEvent.objects.bulk_update(rows, ["actor_username", "prev_hash", "hash"])
        last_id = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_actor_protected_username_chain"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(fill_and_chain, migrations.RunPython.noop)]
