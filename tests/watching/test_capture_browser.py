"""Start-page capture with a real headless Chromium (issue 17, REC-5), against profile pages served
on 127.0.0.1 by tests/watching/capture_server.py (named in WATCHING_TRUSTED_ADDRESSES)."""

import datetime
import hashlib
import io
import shutil

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from accounts.choices import SnapshotKind
from accounts.models import Snapshot
from audit.models import AuditEvent
from monitoring.models import Finding
from monitoring.services import compliance_sweep
from notifications.models import Notification
from tests import factories
from tests.watching.capture_server import profile_servers
from watching import capture
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which(settings.CAPTURE_CHROMIUM), reason=f"Chromium is not installed at {settings.CAPTURE_CHROMIUM}"
    ),
]
RULE = "start-page-snapshot-overdue"


@pytest.fixture(scope="module")
def servers():
    site, untrusted = profile_servers()
    with site, untrusted:
        yield site, untrusted


@pytest.fixture
def site(servers):
    site, untrusted = servers
    with override_settings(WATCHING_TRUSTED_ADDRESSES=[site.address]):
        yield site


def _queued(account, trigger=CaptureTrigger.SCHEDULED) -> Capture:
    return Capture.objects.create(account=account, day=timezone.localdate(), trigger=trigger, url=account.url)


def _warc_records(data: bytes) -> list:
    return [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(data))
    ]


def test_a_profile_page_is_stored_as_png_snapshot_with_its_warc(site, owner, deputy):
    """REC-5: the page is stored through the checked upload pipeline as a start-page Snapshot
    ("captured automatically", SHA-256), with a WARC (readable by warcio, the page's URL inside)."""
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/kiprofile"))
    queued = _queued(account)

    done = capture.capture_run(queued.pk)

    assert done.status == CaptureStatus.CAPTURED, done.reason
    snapshot = Snapshot.objects.get(account=account)
    assert snapshot.kind == SnapshotKind.START_PAGE and snapshot.taken_on == timezone.localdate()
    assert "automatiskt" in snapshot.note or "automatically" in snapshot.note
    png = snapshot.file.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and hashlib.sha256(png).hexdigest() == snapshot.sha256
    with Image.open(io.BytesIO(png)) as image:
        assert image.width == settings.CAPTURE_VIEWPORT_WIDTH and image.height > settings.CAPTURE_VIEWPORT_HEIGHT
    warc = done.warc.read()
    assert hashlib.sha256(warc).hexdigest() == done.warc_sha256 and len(warc) == done.warc_size
    records = _warc_records(warc)
    responses = {url: body for kind, url, body in records if kind == "response"}
    assert b"Karolinska Institutet" in responses[site.url("/kiprofile")]
    assert responses[site.url("/logo.png")].startswith(b"\x89PNG")
    assert {"warcinfo", "response", "request"} <= {kind for kind, _url, _body in records}
    event = AuditEvent.objects.get(action="capture.store")
    assert event.after["sha256"] == snapshot.sha256 and event.after["warc_sha256"] == done.warc_sha256


def test_requests_to_private_addresses_and_untrusted_ports_are_aborted(servers, site, owner, deputy):
    """SSRF: the page's request to 10.0.0.1 and to a 127.0.0.1 port not named as trusted are
    aborted before they are made, and recorded with their reason (in the capture and the WARC)."""
    _site, untrusted = servers
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/kiprofile"))

    done = capture.capture_run(_queued(account).pk)

    refused = {r["url"] for r in done.refused_requests}
    assert refused == {"http://10.0.0.1/tracker.gif", f"http://127.0.0.1:{untrusted.port}/secret.png"}
    assert all(r["reason"] for r in done.refused_requests)
    assert untrusted.hits == []  # never asked
    metadata = [url for kind, url, _body in _warc_records(done.warc.read()) if kind == "metadata"]
    assert "http://10.0.0.1/tracker.gif" in metadata


def test_a_login_wall_is_refused_with_the_reason_and_nothing_stored(site, owner, deputy):
    """A redirect to a login page with a password field: "capture needs a manual screenshot", the
    reason recorded and mailed to owner and deputy; no Snapshot, no WARC."""
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/walled"))

    done = capture.capture_run(_queued(account).pk)

    assert done.status == CaptureStatus.MANUAL
    assert "/accounts/login/" in done.reason
    assert not Snapshot.objects.filter(account=account).exists() and not done.warc
    assert AuditEvent.objects.get(action="capture.manual").after["reason"] == done.reason
    mails = Notification.objects.filter(kind="capture-manual")
    assert {m.to_email for m in mails} == {owner.email, deputy.email}
    assert all(done.reason in m.body_text for m in mails)


def test_a_consent_wall_is_not_answered_and_not_stored(site, owner, deputy):
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/consented"))

    done = capture.capture_run(_queued(account, CaptureTrigger.ON_DEMAND).pk)

    assert done.status == CaptureStatus.MANUAL and done.reason
    assert not Snapshot.objects.filter(account=account).exists()


def test_a_redirect_to_an_internal_address_is_refused(site, owner, deputy):
    """SSRF through a redirect: each hop is checked; the hop to 10.0.0.1 is refused."""
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/to-internal"))

    done = capture.capture_run(_queued(account).pk)

    assert done.status == CaptureStatus.MANUAL
    assert done.refused_requests[0]["url"] == "http://10.0.0.1/admin"
    assert "10.0.0.1" in done.reason
    assert not Snapshot.objects.filter(account=account).exists()


def test_a_missing_profile_is_not_stored(site, owner, deputy):
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/gone"))

    done = capture.capture_run(_queued(account).pk)

    assert done.status == CaptureStatus.MANUAL and "404" in done.reason


def test_the_scheduled_capture_closes_start_page_snapshot_overdue_after_the_sweep(site, owner, deputy):
    """REC-5, issue 17 "Done when": an account whose start-page screenshot is overdue is chosen by
    the daily schedule, captured, and the next sweep resolves its finding."""
    long_ago = timezone.now() - datetime.timedelta(days=400)
    account = factories.staffed_account(owner=owner, deputy=deputy, url=site.url("/kiprofile"), activated_at=long_ago)
    compliance_sweep()
    assert Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()

    capture.captures_schedule()
    queued = Capture.objects.get(account=account)
    capture.capture_run(queued.pk)
    compliance_sweep()

    assert Capture.objects.get(pk=queued.pk).status == CaptureStatus.CAPTURED
    assert not Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()
