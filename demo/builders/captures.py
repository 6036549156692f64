"""Demo start-page captures (issue 17, REC-5): one start page captured automatically, with its
PNG and WARC, on an account whose screenshot was overdue, and one capture that met a login wall
and asks for a manual screenshot. Made through watching.capture's services; no browser runs
while seeding (the PNG is drawn, the WARC recorded from a page written here)."""

from django.utils import timezone

from accounts.uploads import checked_upload
from demo.builders.accounts import demo_screenshot
from watching import capture
from watching.capture_models import Capture, CaptureTrigger
from watching.warc import WarcRecorder


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


def build_captures(active: list, today) -> None:
    """Among the accounts without a start-page screenshot (build_screenshots gives one to every
    fourth), capture the first and record a login wall for the second."""
    overdue = [a for i, a in enumerate(active) if i % 4 != 0 and a.url][:2]
    if len(overdue) < 2:
        return
    captured, walled = overdue
    queued = Capture.objects.create(
        account=captured, day=today, trigger=CaptureTrigger.SCHEDULED, url=captured.url, started_at=timezone.now()
    )
    warc, digest = _warc(captured)
    png = checked_upload(demo_screenshot(captured, "(captured automatically)"))
    capture.capture_store(queued, checked=png, warc=warc, warc_sha256=digest)
    queued = Capture.objects.create(
        account=walled, day=today, trigger=CaptureTrigger.SCHEDULED, url=walled.url, started_at=timezone.now()
    )
    capture.capture_manual(queued, reason="Sidan ber om ett lösenord (en inloggningsvägg).")
