"""Collectors against real local servers playing each public source (issue 17): what a run
records per account, and the hostile answers, each refused with a reason and nothing stored."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Platform
from tests import factories
from watching import fixture_routes as routes
from watching.collect import collect_profiles
from watching.fixture_servers import endless_body, never_answers, redirect
from watching.models import Observation, Outcome

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate()
LATEST = TODAY - datetime.timedelta(days=3)


def account(slug, url, **kwargs):
    return factories.SocialAccountFactory(platform=factories.platform(slug), url=url, **kwargs)


def observed(acc) -> Observation:
    return Observation.objects.get(account=acc)


def test_the_catalogue_names_each_platforms_collector():
    """Issue 17: YouTube, Mastodon, Bluesky by their public sources; Meta, LinkedIn and X through
    their APIs, Threads manual (with the setting naming their token); the rest checked for
    reachability."""
    kinds = dict(Platform.objects.values_list("slug", "collector"))
    assert kinds["youtube"] == "youtube" and kinds["mastodon"] == "mastodon" and kinds["bluesky"] == "bluesky"
    assert [kinds[s] for s in ("facebook", "instagram", "linkedin", "x", "threads")] == [
        "facebook-api",
        "instagram-api",
        "linkedin-api",
        "x-api",
        "manual",
    ]
    assert kinds["tiktok"] == "reachable" and kinds["wechat"] == ""
    assert Platform.objects.get(slug="x").token_setting == "WATCHING_TOKEN_X"


def test_youtube_channel_feed_gives_the_latest_post(servers):
    server = servers(routes.youtube(LATEST))
    acc = account("youtube", f"{server.base}/@karolinska")
    stats = collect_profiles()
    obs = observed(acc)
    assert stats.accounts == 1 and obs.outcome == Outcome.SEEN
    assert obs.latest_post_on == LATEST and obs.latest_post_url == "https://www.youtube.com/watch?v=latest"
    assert obs.display_name == "Karolinska Institutet" and obs.bio_names_ki is True


def test_a_second_run_is_conditional_and_idempotent(servers):
    """ETag kept per account and source; a 304 keeps what was seen; still one observation."""
    server = servers(routes.blog(LATEST, path="/blog/feed.xml"))
    server.routes["/blog/feed.xml"] = (200, {**routes.RSS, "ETag": '"b1"'}, server.routes["/blog/feed.xml"][2])
    plat = factories.platform("spotify")
    plat.collector = "feed"
    plat.save()
    acc = account("spotify", f"{server.base}/blog/feed.xml")
    collect_profiles()
    collect_profiles()
    obs = observed(acc)
    assert Observation.objects.count() == 1
    assert obs.outcome == Outcome.NOT_MODIFIED and obs.latest_post_on == LATEST and obs.etag == '"b1"'
    assert server.requests[-1][1]["If-None-Match"] == '"b1"'


def test_mastodon_public_api(servers):
    server = servers()
    server.routes.update(routes.mastodon(server.base, "karolinska", LATEST, note="Forskning vid KI"))
    acc = account("mastodon", f"{server.base}/@karolinska")
    collect_profiles()
    obs = observed(acc)
    assert obs.latest_post_on == LATEST and obs.latest_post_url == f"{server.base}/@karolinska/111"
    assert obs.bio == "Forskning vid KI" and obs.bio_names_ki is True


def test_bluesky_public_api_skips_the_pinned_post(servers, settings):
    server = servers(routes.bluesky("ki.se", LATEST, description="Just science."))
    settings.WATCHING_BLUESKY_API = server.base
    acc = account("bluesky", "https://bsky.app/profile/ki.se")
    collect_profiles()
    obs = observed(acc)
    assert obs.latest_post_on == LATEST and obs.latest_post_url == "https://bsky.app/profile/ki.se/post/3latest"
    assert obs.bio == "Just science." and obs.bio_names_ki is False  # SEND-1/SEND-2: sender drift


def test_reachable_and_gone(servers):
    server = servers(routes.profile_page("/@kitiktok"))
    here = account("tiktok", f"{server.base}/@kitiktok")
    renamed = account("tiktok", f"{server.base}/@oldname")
    collect_profiles()
    assert observed(here).outcome == Outcome.SEEN and observed(here).http_status == 200
    gone = observed(renamed)
    assert gone.outcome == Outcome.GONE and gone.http_status == 404 and "404" in gone.reason


def test_manual_platforms_are_not_fetched_without_a_token(servers):
    acc = account("instagram", "https://instagram.com/karolinskainstitutet")
    stats = collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.MANUAL and "access token" in obs.reason and stats.requests == 0


@pytest.mark.parametrize(
    ("slug", "path", "route", "outcome", "reason"),
    [
        ("tiktok", "/away", redirect("http://127.0.0.1:1/"), Outcome.REFUSED, "not public"),
        ("tiktok", "/away", redirect("http://10.0.0.1/"), Outcome.REFUSED, "platform catalogue"),
        ("tiktok", "/big", (200, {}, endless_body(50)), Outcome.REFUSED, "larger than"),
        ("tiktok", "/slow", (200, {}, never_answers(10)), Outcome.UNREACHABLE, "did not answer in time"),
        ("youtube", "/laughs.xml", None, Outcome.FAILED, "entities or a DTD"),
        ("youtube", "/broken.xml", None, Outcome.FAILED, "not well-formed XML"),
        ("mastodon", "/@broken", None, Outcome.FAILED, "not valid JSON"),
    ],
)
def test_hostile_servers_are_refused_with_a_reason_and_nothing_stored(servers, slug, path, route, outcome, reason):
    """Issue 17 hostile cases: redirect to loopback (untrusted port) and to 10.0.0.1, a 50 MB
    body, a server that never answers, a billion-laughs feed, malformed XML and JSON."""
    server = servers(routes.hostile())
    if route:
        server.routes[path] = route
    acc = account(slug, f"{server.base}{path}")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == outcome and reason in obs.reason
    assert (obs.latest_post_on, obs.bio, obs.display_name, obs.bio_names_ki, obs.seen_at) == (None, "", "", None, None)


def test_a_failure_keeps_what_was_seen_before(servers):
    server = servers(routes.youtube(LATEST))
    acc = account("youtube", f"{server.base}/@karolinska")
    collect_profiles()
    server.routes["/@karolinska"] = (500, {}, "oops")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.UNREACHABLE and obs.http_status == 500 and obs.unreachable_since
    assert obs.latest_post_on == LATEST


def test_writes_are_set_based(servers):
    """Issue 17: the statements of a run do not grow with the accounts (one batch)."""
    server = servers(routes.profile_page("/@p"))

    def statements(n):
        Observation.objects.all().delete()
        for _ in range(n):
            account("tiktok", f"{server.base}/@p")
        with CaptureQueriesContext(connection) as ctx:
            collect_profiles()
        return len(ctx.captured_queries)

    assert statements(2) == statements(8)


def test_the_periodic_task_works_in_slices_and_goes_on_where_it_stopped(servers, settings):
    """Issue 17: each periodic run stays inside Celery's time limit (WATCHING_RUN_SECONDS) and the
    next one takes the accounts not looked at yet; an account looked at within the interval is
    not asked again."""
    from watching.tasks import collect_profiles_task

    server = servers(routes.profile_page("/@p"))
    accounts = [account("tiktok", f"{server.base}/@p") for _ in range(3)]
    settings.WATCHING_RUN_SECONDS = 0  # stops after the first account of each run
    assert collect_profiles_task()["accounts"] == 1
    assert collect_profiles_task()["accounts"] == 1
    assert collect_profiles_task()["accounts"] == 1
    assert Observation.objects.filter(account__in=accounts).count() == 3
    settings.WATCHING_RUN_SECONDS = 60
    assert collect_profiles_task() == {"accounts": 0, "requests": 0}


def test_the_task_runs_on_the_collect_queue_every_15_minutes():
    from django.conf import settings

    assert settings.CELERY_TASK_ROUTES["watching.tasks.collect_profiles_task"] == {"queue": "collect"}
    assert settings.CELERY_BEAT_SCHEDULE["collect-profiles"]["task"] == "watching.tasks.collect_profiles_task"
