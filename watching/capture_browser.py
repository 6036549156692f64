"""Driving headless Chromium through Playwright for a start-page capture (issue 17, REC-5).

`browse(url, ...)` opens one public profile at a fixed viewport in a fresh browser context (no
cookies, no service workers, no downloads, WebSockets closed), waits for the page (load, then
network idle with a timeout), checks for a login or consent wall (watching.capture_walls) and
returns a full-page PNG and a WARC of what was served. It dismisses nothing.

Every request the page makes goes through `_route`: watching.addresses.check_url first (SSRF: the
top-level page only to the platform's hosts, every other request only to public addresses; the
test suite's servers are named in WATCHING_TRUSTED_ADDRESSES), then Playwright's route.fetch with
no redirects followed. A redirect is handed back to the browser, which asks again for the new
address, so every hop of a redirect chain is checked too (Chromium does not route the hops of a
redirect it follows itself, nor of a fulfilled 3xx). A refused request is aborted and recorded
with its reason.
"""

import contextlib
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from watching.addresses import RefusedAddress, check_url
from watching.capture_walls import PAGE_CHECK, Wall, wall_by_address, wall_in_page
from watching.warc import WarcRecorder

logger = logging.getLogger(__name__)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
MAX_REFUSED_KEPT = 50
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PAGE_HEIGHT = "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"


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


class _Router:
    """The route handler: checks each request and each redirect hop, fetches it without following
    redirects, records it in the WARC, and hands the browser the answer."""

    def __init__(self, *, page_hosts: frozenset[str], recorder: WarcRecorder, timeout_ms: int):
        self.page_hosts = page_hosts
        self.recorder = recorder
        self.timeout_ms = timeout_ms
        self.refused: list[dict] = []
        self.first_refusal: str = ""

    def allowed(self, url: str, *, top: bool) -> bool:
        """check_url for one address; a refusal is recorded (list, WARC) and answers False."""
        try:
            if top:
                # The top-level page (and each hop of its redirects) stays on the platform's hosts.
                host = (urlsplit(url).hostname or "").lower().rstrip(".")
                check_url(url, allowed_hosts={host} if _on_hosts(host, self.page_hosts) else set())
            else:
                check_url(url, allowed_hosts=None)
        except RefusedAddress as exc:
            reason = str(exc.reason)
            if len(self.refused) < MAX_REFUSED_KEPT:
                self.refused.append({"url": url[:500], "reason": reason})
            if top and not self.first_refusal:
                self.first_refusal = reason
            self.recorder.refused(url=url, reason=reason)
            return False
        return True

    def record(self, request, url: str, response, body: bytes) -> None:
        self.recorder.response(
            url=url,
            method=request.method,
            request_headers=[(h["name"], h["value"]) for h in request.headers_array()],
            post_data=request.post_data_buffer,
            status=response.status,
            status_text=response.status_text,
            response_headers=[(h["name"], h["value"]) for h in response.headers_array],
            body=body,
        )

    def __call__(self, route) -> None:
        request = route.request
        top = request.is_navigation_request() and request.frame.parent_frame is None
        url = request.url
        if not self.allowed(url, top=top):
            route.abort("blockedbyclient")
            return
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                response = route.fetch(url=url, max_redirects=0, timeout=self.timeout_ms)
                body = response.body()
            except PlaywrightError as exc:
                logger.info("capture: %s failed: %s", url, exc)
                route.abort("failed")
                return
            self.record(request, url, response, body)
            location = response.headers.get("location") if response.status in REDIRECT_STATUSES else None
            if not location:
                route.fulfill(response=response, body=body)
                return
            target = urljoin(url, location)
            if not self.allowed(target, top=top):
                route.abort("blockedbyclient")
                return
            if request.is_navigation_request():
                # The browser navigates to the checked target as a redirect, and asks this handler
                # again for it. (Fulfilling the 3xx would let Chromium follow it unrouted.) This is
                # the call Playwright's own HAR replay makes for a redirect; not yet public API.
                route._sync(route._impl_obj._redirect_navigation_request(target))
                return
            url = target  # a sub-resource: follow the checked hop here
        route.abort("failed")  # too many redirects


def browse(url: str, *, page_hosts: frozenset[str], platform_slug: str = "") -> Browsed:
    """Open `url` in headless Chromium and return what it saw (never raises for the page's faults)."""
    viewport = {"width": settings.CAPTURE_VIEWPORT_WIDTH, "height": settings.CAPTURE_VIEWPORT_HEIGHT}
    timeout_ms = settings.CAPTURE_TIMEOUT_SECONDS * 1000
    recorder = WarcRecorder(max_bytes=settings.CAPTURE_WARC_MAX_BYTES)
    router = _Router(page_hosts=page_hosts, recorder=recorder, timeout_ms=timeout_ms)
    result = Browsed()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.CAPTURE_CHROMIUM, args=list(CHROMIUM_FLAGS), headless=True
        )
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


def _open(page, url: str, result: Browsed, router: _Router, platform_slug: str) -> None:
    started = time.monotonic()
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightTimeout:
        result.error = "timeout"
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
