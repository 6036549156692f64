from django.db import migrations

# Issue 17: which public source the portal reads for each platform of the catalogue. Meta
# (Facebook, Instagram, Threads), LinkedIn and X need credentials: manual unless a token is set.
KINDS = {
    "youtube": "youtube",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
    "blog": "feed",
    "podcast": "feed",
    "facebook": "manual",
    "instagram": "manual",
    "threads": "manual",
    "linkedin": "manual",
    "x": "manual",
    "wechat": "",
}
TOKENS = {
    "facebook": "WATCHING_TOKEN_META",
    "instagram": "WATCHING_TOKEN_META",
    "threads": "WATCHING_TOKEN_META",
    "linkedin": "WATCHING_TOKEN_LINKEDIN",
    "x": "WATCHING_TOKEN_X",
}


def fill(apps, schema_editor):
    Platform = apps.get_model("accounts", "Platform")
    for platform in Platform.objects.filter(collector=""):
        platform.collector = KINDS.get(platform.slug, "reachable")
        platform.token_setting = TOKENS.get(platform.slug, "")
        platform.save(update_fields=["collector", "token_setting"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0015_collect_platform_collector")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
