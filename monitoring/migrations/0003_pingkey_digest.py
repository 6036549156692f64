"""Ping addresses keep only the SHA-256 of their secret (issue 11, defect 10).

Existing secrets are hashed, so the addresses already bookmarked or in scripts keep working.
Going back cannot recover a secret from its digest: every account then gets a new address."""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    PingKey = apps.get_model("monitoring", "PingKey")
    for key in PingKey.objects.only("pk", "token").iterator():
        PingKey.objects.filter(pk=key.pk).update(digest=hashlib.sha256(key.token.encode()).hexdigest())


def issue_new_tokens(apps, schema_editor):
    PingKey = apps.get_model("monitoring", "PingKey")
    for key in PingKey.objects.only("pk").iterator():
        PingKey.objects.filter(pk=key.pk).update(token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_checkin_post_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="pingkey",
            name="digest",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="SHA-256"),
        ),
        # The clear token becomes optional first, so that going back can add it again empty and
        # fill it with new secrets before it is made unique again.
        migrations.AlterField(
            model_name="pingkey",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, issue_new_tokens),
        migrations.RemoveField(model_name="pingkey", name="token"),
        migrations.AlterField(
            model_name="pingkey",
            name="digest",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="SHA-256"),
        ),
    ]
