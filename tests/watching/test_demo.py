"""Done when (issue 17): on the demo with the local fixture servers, accounts get their latest
post filled in without typing, the renamed profile opens profile-unreachable and the bio without
KI opens sender-drift."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SocialAccount
from monitoring.models import Finding
from watching.demo_fixtures import HOST, demo_routes
from watching.models import Observation

pytestmark = pytest.mark.django_db


def test_the_demo_collects_from_its_fixture_server(servers, settings):
    call_command("seed_demo", force=True, verbosity=0)
    server = servers(demo_routes(timezone.localdate()))
    settings.WATCHING_BLUESKY_API = server.base
    for account in SocialAccount.objects.filter(url__startswith=f"http://{HOST}/"):  # the test server's port
        SocialAccount.objects.filter(pk=account.pk).update(url=account.url.replace(HOST, server.netloc))
    call_command("collect_profiles", "--sweep", verbosity=0)

    def findings(url_end):
        account = SocialAccount.objects.get(url__endswith=url_end)
        return account, set(
            Finding.objects.filter(account=account, resolved_at__isnull=True).values_list("rule", flat=True)
        )

    ki, ki_rules = findings(f"{server.netloc}/@karolinskainstitutet")
    assert Observation.objects.get(account=ki).latest_post_on and "inactive-channel" not in ki_rules
    bluesky, _rules = findings("bsky.app/profile/ki.se")
    assert Observation.objects.get(account=bluesky).latest_post_on == timezone.localdate() - timezone.timedelta(days=1)
    _acc, renamed_rules = findings("/@kistudentlife")
    assert "profile-unreachable" in renamed_rules
    _acc, drift_rules = findings("/@hjarnansdag")
    assert "sender-drift" in drift_rules and "sender-drift" not in ki_rules
