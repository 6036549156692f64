"""The demo shows the start-page capture (issue 17, "Done when"): one start page captured with PNG +
WARC, which closes start-page-snapshot-overdue, and one that asks for a manual screenshot. The
capture is live (Chromium against the demo's fixture server, the path of the account page's
"Capture the start page now"); only without Chromium does the demo use prepared files, and
seed_demo says so."""

import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from accounts.models import Snapshot
from audit.models import AuditEvent
from demo.builders.captures import CAPTURED_PATH, capture_live
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from tests import factories
from tests.monitoring.helpers import compliant_account
from watching.capture_models import Capture, CaptureStatus
from watching.demo_fixtures import demo_routes

pytestmark = pytest.mark.django_db
RULE = "start-page-snapshot-overdue"


def _warc_responses(data: bytes) -> dict:
    return {
        r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
        for r in ArchiveIterator(io.BytesIO(data))
        if r.rec_type == "response"
    }


def test_the_demo_has_a_captured_start_page_and_one_needing_a_person(settings):
    """Without Chromium (CAPTURE_CHROMIUM names none) the demo falls back to prepared files and its
    output says so; the capture still closes start-page-snapshot-overdue."""
    settings.DEMO_LIVE_CAPTURE = True
    settings.CAPTURE_CHROMIUM = "/nonexistent/chromium"
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)

    assert "Chromium was not found at /nonexistent/chromium" in out.getvalue()
    assert "uses prepared files" in out.getvalue()
    captured = Capture.objects.get(status=CaptureStatus.CAPTURED)
    assert captured.account.url.endswith(CAPTURED_PATH)
    # Its start page was overdue: the capture's is its only start-page screenshot.
    assert list(Snapshot.objects.filter(account=captured.account).values_list("pk", flat=True)) == [
        captured.snapshot_id
    ]
    assert captured.snapshot.file.read().startswith(b"\x89PNG")
    assert captured.account.url in _warc_responses(captured.warc.read())
    assert not Finding.objects.filter(account=captured.account, rule=RULE, resolved_at__isnull=True).exists()
    manual = Capture.objects.get(status=CaptureStatus.MANUAL)
    assert manual.reason and manual.snapshot is None


@pytest.mark.skipif(
    not shutil.which(settings.CAPTURE_CHROMIUM), reason=f"Chromium is not installed at {settings.CAPTURE_CHROMIUM}"
)
def test_the_demo_capture_step_captures_the_fixture_page_live(servers, comms):
    """REC-5, issue 17: with the demo's fixture server running, the demo's capture step (the path
    of "Capture the start page now": capture.request by comms, then the worker's run) stores a
    real screenshot of the fixture page and a WARC holding the page's URL and body, and the next
    sweep closes the account's start-page-snapshot-overdue."""
    server = servers(demo_routes(timezone.localdate()))
    now = timezone.now()
    account = compliant_account(
        now, snapshot_on=None, url=f"{server.base}{CAPTURED_PATH}", platform=factories.platform("youtube")
    )
    compliance_sweep()
    assert Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()

    done = capture_live(account, comms)

    assert done.status == CaptureStatus.CAPTURED, done.reason
    png = done.snapshot.file.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.width == settings.CAPTURE_VIEWPORT_WIDTH
        assert len(image.convert("L").getcolors(maxcolors=1 << 16) or range(2)) > 1  # not a blank page
    page = _warc_responses(done.warc.read())[account.url]
    assert b"Karolinska Institutet" in page and b"videos.xml" in page and b"412 videos" in page  # the fixture
    assert AuditEvent.objects.filter(action="capture.request", actor=comms).exists()
    compliance_sweep()
    assert not Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()
