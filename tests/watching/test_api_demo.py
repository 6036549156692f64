"""Issue 17, on the demo: with the local fixture server playing the X API and the LinkedIn API
(and any token), KI's X account and LinkedIn page get their latest post filled in without typing,
through the APIs; every other demo X and LinkedIn account is read too (none falsely gone), and
Facebook and Instagram, with no Meta token, stay manual: "needs an access token"."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SocialAccount
from monitoring.models import Finding
from watching.demo_fixtures import DEMO_TOKEN, HOST, demo_routes
from watching.models import Observation, Outcome

pytestmark = pytest.mark.django_db


def test_the_demo_watches_x_and_linkedin_through_the_fixture_apis(servers, settings):
    call_command("seed_demo", force=True, verbosity=0)
    server = servers(demo_routes(timezone.localdate()))
    settings.WATCHING_BLUESKY_API = settings.WATCHING_X_API = settings.WATCHING_LINKEDIN_API = server.base
    settings.WATCHING_TOKEN_X = settings.WATCHING_TOKEN_LINKEDIN = DEMO_TOKEN
    settings.WATCHING_TOKEN_META = ""
    for account in SocialAccount.objects.filter(url__startswith=f"http://{HOST}/"):  # the test server's port
        SocialAccount.objects.filter(pk=account.pk).update(url=account.url.replace(HOST, server.netloc))
    call_command("collect_profiles", "--sweep", verbosity=0)
    today = timezone.localdate()

    ki_x = Observation.objects.get(account__url__endswith="x.com/karolinskainst")
    assert (ki_x.outcome, ki_x.latest_post_on) == (Outcome.SEEN, today - datetime.timedelta(days=2))
    assert ki_x.latest_post_url.startswith("https://x.com/karolinskainst/status/")
    ki_linkedin = Observation.objects.get(account__url__contains="linkedin.com/school/karolinska-institutet")
    assert (ki_linkedin.outcome, ki_linkedin.latest_post_on) == (Outcome.SEEN, today - datetime.timedelta(days=3))

    api_watched = Observation.objects.filter(account__platform__slug__in=("x", "linkedin"))
    assert api_watched.count() >= 2 and set(api_watched.values_list("outcome", flat=True)) == {Outcome.SEEN}
    assert not Finding.objects.filter(
        account__platform__slug__in=("x", "linkedin"), rule="profile-unreachable", resolved_at__isnull=True
    ).exists()
    meta = Observation.objects.filter(account__platform__slug__in=("facebook", "instagram"))
    assert meta.exists() and set(meta.values_list("outcome", flat=True)) == {Outcome.MANUAL}
    assert "needs an access token" in meta.first().reason or "åtkomsttoken" in meta.first().reason
