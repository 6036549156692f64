"""Rate limits on the public pages (issue 11): the directory (page and JSON list), its check.json
and the ping address, per client IP. Every test runs with the production rates
(kipolicy.settings.THROTTLE_RATES; the test settings raise them for the rest of the suite) and
really sends the requests: N are allowed, the N+1st answers 429 with Retry-After, and another
address is still served."""

import uuid

import pytest
from django.urls import reverse

import kipolicy.settings as production
from tests.throttling import OTHER_IP, allowed, assert_throttled

pytestmark = pytest.mark.usefixtures("production_rates")


def test_the_production_rates_are_the_documented_defaults():
    """docs/configuration.md: 600/min per API user, 60/min per IP elsewhere, 30/min on the ping address."""
    assert production.THROTTLE_RATES == {
        "user": "600/min",
        "anon": "60/min",
        "directory": "60/min",
        "directory-check": "60/min",
        "ping": "30/min",
        "people-search": "120/min",
        "search": "60/min",
        "password-reset": "5/hour",
        "impostor-report": "10/hour",
        "accessibility-report": "10/hour",
    }


@pytest.mark.parametrize(
    ("scope", "url", "ok"),
    [
        ("directory", reverse("directory:index") + "?q=nothing-matches", 200),
        ("directory", reverse("directory:accounts-json") + "?q=nothing-matches", 200),
        ("directory", reverse("directory:accounts-csv") + "?q=nothing-matches", 200),
        ("directory-check", reverse("directory:check-json") + "?q=@karolinskainstitutet", 200),
    ],
)
def test_the_public_directory_limits_each_address(client, db, scope, url, ok):
    """The public directory (page, JSON list and CSV, one count) and its check.json: N requests a minute from
    one address, then 429 with Retry-After and a message in the visitor's language; another
    address is still served."""
    for _ in range(allowed(scope)):
        assert client.get(url).status_code == ok
    response = client.get(url)
    assert_throttled(response)
    assert "Försök igen om" in response.content.decode()

    assert client.get(url, REMOTE_ADDR=OTHER_IP).status_code == ok


def test_the_directory_page_and_list_share_one_count(client, db):
    """A script cannot double its rate by alternating the page and the JSON list."""
    page, listing = reverse("directory:index"), reverse("directory:accounts-json")
    for i in range(allowed("directory")):
        assert client.get(page if i % 2 else listing).status_code == 200
    assert_throttled(client.get(page))
    assert_throttled(client.get(listing))


def test_the_ping_address_limits_each_address(client, db):
    """Guessing ping addresses: 30 a minute from one address (404 each), then 429 with
    Retry-After; another address is still answered."""
    urls = [reverse("monitoring:ping", args=[f"guess-{i}"]) for i in range(allowed("ping") + 1)]
    for url in urls[:-1]:
        assert client.post(url).status_code == 404
    assert_throttled(client.post(urls[-1]))

    assert client.post(urls[-1], REMOTE_ADDR=OTHER_IP).status_code == 404


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, db):
    """Without a trusted proxy (TRUSTED_PROXY_COUNT=0), X-Forwarded-For is ignored: a client
    cannot claim a new address for each request."""
    url = reverse("directory:check-json") + "?q=@ki"
    for i in range(allowed("directory-check")):
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert_throttled(client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.250"))


def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(client, db, settings):
    """With one trusted proxy (TRUSTED_PROXY_COUNT=1, REST_FRAMEWORK["NUM_PROXIES"]), all requests
    come from the proxy's address but each client has its own count: the address the proxy appended."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    url = reverse("directory:check-json") + "?q=@ki"
    for _ in range(allowed("directory-check")):
        assert client.get(url, HTTP_X_FORWARDED_FOR="forged, 198.51.100.1").status_code == 200
    assert_throttled(client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200


@pytest.fixture
def unreachable_cache(settings):
    """A Redis cache at an address where nothing listens (a real connection attempt, refused)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }


def test_the_public_pages_answer_when_the_cache_is_down(client, db, unreachable_cache, outsider):
    """Redis stopped (chaos R3): the limited pages and the API keep answering, unlimited for the while."""
    url = reverse("directory:check-json") + "?q=@ki"
    for _ in range(allowed("directory-check") + 1):
        assert client.get(url).status_code == 200
    assert client.post(reverse("monitoring:ping", args=["guess"])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("api:unit-list")).status_code == 200


def test_the_limit_holds_with_a_real_redis_cache(client, db, settings):
    """The production cache (CACHE_URL=redis://…): the count lives in Redis, shared by every web
    process. Skipped when no Redis answers on 127.0.0.1:6379."""
    redis = pytest.importorskip("redis", reason="the redis client is not installed (requirements.txt)")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": f"test-throttles-{uuid.uuid4()}",  # this test's own keys; they expire in a minute
        }
    }
    url = reverse("monitoring:ping", args=["guess"])
    for _ in range(allowed("ping")):
        assert client.post(url).status_code == 404
    assert_throttled(client.post(url))
