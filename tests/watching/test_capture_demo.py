"""The demo shows the start-page capture (issue 17, "Done when"): one start page captured with PNG +
WARC, which closes start-page-snapshot-overdue, and one that asks for a manual screenshot."""

import io

import pytest
from django.core.management import call_command
from warcio.archiveiterator import ArchiveIterator

from monitoring.models import Finding
from watching.capture_models import Capture, CaptureStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_captured_start_page_and_one_needing_a_person():
    call_command("seed_demo", force=True, verbosity=0)

    captured = Capture.objects.get(status=CaptureStatus.CAPTURED)
    assert captured.snapshot.file.read().startswith(b"\x89PNG")
    urls = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(io.BytesIO(captured.warc.read()))]
    assert captured.account.url in urls
    assert not Finding.objects.filter(
        account=captured.account, rule="start-page-snapshot-overdue", resolved_at__isnull=True
    ).exists()
    manual = Capture.objects.get(status=CaptureStatus.MANUAL)
    assert manual.reason and manual.snapshot is None
