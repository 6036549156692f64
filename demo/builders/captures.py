"""Demo start-page captures (issue 17, REC-5): one start page captured automatically, with its
PNG and WARC, on an account whose screenshot was overdue, and one capture that met a login wall
and asks for a manual screenshot.

The capture is live when Chromium is there (CAPTURE_CHROMIUM) and DEMO_LIVE_CAPTURE is on: KI's
YouTube channel, which the demo points at its local fixture server (watching.demo_fixtures), is
captured the way the account page's "Capture the start page now" does it: `capture_request` as
the account's owner, then `capture_run`, the capture queue worker's step, here in the seeding
process, with headless Chromium against the fixture server (the one `serve_watch_fixtures` runs,
or, when nothing answers on its port, the same routes served here for the step). Only without
Chromium does the demo fall back to prepared files (a drawn PNG, a WARC recorded from a page
written here), and seed_demo says so."""

import contextlib
import shutil
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import SocialAccount
from accounts.uploads import checked_upload
from demo.builders.accounts import demo_screenshot
from watching import capture
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger
from watching.demo_fixtures import CAPTURED, HOST, PATHS, PORT, demo_routes
from watching.fixture_servers import FixtureServer
from watching.warc import WarcRecorder

# The demo account captured: KI's YouTube channel, served by the fixture server.
CAPTURED_PATH = PATHS[CAPTURED]


def _warc(account) -> tuple[bytes, str]:
    recorder = WarcRecorder(max_bytes=1024 * 1024)
    body = f"<!doctype html><title>{account.name}</title><h1>{account.name}</h1><p>Karolinska Institutet</p>"
    recorder.response(
        url=account.url,
        method="GET",
        request_headers=[("User-Agent", "KI-social-media-registry-capture")],
        post_data=None,
        status=200,
        status_text="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body.encode(),
    )
    return recorder.finish()


def chromium_missing() -> str:
    """Why a live capture cannot run here ("" when it can)."""
    if not shutil.which(settings.CAPTURE_CHROMIUM):
        return f"Chromium was not found at {settings.CAPTURE_CHROMIUM} (CAPTURE_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    return ""


def _answers(netloc: str) -> bool:
    host, _sep, port = netloc.rpartition(":")
    with contextlib.suppress(OSError), socket.create_connection((host, int(port)), timeout=1):
        return True
    return False


@contextlib.contextmanager
def fixtures_served(netloc: str):
    """The demo's fixture server for the duration: the one already answering on `netloc` (e.g.
    `serve_watch_fixtures`, or a test's), or, for the demo's own address, the same routes served
    here. Its address is trusted by the capture's address check (WATCHING_TRUSTED_ADDRESSES) for
    the duration; it is on 127.0.0.1, which is otherwise refused."""
    server = None
    if not _answers(netloc) and netloc == HOST:
        # Port taken but silent: no server here; the capture then records why it failed.
        with contextlib.suppress(OSError):
            server = FixtureServer(demo_routes(timezone.localdate()), port=PORT).start()
    trusted = [*settings.WATCHING_TRUSTED_ADDRESSES, netloc]
    try:
        with override_settings(WATCHING_TRUSTED_ADDRESSES=trusted):
            yield
    finally:
        if server:
            server.stop()


def capture_live(account, actor) -> Capture:
    """Capture the account's start page now, the way the account page's button does: queued by
    `actor` (audited capture.request), then run as the capture worker runs it (capture.store, or
    capture.manual with the reason). The worker that later receives the queued message finds the
    capture done and does nothing."""
    queued = capture.capture_request(actor=actor, account_id=account.pk)
    with fixtures_served(urlsplit(account.url).netloc):
        return capture.capture_run(queued.pk) or Capture.objects.get(pk=queued.pk)


def _prepared(account, today) -> Capture:
    queued = Capture.objects.create(
        account=account, day=today, trigger=CaptureTrigger.SCHEDULED, url=account.url, started_at=timezone.now()
    )
    warc, digest = _warc(account)
    png = checked_upload(demo_screenshot(account, "(captured automatically)"))
    return capture.capture_store(queued, checked=png, warc=warc, warc_sha256=digest)


def build_captures(active: list, today, actor) -> str:
    """KI's YouTube channel (pointed at the fixture server; its start-page screenshot is overdue)
    captured by `actor` (comms), live if it can be; a login wall recorded for the first other
    account without a screenshot (build_screenshots gives one to every fourth). Returns what was
    done, for seed_demo's output."""
    target = SocialAccount.objects.filter(url=f"http://{HOST}{CAPTURED_PATH}").first()
    others = [a for i, a in enumerate(active) if i % 4 != 0 and a.url and target and a.pk != target.pk]
    if target is None or not others:
        return ""
    why_not = "" if settings.DEMO_LIVE_CAPTURE else "DEMO_LIVE_CAPTURE is off"
    why_not = why_not or chromium_missing()
    if why_not:
        _prepared(target, today)
        message = f"Start-page capture: {why_not}; the demo's capture of {target.url} uses prepared files."
    else:
        done = capture_live(target, actor)
        if done.status == CaptureStatus.CAPTURED:
            message = f"Start-page capture: {target.url} captured live with Chromium (PNG and WARC)."
        else:
            message = f"Start-page capture: the live capture of {target.url} needs a person: {done.reason}"
    walled = others[0]
    queued = Capture.objects.create(
        account=walled, day=today, trigger=CaptureTrigger.SCHEDULED, url=walled.url, started_at=timezone.now()
    )
    capture.capture_manual(queued, reason="Sidan ber om ett lösenord (en inloggningsvägg).")
    return message
