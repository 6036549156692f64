"""Issue 17: the platforms that need credentials (X, Meta, LinkedIn) are read through their own
APIs once the token their catalogue row names is set; without it they stay manual, said so on the
account page. Real local servers answer in the documented shapes (watching/fixtures/x_*.json,
facebook_page.json, instagram_discovery.json, linkedin_*.json). SEND-1, SEND-2 (sender-drift),
MON-1 (profile-unreachable)."""

import datetime
import logging

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Platform
from audit.models import AuditEvent
from monitoring import services
from monitoring.models import Finding
from tests import factories
from watching import fixture_routes as routes
from watching.collect import collect_profiles
from watching.models import Observation, Outcome

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate()
LATEST = TODAY - datetime.timedelta(days=3)
X_TOKEN = "x-secret-token-4711"
META_TOKEN = "meta-secret-token-0815"
LINKEDIN_TOKEN = "linkedin-secret-token-42"
NOTHING_SEEN = (None, "", "", None, None)


def account(slug, url, **kwargs):
    return factories.SocialAccountFactory(platform=factories.platform(slug), url=url, **kwargs)


def observed(acc) -> Observation:
    return Observation.objects.get(account=acc)


def seen_fields(obs):
    return (obs.latest_post_on, obs.bio, obs.display_name, obs.bio_names_ki, obs.seen_at)


def open_rules(acc) -> set:
    return set(Finding.objects.filter(account=acc, resolved_at__isnull=True).values_list("rule", flat=True))


@pytest.fixture
def x_api(servers, settings):
    """An X API on 127.0.0.1 and its token configured."""
    server = servers()
    settings.WATCHING_X_API, settings.WATCHING_TOKEN_X = server.base, X_TOKEN
    return server


@pytest.fixture
def graph(servers, settings):
    server = servers()
    settings.WATCHING_GRAPH_API, settings.WATCHING_TOKEN_META = server.base + routes.GRAPH_VERSION, META_TOKEN
    settings.WATCHING_INSTAGRAM_USER_ID = "17841405309211844"
    return server


@pytest.fixture
def linkedin_api(servers, settings):
    server = servers()
    settings.WATCHING_LINKEDIN_API, settings.WATCHING_TOKEN_LINKEDIN = server.base, LINKEDIN_TOKEN
    return server


def test_the_catalogue_reads_x_meta_and_linkedin_through_their_apis():
    """Issue 17: the data migration moved X, Facebook, Instagram and LinkedIn to their API
    collectors, keeping the token settings the catalogue named; Threads stays manual."""
    rows = {p.slug: (p.collector, p.token_setting) for p in Platform.objects.all()}
    assert rows["x"] == ("x-api", "WATCHING_TOKEN_X")
    assert rows["facebook"] == ("facebook-api", "WATCHING_TOKEN_META")
    assert rows["instagram"] == ("instagram-api", "WATCHING_TOKEN_META")
    assert rows["linkedin"] == ("linkedin-api", "WATCHING_TOKEN_LINKEDIN")
    assert rows["threads"] == ("manual", "WATCHING_TOKEN_META")


# -- X API v2 --


def test_x_gives_the_latest_post_name_and_bio_with_the_token_sent_to_the_api_only(x_api):
    """The user by username, then the latest posts: date and link on x.com; the profile's link
    (expanded) counts for SEND-2. The token goes as a bearer token; robots.txt is not asked."""
    x_api.routes.update(routes.x_api("karolinskainst", LATEST))
    acc = account("x", "https://x.com/karolinskainst")
    stats = collect_profiles()
    obs = observed(acc)
    assert (obs.outcome, obs.http_status) == (Outcome.SEEN, 200)
    assert obs.latest_post_on == LATEST
    assert obs.latest_post_url == "https://x.com/karolinskainst/status/1865000000000000002"
    assert obs.display_name == "Karolinska Institutet" and obs.bio_names_ki is True
    assert obs.bio.endswith("https://ki.se")
    paths = [path for path, _headers in x_api.requests]
    assert paths == [
        "/2/users/by/username/karolinskainst?user.fields=name,description,url,entities",
        "/2/users/2244994945/tweets?max_results=5&tweet.fields=created_at&exclude=replies,retweets",
    ]
    assert {headers["Authorization"] for _path, headers in x_api.requests} == {f"Bearer {X_TOKEN}"}
    assert stats.requests == 2


def test_an_x_bio_without_ki_opens_sender_drift(x_api):
    """SEND-1/SEND-2: a bio and link naming neither KI nor ki.se is sender drift."""
    x_api.routes.update(
        routes.x_api("drifted", TODAY, description="Science news daily.", website="https://example.org")
    )
    acc = account("x", "https://x.com/drifted")
    collect_profiles()
    services.compliance_sweep()
    assert observed(acc).bio_names_ki is False
    assert "sender-drift" in open_rules(acc) and "inactive-channel" not in open_rules(acc)


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (routes.x_api_unknown("renamed"), "knows no account @renamed"),
        ({}, "HTTP 404"),  # not served: the API answers 404
    ],
)
def test_an_x_account_the_api_does_not_know_is_gone(x_api, route, reason):
    """MON-1, SEND-1: "Not Found Error" (HTTP 200) or 404 → gone, recorded as 404 → profile-unreachable."""
    x_api.routes.update(route)
    acc = account("x", "https://x.com/renamed")
    collect_profiles()
    services.compliance_sweep()
    obs = observed(acc)
    assert (obs.outcome, obs.http_status) == (Outcome.GONE, 404) and reason in obs.reason
    assert "profile-unreachable" in open_rules(acc)


@pytest.mark.parametrize(
    "headers",
    [{"Retry-After": "120"}, {"x-rate-limit-reset": str(int(datetime.datetime.now().timestamp()) + 900)}],
)
def test_a_rate_limited_api_is_left_alone_and_nothing_is_stored(x_api, headers):
    """429 with Retry-After (or X's x-rate-limit-reset): the API host is backed off, the next
    account is not asked at all, nothing of what was seen is replaced."""
    x_api.routes["/2/users/by/username/first"] = (429, {**routes.JSON, **headers}, '{"title": "Too Many Requests"}')
    x_api.routes.update(routes.x_api("second", LATEST))
    first, second = account("x", "https://x.com/first"), account("x", "https://x.com/second")
    stats = collect_profiles()
    assert (observed(first).outcome, observed(first).http_status) == (Outcome.FAILED, 429)
    assert observed(second).outcome == Outcome.REFUSED and "asked us to wait" in observed(second).reason
    assert stats.requests == 1 and len(x_api.requests) == 1
    assert seen_fields(observed(first)) == seen_fields(observed(second)) == NOTHING_SEEN


def test_malformed_json_from_the_api_is_refused_with_a_reason(x_api):
    x_api.routes["/2/users/by/username/broken"] = (200, routes.JSON, '{"data": {"id": "1", "name": ')
    acc = account("x", "https://x.com/broken")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.FAILED and "not valid JSON" in obs.reason and seen_fields(obs) == NOTHING_SEEN


def test_without_a_token_x_stays_manual_and_the_account_page_says_so(servers, settings, owner):
    """Issue 17: "without one they stay manual, said so on the account page"; nothing is fetched."""
    server = servers(routes.x_api("karolinskainst", LATEST))
    settings.WATCHING_X_API, settings.WATCHING_TOKEN_X = server.base, ""
    acc = factories.staffed_account(owner=owner, platform=factories.platform("x"), url="https://x.com/karolinskainst")
    stats = collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.MANUAL and obs.reason == "X needs an access token; watched by hand."
    assert stats.requests == 0 and server.requests == []
    client = Client()
    client.force_login(owner)
    page = client.get(acc.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "needs an access token" in page and "Watched through the X API" not in page


def test_with_a_token_the_account_page_says_the_x_api_is_used(x_api, owner):
    x_api.routes.update(routes.x_api("karolinskainst", LATEST))
    acc = factories.staffed_account(owner=owner, platform=factories.platform("x"), url="https://x.com/karolinskainst")
    collect_profiles()
    client = Client()
    client.force_login(owner)
    page = client.get(acc.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Watched through the X API." in page and "needs an access token" not in page
    assert "https://x.com/karolinskainst/status/1865000000000000002" in page  # the latest post, linked
    page_sv = client.get(acc.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Bevakas via X:s API." in page_sv


def test_the_token_never_appears_in_logs_observations_findings_or_the_audit_trail(servers, settings, caplog):
    """Issue 17: an API that echoes the token in its error message (Graph) or in a bio (X) does
    not bring it into the observation; nothing logged (httpx/httpcore at DEBUG) carries it."""
    x_api, graph = servers(), servers()  # both started before the settings change (servers re-overrides)
    settings.WATCHING_X_API, settings.WATCHING_TOKEN_X = x_api.base, X_TOKEN
    settings.WATCHING_GRAPH_API, settings.WATCHING_TOKEN_META = graph.base + routes.GRAPH_VERSION, META_TOKEN
    caplog.set_level(logging.DEBUG)
    x_api.routes.update(routes.x_api("echo", LATEST, description=f"Leaked {X_TOKEN} here"))
    graph.routes[f"{routes.GRAPH_VERSION}/echopage"] = routes.graph_error(
        190, message=f"Invalid OAuth access token {META_TOKEN}", status=400
    )
    x_acc = account("x", "https://x.com/echo")
    fb_acc = account("facebook", "https://facebook.com/echopage")
    collect_profiles()
    services.compliance_sweep()
    assert observed(fb_acc).outcome == Outcome.FAILED and "[token]" in observed(fb_acc).reason
    assert "[token]" in observed(x_acc).bio
    stored = [str(list(row.values())) for row in Observation.objects.values()]
    stored += [str(list(row.values())) for row in AuditEvent.objects.values()]
    stored += [str(list(row.values())) for row in Finding.objects.values()]
    stored.append(caplog.text)
    for token in (X_TOKEN, META_TOKEN):
        assert not [text for text in stored if token in text]
    assert any(headers.get("Authorization") == f"Bearer {X_TOKEN}" for _p, headers in x_api.requests)


def test_a_manual_platform_never_sends_its_token_to_a_profile_page(servers, settings):
    """The token goes to the platform's API host only: Threads (manual, token set) gets its
    reachable check without an Authorization header."""
    server = servers(routes.profile_page("/@kithreads"))
    settings.WATCHING_TOKEN_META = META_TOKEN
    acc = account("threads", f"{server.base}/@kithreads")
    collect_profiles()
    assert observed(acc).outcome == Outcome.SEEN
    assert server.requests and all("Authorization" not in headers for _path, headers in server.requests)


# -- Meta Graph API --


def test_a_facebook_page_through_the_graph_api(graph):
    graph.routes.update(routes.facebook_page("karolinskainstitutet", LATEST))
    acc = account("facebook", "https://www.facebook.com/karolinskainstitutet")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.SEEN and obs.latest_post_on == LATEST
    assert obs.latest_post_url == "https://www.facebook.com/karolinskainstitutet/posts/pfbid0KiFixture"
    assert obs.display_name == "Karolinska Institutet" and obs.bio_names_ki is True
    path, headers = graph.requests[0]
    assert path.startswith("/v19.0/karolinskainstitutet?fields=name,about,link,website,posts.limit(1)")
    assert headers["Authorization"] == f"Bearer {META_TOKEN}"


@pytest.mark.parametrize(
    ("route", "outcome", "status", "reason"),
    [
        (routes.graph_error(803, message="(#803) Some of the aliases you requested do not exist"), "gone", 404, "#803"),
        (routes.graph_error(100, 33, "Object with ID 'x' does not exist"), "gone", 404, "knows no such profile"),
        (routes.graph_error(190, 460, "Error validating access token"), "failed", 400, "#190"),
        (routes.graph_error(100, None, "(#100) Tried accessing nonexisting field"), "failed", 400, "refused (#100"),
    ],
)
def test_graph_errors(graph, route, outcome, status, reason):
    """Graph's error codes: 803 and 100/33 mean the Page does not exist (gone); an expired token
    or another invalid parameter is a failure with Graph's message, never a gone profile."""
    graph.routes[f"{routes.GRAPH_VERSION}/oldpage"] = route
    acc = account("facebook", "https://www.facebook.com/oldpage")
    collect_profiles()
    obs = observed(acc)
    assert (obs.outcome, obs.http_status) == (outcome, status) and reason in obs.reason
    assert seen_fields(obs) == NOTHING_SEEN


def test_a_graph_answer_that_is_not_json_counts_by_its_status(graph):
    """A 404 page that is not Graph's JSON is still a 404 (gone); a 200 that is not JSON fails."""
    graph.routes[f"{routes.GRAPH_VERSION}/garbled"] = (200, routes.JSON, "<html>")
    gone, garbled = (
        account("facebook", "https://facebook.com/notserved"),
        account("facebook", "https://facebook.com/garbled"),
    )
    collect_profiles()
    assert (observed(gone).outcome, observed(gone).http_status) == (Outcome.GONE, 404)
    assert observed(garbled).outcome == Outcome.FAILED and "not valid JSON" in observed(garbled).reason


def test_graph_throttling_backs_the_api_off(graph):
    """Graph throttles with codes 4/17/32/613 (HTTP 400/403), not 429: the host is backed off too."""
    graph.routes[f"{routes.GRAPH_VERSION}/busy"] = routes.graph_error(4, message="Application request limit reached")
    graph.routes.update(routes.facebook_page("later", LATEST))
    first, second = account("facebook", "https://facebook.com/busy"), account("facebook", "https://facebook.com/later")
    collect_profiles()
    assert observed(first).outcome == Outcome.FAILED and "slow down" in observed(first).reason
    assert observed(second).outcome == Outcome.REFUSED and len(graph.requests) == 1


def test_an_instagram_account_through_business_discovery(graph):
    graph.routes.update(routes.instagram_discovery("17841405309211844", "karolinskainstitutet", LATEST))
    acc = account("instagram", "https://www.instagram.com/karolinskainstitutet/")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.SEEN and obs.latest_post_on == LATEST and obs.bio_names_ki is True
    assert obs.latest_post_url == "https://www.instagram.com/p/KiFixture1/"
    assert "business_discovery.username(karolinskainstitutet)" in graph.requests[0][0]


def test_an_instagram_account_that_cannot_be_found_is_gone(graph):
    graph.routes[f"{routes.GRAPH_VERSION}/17841405309211844"] = routes.graph_error(110, 2207013, "Invalid user id")
    acc = account("instagram", "https://www.instagram.com/renamedaccount")
    collect_profiles()
    assert (observed(acc).outcome, observed(acc).http_status) == (Outcome.GONE, 404)


def test_instagram_without_kis_own_account_id_stays_manual(graph, settings):
    settings.WATCHING_INSTAGRAM_USER_ID = ""
    acc = account("instagram", "https://www.instagram.com/karolinskainstitutet/")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.MANUAL and "WATCHING_INSTAGRAM_USER_ID" in obs.reason and graph.requests == []


# -- LinkedIn --


def test_a_linkedin_page_by_its_vanity_name_then_its_latest_post(linkedin_api, settings):
    linkedin_api.routes.update(routes.linkedin("karolinska-institutet", LATEST))
    acc = account("linkedin", "https://www.linkedin.com/school/karolinska-institutet/")
    collect_profiles()
    obs = observed(acc)
    assert obs.outcome == Outcome.SEEN and obs.latest_post_on == LATEST and obs.bio_names_ki is True
    assert obs.latest_post_url == "https://www.linkedin.com/feed/update/urn:li:share:7265000000000000001/"
    assert [path for path, _h in linkedin_api.requests] == list(routes.linkedin_paths("karolinska-institutet", 5515715))
    for _path, headers in linkedin_api.requests:
        assert headers["LinkedIn-Version"] == settings.WATCHING_LINKEDIN_VERSION
        assert headers["X-Restli-Protocol-Version"] == "2.0.0"
        assert headers["Authorization"] == f"Bearer {LINKEDIN_TOKEN}"


def test_a_linkedin_vanity_name_nobody_has_is_gone(linkedin_api):
    organizations, _posts = routes.linkedin_paths("old-name", 1)
    linkedin_api.routes[organizations] = (200, routes.JSON, '{"paging": {"start": 0, "count": 10}, "elements": []}')
    acc = account("linkedin", "https://www.linkedin.com/company/old-name")
    collect_profiles()
    obs = observed(acc)
    assert (obs.outcome, obs.http_status) == (Outcome.GONE, 404) and "old-name" in obs.reason


def test_a_personal_linkedin_profile_is_not_read(linkedin_api):
    acc = account("linkedin", "https://www.linkedin.com/in/someone")
    collect_profiles()
    assert observed(acc).outcome == Outcome.FAILED and linkedin_api.requests == []
