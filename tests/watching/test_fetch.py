"""The collectors' one fetcher against real servers on 127.0.0.1 (issue 17: outbound requests are
safe by construction). No mock of the network: each hostile case is a server doing the thing."""

import time

import pytest
from django.test import override_settings

from watching.fetch import Fetcher, FetchError
from watching.fixture_servers import endless_body, never_answers, redirect

pytestmark = pytest.mark.usefixtures("english")


def test_a_plain_get_identifies_itself_and_keeps_the_validators(servers):
    """Issue 17: an identifying User-Agent; ETag kept and sent back, 304 is "not modified"."""
    server = servers({"/feed": (200, {"Content-Type": "application/atom+xml", "ETag": '"v1"'}, "<feed/>")})
    with Fetcher() as fetcher:
        answer = fetcher.get(f"{server.base}/feed")
        assert answer.status == 200 and answer.body == b"<feed/>" and answer.etag == '"v1"'
        again = fetcher.get(f"{server.base}/feed", etag=answer.etag)
    assert again.not_modified and again.body == b""
    path, headers = server.requests[-1]
    assert headers["User-Agent"].startswith("KI-social-media-registry") and headers["If-None-Match"] == '"v1"'
    assert headers["Host"] == server.netloc


def test_redirects_are_followed_here_and_each_is_checked(servers):
    server = servers({"/a": redirect("/b"), "/b": (200, {}, "here")})
    with Fetcher() as fetcher:
        answer = fetcher.get(f"{server.base}/a")
    assert answer.url.endswith("/b") and answer.text() == "here"


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1:1/admin/", "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"],
)
def test_a_redirect_to_a_private_or_untrusted_address_is_refused(servers, location):
    """SSRF: a redirect to loopback (an untrusted port), the private network or the metadata
    address is refused before any connection is made there."""
    server = servers({"/profile": redirect(location)})
    with Fetcher() as fetcher, pytest.raises(FetchError, match="not public|Only http") as refused:
        fetcher.get(f"{server.base}/profile")
    assert not refused.value.unreachable


def test_redirect_loops_stop(servers):
    server = servers({"/loop": redirect("/loop")})
    with Fetcher() as fetcher, pytest.raises(FetchError, match="Too many redirects"):
        fetcher.get(f"{server.base}/loop")
    assert sum(path == "/loop" for path, _h in server.requests) == 6  # the first + 5 redirects


def test_a_host_outside_the_catalogue_is_refused(servers):
    with Fetcher(allowed_hosts={"youtube.com"}) as fetcher, pytest.raises(FetchError, match="platform catalogue"):
        fetcher.get("https://example.org/")


def test_a_50_mb_body_is_cut_at_the_byte_cap(servers):
    server = servers({"/big": (200, {}, endless_body(50))})
    started = time.monotonic()
    with (
        override_settings(WATCHING_MAX_BYTES=1_000_000),
        Fetcher() as fetcher,
        pytest.raises(FetchError, match="larger than 1000000 bytes"),
    ):
        fetcher.get(f"{server.base}/big")
    assert time.monotonic() - started < 3


def test_a_server_that_never_answers_times_out(servers):
    server = servers({"/slow": (200, {}, never_answers(10))})
    started = time.monotonic()
    with Fetcher() as fetcher, pytest.raises(FetchError, match="did not answer in time") as failed:
        fetcher.get(f"{server.base}/slow")
    assert failed.value.unreachable and time.monotonic() - started < 4


def test_robots_txt_is_respected_and_read_once_per_host(servers):
    server = servers({"/robots.txt": (200, {}, "User-agent: *\nDisallow: /private\n"), "/open": (200, {}, "ok")})
    with Fetcher() as fetcher:
        assert fetcher.get(f"{server.base}/open").status == 200
        with pytest.raises(FetchError, match="robots.txt"):
            fetcher.get(f"{server.base}/private/page")
        fetcher.get(f"{server.base}/open")
    paths = [path for path, _h in server.requests]
    assert paths.count("/robots.txt") == 1 and "/private/page" not in paths


def test_429_backs_the_host_off_for_every_worker(servers):
    """A 429 with Retry-After: the next request to the host is not made (the wait is in the
    shared cache, so another worker's fetcher keeps it too)."""
    server = servers({"/busy": (429, {"Retry-After": "120"}, "slow down")})
    with Fetcher() as fetcher:
        assert fetcher.get(f"{server.base}/busy").status == 429
    with Fetcher() as other_worker, pytest.raises(FetchError, match="asked us to wait"):
        other_worker.get(f"{server.base}/busy")
    assert [path for path, _h in server.requests].count("/busy") == 1


def test_the_rate_limit_per_host_holds(servers):
    server = servers({"/p": (200, {}, "ok")})
    with override_settings(WATCHING_RATE_PER_HOST=3), Fetcher() as fetcher:
        stamps = []
        for _ in range(7):
            fetcher.get(f"{server.base}/p")
            stamps.append(int(time.time()))
    per_second = {second: stamps.count(second) for second in stamps}
    assert max(per_second.values()) <= 3 and len(per_second) >= 3
