"""Driving headless Chromium through Playwright for a start-page capture (issue 17, REC-5).

`browse(url, ...)` opens one public profile at a fixed viewport in a fresh browser context (no
cookies, no service workers, no downloads, WebSockets closed), waits for the page (load, then
network idle with a timeout), checks for a login or consent wall (watching.capture_walls) and
returns a full-page PNG and a WARC of what was served. It dismisses nothing.

Chromium never opens a connection itself. Every request of the page goes through `_Router`:
watching.addresses.check_url first (SSRF: the top-level page only to the platform's hosts, every
other request only to public addresses; the test suite's servers are named in
WATCHING_TRUSTED_ADDRESSES), then core.outbound.PinnedClient fetches it from Python, from the
address that was checked (no second DNS lookup: no rebinding), without following redirects,
within timeouts and a byte cap. The answer is written to the WARC from those bytes and handed to
the browser with route.fulfill. Whatever escapes routing (Chromium's favicon, say) goes to a proxy
on a closed port and fails, loopback included, and Chromium resolves no name
(`CHROMIUM_FLAGS`).

Redirects: Chromium follows a fulfilled 3xx itself without routing the next hop (checked with
Playwright 1.65 and `tests/watching/test_capture_browser.py`), so no 3xx is handed to it. A
redirect of a sub-resource or a frame is followed in the handler, each hop checked and recorded
in the WARC, and the final answer fulfilled. A redirect of the top-level page ends that
navigation (route.abort) and `_navigate` opens the next hop as a new navigation, checked and
fetched through the handler like the first, so the page's address, its relative links and the
wall check are those of the final page. Only public Playwright API is used. A refused request is
aborted and recorded with its reason (in the capture and as a WARC `metadata` record).
"""

import contextlib
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from core.outbound import Limits, OutboundError, PinnedClient, Target
from watching.addresses import RefusedAddress, check_url
from watching.capture_walls import PAGE_CHECK, Wall, wall_by_address, wall_in_page
from watching.warc import WarcRecorder

logger = logging.getLogger(__name__)

# A port nothing listens on: a request that escaped routing is refused there.
CLOSED_PROXY = "127.0.0.1:9"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Chromium never connects by itself (module docstring): every request is answered from Python.
    f"--proxy-server={CLOSED_PROXY}",
    "--proxy-bypass-list=<-loopback>",  # 127.0.0.1 and localhost through the proxy too
    "--host-resolver-rules=MAP * ~NOTFOUND",  # and no DNS lookup of its own
)
MAX_REFUSED_KEPT = 50
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Not sent on: they describe the browser's connection, not the request (httpx sets its own).
_NOT_FORWARDED = frozenset(
    {"host", "connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer"}
    | {"transfer-encoding", "upgrade", "content-length", "accept-encoding"}
)
# Not handed to the browser: the body it gets is decoded and whole.
_NOT_FULFILLED = frozenset({"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"})


@dataclass
class Browsed:
    """What the browser saw. `png` is None when there is nothing to store (a wall, an error)."""

    final_url: str = ""
    http_status: int | None = None
    png: bytes | None = None
    warc: bytes = b""
    warc_sha256: str = ""
    wall: Wall | None = None
    error: str = ""  # "", "timeout", "unreachable" or "refused" (then `refusal` says why)
    refusal: str = ""
    refused: list[dict] = field(default_factory=list)


def _on_hosts(host: str, hosts: frozenset[str]) -> bool:
    return host in hosts or any(host.endswith("." + h) for h in hosts)


def _forwarded(request) -> list[tuple[str, str]]:
    """The browser's request headers to send on (its User-Agent, Accept, Referer, cookies…)."""
    return [
        (h["name"], h["value"])
        for h in request.headers_array()
        if h["name"].lower() not in _NOT_FORWARDED and not h["name"].startswith(":")
    ]


def _fulfilled(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The answer's headers for route.fulfill (repeated ones joined; Set-Cookie one a line)."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in _NOT_FULFILLED:
            continue
        separator = "\n" if key == "set-cookie" else ", "  # Playwright splits Set-Cookie on new lines
        joined[key] = f"{joined[key]}{separator}{value}" if key in joined else value
    return joined


def client_limits() -> Limits:
    return Limits(
        connect=settings.WATCHING_CONNECT_TIMEOUT,
        read=settings.CAPTURE_TIMEOUT_SECONDS,
        total=settings.CAPTURE_TIMEOUT_SECONDS,
        max_bytes=settings.CAPTURE_MAX_RESPONSE_BYTES,
    )


class _Router:
    """The route handler: checks each request and each redirect hop, fetches it with the pinned
    client without following redirects, records it in the WARC, and fulfils the browser's
    request with the answer (module docstring)."""

    def __init__(self, *, page_hosts: frozenset[str], recorder: WarcRecorder, client: PinnedClient):
        self.page_hosts = page_hosts
        self.recorder = recorder
        self.client = client
        self.refused: list[dict] = []
        self.first_refusal: str = ""
        self.redirect_to: str = ""  # the top-level page's next hop, opened by _navigate

    def allowed(self, url: str, *, top: bool) -> Target | None:
        """check_url for one address; a refusal is recorded (list, WARC) and answers None."""
        try:
            if top:
                # The top-level page (and each hop of its redirects) stays on the platform's hosts.
                host = (urlsplit(url).hostname or "").lower().rstrip(".")
                return check_url(url, allowed_hosts={host} if _on_hosts(host, self.page_hosts) else set())
            return check_url(url, allowed_hosts=None)
        except RefusedAddress as exc:
            reason = str(exc.reason)
            if len(self.refused) < MAX_REFUSED_KEPT:
                self.refused.append({"url": url[:500], "reason": reason})
            if top and not self.first_refusal:
                self.first_refusal = reason
            self.recorder.refused(url=url, reason=reason)
            return None

    def fetch(self, request, url: str, target: Target):
        """The answer for one hop from the checked address, recorded in the WARC; None if it failed."""
        try:
            answer = self.client.request(
                request.method, url, target=target, headers=_forwarded(request), content=request.post_data_buffer
            )
        except OutboundError as exc:
            logger.info("capture: %s failed: %s", url, exc.reason)
            self.recorder.refused(url=url, reason=str(exc.reason))
            return None
        self.recorder.response(
            url=url,
            method=request.method,
            request_headers=answer.request_headers,
            post_data=request.post_data_buffer,
            status=answer.status,
            status_text=answer.reason_phrase,
            response_headers=answer.headers,
            body=answer.body,
        )
        return answer

    def __call__(self, route) -> None:
        request = route.request
        top = request.is_navigation_request() and request.frame.parent_frame is None
        url = request.url
        for _hop in range(MAX_REDIRECTS + 1):
            target = self.allowed(url, top=top)
            if target is None:
                route.abort("blockedbyclient")
                return
            answer = self.fetch(request, url, target)
            if answer is None:
                route.abort("failed")
                return
            location = answer.header("location") if answer.status in REDIRECT_STATUSES else ""
            if not location:
                route.fulfill(status=answer.status, headers=_fulfilled(answer.headers), body=answer.body)
                return
            url = urljoin(url, location)
            if top:
                # Handed a 3xx, Chromium would ask for the next hop itself, unrouted: this
                # navigation ends here and _navigate opens the next hop (checked here first, so
                # that only an http(s) address on the platform's hosts is opened) through this
                # handler.
                if self.allowed(url, top=True) is None:
                    route.abort("blockedbyclient")
                    return
                self.redirect_to = url
                route.abort("aborted")
                return
        route.abort("failed")  # too many redirects


class _TooManyRedirects(Exception):
    pass


def launch(playwright):
    """Headless Chromium with CHROMIUM_FLAGS: it cannot reach the network by itself."""
    return playwright.chromium.launch(
        executable_path=settings.CAPTURE_CHROMIUM, args=list(CHROMIUM_FLAGS), headless=True
    )


def browse(url: str, *, page_hosts: frozenset[str], platform_slug: str = "") -> Browsed:
    """Open `url` in headless Chromium and return what it saw (never raises for the page's faults)."""
    viewport = {"width": settings.CAPTURE_VIEWPORT_WIDTH, "height": settings.CAPTURE_VIEWPORT_HEIGHT}
    timeout_ms = settings.CAPTURE_TIMEOUT_SECONDS * 1000
    recorder = WarcRecorder(max_bytes=settings.CAPTURE_WARC_MAX_BYTES)
    client = PinnedClient(limits=client_limits())
    router = _Router(page_hosts=page_hosts, recorder=recorder, client=client)
    result = Browsed()
    with sync_playwright() as playwright, client:
        browser = launch(playwright)
        try:
            context = browser.new_context(
                viewport=viewport,
                service_workers="block",
                accept_downloads=False,
                locale="sv-SE",
                user_agent=settings.CAPTURE_USER_AGENT,
            )
            context.route("**/*", router)
            context.route_web_socket("**/*", lambda ws: ws.close())
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            _open(page, url, result, router, platform_slug)
        finally:
            browser.close()
    result.refused = router.refused
    result.warc, result.warc_sha256 = recorder.finish()
    return result


def _navigate(page, url: str, router: _Router):
    """page.goto, and again to each next hop of a redirect of the page (module docstring)."""
    for _hop in range(MAX_REDIRECTS + 1):
        router.redirect_to = ""
        try:
            return page.goto(url, wait_until="load")
        except PlaywrightTimeout:
            raise
        except PlaywrightError:
            if not router.redirect_to:
                raise
        url = router.redirect_to
    raise _TooManyRedirects


def _open(page, url: str, result: Browsed, router: _Router, platform_slug: str) -> None:
    started = time.monotonic()
    try:
        response = _navigate(page, url, router)
    except PlaywrightTimeout:
        result.error = "timeout"
        return
    except _TooManyRedirects:
        result.error, result.refusal = "refused", _("Too many redirects.")
        return
    except PlaywrightError:
        result.error, result.refusal = (
            ("refused", router.first_refusal) if router.first_refusal else ("unreachable", "")
        )
        return
    if router.first_refusal:
        result.error, result.refusal = "refused", router.first_refusal
        return
    result.http_status = response.status if response else None
    # Network idle, but never longer than the settle time: some pages poll for ever.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=settings.CAPTURE_SETTLE_SECONDS * 1000)
    result.final_url = page.url
    result.wall = wall_by_address(page.url, platform_slug) or wall_in_page(page.evaluate(PAGE_CHECK))
    if result.wall or (result.http_status and result.http_status >= 400):
        return
    height = page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"
    )
    clip = None
    if height > settings.CAPTURE_MAX_HEIGHT:
        clip = {"x": 0, "y": 0, "width": settings.CAPTURE_VIEWPORT_WIDTH, "height": settings.CAPTURE_MAX_HEIGHT}
    result.png = page.screenshot(full_page=True, type="png", clip=clip, animations="disabled")
    logger.info("capture of %s took %.1f s", url, time.monotonic() - started)
