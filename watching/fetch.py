"""The one safe fetcher of the collectors (issue 17): every outbound GET of a collector goes here.

- `check_url` (watching.addresses) before the request and before every redirect, which is followed
  here (at most WATCHING_MAX_REDIRECTS), never by httpx;
- the connection goes to the checked address, not to a second DNS lookup (rebinding), through
  core.outbound.PinnedClient: the URL carries the IP, the Host header and, for https, the TLS SNI
  and certificate check carry the host name;
- connect and read timeouts, an overall deadline, and a byte cap (the body is streamed and the
  request abandoned past WATCHING_MAX_BYTES);
- conditional requests: the caller passes the ETag / Last-Modified it kept (per account and
  source) and gets `not_modified` on 304;
- an identifying User-Agent (WATCHING_USER_AGENT), robots.txt respected (cached per host), a
  per-host rate limit and a backoff after 429/503 (Retry-After, or X's x-rate-limit-reset), both
  kept in the cache so that several workers share them (Redis in production);
- an access token (issue 17, the platforms' APIs) goes as `Authorization: Bearer` only to the
  API hosts the collector names (`token_hosts`, host and port): never to a profile page, a
  robots.txt of another host or a redirect elsewhere, whatever the catalogue says.

Anything refused or failed raises FetchError with a translated reason, recorded with the
observation; nothing of the answer is kept.
"""

import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.outbound import Limits, OutboundError, PinnedClient
from watching.addresses import RefusedAddress, check_url

REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The fetch was refused or failed; `reason` says why, `status` is the HTTP answer if any."""

    def __init__(self, reason, status=None, *, unreachable=False):
        super().__init__(str(reason))
        self.reason = str(reason)
        self.status = status
        # True when the profile could not be reached at all (network failure, timeout, 5xx):
        # counts toward profile-unreachable. A refusal by our own rules does not.
        self.unreachable = unreachable


@dataclass
class Answer:
    url: str  # the final address, after redirects
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    not_modified: bool = False

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")[:200]

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")[:100]

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def limits() -> Limits:
    return Limits(
        connect=settings.WATCHING_CONNECT_TIMEOUT,
        read=settings.WATCHING_READ_TIMEOUT,
        total=settings.WATCHING_TOTAL_TIMEOUT,
        max_bytes=settings.WATCHING_MAX_BYTES,
    )


# -- The per-host rate limit and backoff (shared through the cache) --


def _host_key(kind: str, host: str) -> str:
    return f"watching:{kind}:{host}"


def wait_for_turn(host: str) -> None:
    """At most WATCHING_RATE_PER_HOST requests a second to one host (name:port), counted in the
    cache per second, so every worker sharing the cache keeps to it together."""
    limit = settings.WATCHING_RATE_PER_HOST
    while True:
        now = time.time()
        key = _host_key(f"rate:{int(now)}", host)
        cache.add(key, 0, timeout=3)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if count <= limit:
            return
        time.sleep(max(0.0, int(now) + 1 - time.time()) + 0.001)


def backing_off(host: str) -> float:
    """Seconds left of the host's backoff after a 429/503 (0 if none)."""
    until = cache.get(_host_key("backoff", host))
    return max(0.0, until - time.time()) if until else 0.0


def back_off(host: str, retry_after: str | None) -> None:
    """After a 429/503: leave the host alone for Retry-After seconds (when given in seconds) or
    twice as long as last time, from WATCHING_BACKOFF_SECONDS up to an hour."""
    streak_key = _host_key("backoff-streak", host)
    streak = (cache.get(streak_key) or 0) + 1
    cache.set(streak_key, streak, timeout=3600 * 24)
    seconds = min(settings.WATCHING_BACKOFF_SECONDS * 2 ** (streak - 1), 3600)
    if retry_after and retry_after.strip().isdigit():
        seconds = min(max(int(retry_after), 1), 3600)
    cache.set(_host_key("backoff", host), time.time() + seconds, timeout=int(seconds) + 1)


def _reset_in(headers: dict) -> str | None:
    """X answers 429 with x-rate-limit-reset (the epoch second the window reopens) instead of
    Retry-After: the seconds until then, as Retry-After would say them."""
    reset = headers.get("x-rate-limit-reset", "").strip()
    return str(max(1, int(reset) - int(time.time()))) if reset.isdigit() else None


def _recovered(host: str) -> None:
    cache.delete(_host_key("backoff-streak", host))


# -- The fetcher --


class Fetcher:
    """One pinned client for a collection run; `get` is the only way out."""

    def __init__(self, *, allowed_hosts=None, token=None, token_hosts=(), verify=True):
        self.allowed_hosts = allowed_hosts
        self.token = token
        self.token_hosts = frozenset(token_hosts)  # (host, port) pairs the token may be sent to
        self.requests_made = 0
        self.client = PinnedClient(
            limits=limits(),
            verify=verify,  # certificates checked against the host name (SNI), never switched off
            headers={"User-Agent": settings.WATCHING_USER_AGENT},
        )

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        accept: str = "*/*",
        headers: dict | None = None,
        robots: bool = True,
    ) -> Answer:
        """GET `url` safely (module docstring); FetchError when refused or failed. `headers` are
        added to the request; `robots=False` for a platform's API used with a token under its
        developer terms (robots.txt governs crawling pages, not an API one is licensed to use)."""
        headers = {**(headers or {}), "Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(settings.WATCHING_MAX_REDIRECTS + 1):
            target = self._check(url)
            if robots and not self.robots_allow(url, target):
                raise FetchError(_("robots.txt of %(host)s does not allow this address.") % {"host": target.host})
            answer = self._once(url, target, headers)
            if answer.status in REDIRECTS and answer.headers.get("location"):
                url = urljoin(url, answer.headers["location"])
                continue
            return answer
        raise FetchError(_("Too many redirects."), unreachable=True)

    def _check(self, url):
        try:
            return check_url(url, allowed_hosts=self.allowed_hosts)
        except RefusedAddress as refused:
            raise FetchError(refused.reason) from None

    def robots_allow(self, url, target) -> bool:
        """robots.txt of the host (cached per scheme, host and port for WATCHING_ROBOTS_SECONDS).
        Missing (4xx) allows everything; 401/403 forbids everything; unreadable forbids for now;
        an unreachable host raises the reason."""
        if not settings.WATCHING_RESPECT_ROBOTS:
            return True
        key = _host_key("robots", f"{target.scheme}:{target.host}:{target.port}")
        lines = cache.get(key)
        if lines is None:
            robots_url = urlunsplit((target.scheme, urlsplit(url).netloc, "/robots.txt", "", ""))
            try:
                answer = self._once(robots_url, target, {"Accept": "text/plain"}, cap=100_000)
            except FetchError as error:
                if error.unreachable:
                    raise  # the host itself cannot be reached: say so, not "robots.txt"
                answer = None
            if answer is None or answer.status >= 500:
                lines, seconds = ["User-agent: *", "Disallow: /"], 300
            elif answer.status in (401, 403):
                lines, seconds = ["User-agent: *", "Disallow: /"], settings.WATCHING_ROBOTS_SECONDS
            elif answer.status >= 400:
                lines, seconds = [], settings.WATCHING_ROBOTS_SECONDS
            else:
                lines, seconds = answer.text().splitlines(), settings.WATCHING_ROBOTS_SECONDS
            cache.set(key, lines, timeout=seconds)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(lines)
        return parser.can_fetch(settings.WATCHING_USER_AGENT, url)

    def _once(self, url, target, headers, *, cap=None) -> Answer:
        """One request to the checked address, no redirect followed."""
        wait = backing_off(f"{target.host}:{target.port}")
        if wait:
            raise FetchError(
                _("%(host)s asked us to wait (%(seconds)d s left); not asked again yet.")
                % {"host": target.host, "seconds": wait}
            )
        headers = dict(headers)
        if self.token and (target.host, target.port) in self.token_hosts:
            headers["Authorization"] = f"Bearer {self.token}"
        wait_for_turn(f"{target.host}:{target.port}")
        self.requests_made += 1
        try:
            response = self.client.request(
                "GET",
                url,
                target=target,
                headers=headers,
                max_bytes=cap or settings.WATCHING_MAX_BYTES,
                skip_body=REDIRECTS | {304},
            )
        except OutboundError as error:
            raise FetchError(error.reason, unreachable=error.unreachable) from None
        answer = Answer(url, response.status, response.header_map, response.body)
        if answer.status in (429, 503):
            back_off(f"{target.host}:{target.port}", answer.headers.get("retry-after") or _reset_in(answer.headers))
        elif answer.status < 500:
            _recovered(f"{target.host}:{target.port}")
        answer.not_modified = answer.status == 304
        return answer
