"""Start-page capture (issue 17, REC-5) without a browser: who may ask for one, the daily schedule
(set-based, idempotent, 14 days before start-page-snapshot-overdue), the account page's panel and
button, the WARC download, and the stored outcome of a capture."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from warcio.archiveiterator import ArchiveIterator

from accounts.choices import AccountStatus, SnapshotKind
from accounts.uploads import checked_upload
from audit.labels import ACTION_LABELS
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from tests import factories
from watching import capture
from watching.capture_browser import Browsed
from watching.capture_models import Capture, CaptureStatus, CaptureTrigger
from watching.warc import WarcRecorder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
DAYS = datetime.timedelta(days=1)


def _png(color="navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), color).save(out, "PNG")
    return out.getvalue()


def _warc(url: str) -> tuple[bytes, str]:
    recorder = WarcRecorder(max_bytes=1024 * 1024)
    recorder.response(
        url=url,
        method="GET",
        request_headers=[("Accept", "text/html")],
        post_data=None,
        status=200,
        status_text="OK",
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        body=b"<h1>KI</h1>",
    )
    recorder.refused(url="http://10.0.0.1/", reason="not public")
    return recorder.finish()


def _captured(account) -> Capture:
    queued = Capture.objects.create(
        account=account, day=timezone.localdate(), trigger=CaptureTrigger.SCHEDULED, url=account.url
    )
    warc, digest = _warc(account.url)
    return capture.capture_store(queued, checked=checked_upload(io.BytesIO(_png())), warc=warc, warc_sha256=digest)


@pytest.fixture
def client(client):
    """The pages in English: the locale middleware would otherwise switch to Swedish for the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- asking for a capture -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "deputy", "comms"])
def test_owner_deputy_and_comms_may_ask_for_a_capture(request, who, evidence_account):
    """The button's service queues one capture and records who asked (audit "capture.request")."""
    actor = request.getfixturevalue(who)

    queued = capture.capture_request(actor=actor, account_id=evidence_account.pk)

    assert queued.status == CaptureStatus.QUEUED and queued.trigger == CaptureTrigger.ON_DEMAND
    assert queued.requested_by == actor and queued.url == evidence_account.url
    event = AuditEvent.objects.get(action="capture.request")
    assert event.actor == actor and event.after["capture"] == queued.pk


@pytest.mark.parametrize("who", ["auditor", "manager", "outsider"])
def test_others_may_not_ask_for_a_capture(request, who, evidence_account):
    """Auditors read, never write; managers and other staff are not keepers."""
    with pytest.raises(NotAllowed):
        capture.capture_request(actor=request.getfixturevalue(who), account_id=evidence_account.pk)
    assert not Capture.objects.exists() and not AuditEvent.objects.filter(action="capture.request").exists()


def test_no_second_capture_while_one_is_queued(owner, evidence_account):
    capture.capture_request(actor=owner, account_id=evidence_account.pk)
    with pytest.raises(ApplicationError, match="already queued"):
        capture.capture_request(actor=owner, account_id=evidence_account.pk)
    assert Capture.objects.count() == 1


def test_an_account_that_is_not_active_or_has_no_address_is_not_captured(owner, evidence_account):
    evidence_account.status = AccountStatus.DECOMMISSIONED
    evidence_account.save()
    with pytest.raises(ApplicationError, match="active"):
        capture.capture_request(actor=owner, account_id=evidence_account.pk)
    evidence_account.status, evidence_account.url = AccountStatus.ACTIVE, ""
    evidence_account.save()
    with pytest.raises(ApplicationError, match="no profile address"):
        capture.capture_request(actor=owner, account_id=evidence_account.pk)
    assert not Capture.objects.exists()


# --- the daily schedule -------------------------------------------------------------------------


def _account_with_start_page(days_ago: int):
    account = factories.staffed_account(activated_at=timezone.now() - 400 * DAYS)
    if days_ago is not None:
        factories.SnapshotFactory(
            account=account, kind=SnapshotKind.START_PAGE, taken_on=timezone.localdate() - days_ago * DAYS
        )
    return account


def test_the_schedule_queues_captures_14_days_before_the_rule_opens():
    """REC-5: due within 14 days (screenshot 170 days old) or overdue (none): queued; due in 22
    days (160 days old): not yet."""
    soon, overdue, later = _account_with_start_page(170), _account_with_start_page(None), _account_with_start_page(160)

    result = capture.captures_schedule()

    chosen = set(Capture.objects.values_list("account_id", flat=True))
    assert {soon.pk, overdue.pk} <= chosen and later.pk not in chosen
    assert result["scheduled"] == len(chosen)
    assert set(Capture.objects.values_list("trigger", flat=True)) == {CaptureTrigger.SCHEDULED}


def test_the_schedule_is_idempotent_for_a_day_and_waits_after_a_manual_outcome():
    """No second capture is queued for an account on the same day, nor while one is open, nor
    within CAPTURE_RETRY_DAYS of a scheduled one that needed a person."""
    account = _account_with_start_page(None)
    capture.captures_schedule()
    capture.captures_schedule()
    assert Capture.objects.filter(account=account).count() == 1

    Capture.objects.filter(account=account).update(status=CaptureStatus.MANUAL, reason="login wall")
    capture.captures_schedule(now=timezone.now() + 2 * DAYS)
    assert Capture.objects.filter(account=account).count() == 1
    capture.captures_schedule(now=timezone.now() + 8 * DAYS)
    assert Capture.objects.filter(account=account).count() == 2


def test_the_schedule_runs_a_constant_number_of_queries():
    """Set-based: as many statements for 12 due accounts as for 2."""

    def queries(n: int, day: int) -> int:
        for _i in range(n):
            _account_with_start_page(None)
        with CaptureQueriesContext(connection) as captured:
            capture.captures_schedule(now=timezone.now() + day * 30 * DAYS)
        return len(captured)

    assert queries(2, 0) == queries(12, 1)


# --- running and storing ------------------------------------------------------------------------


def test_a_stored_capture_is_a_start_page_snapshot_with_its_warc(owner, evidence_account):
    """The PNG passes the checked upload pipeline (SHA-256 of the stored bytes); the WARC is stored
    next to it with its SHA-256 and reads back with warcio, the page's URL inside."""
    done = _captured(evidence_account)

    snapshot = done.snapshot
    assert snapshot.kind == SnapshotKind.START_PAGE and snapshot.uploaded_by is None
    assert snapshot.note.startswith("Captured automatically")
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers, r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(done.warc.read()))
    ]
    _kind, url, http, body = next(r for r in records if r[0] == "response")
    assert url == evidence_account.url and body == b"<h1>KI</h1>"
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("Content-Length") == str(len(body))
    assert [r[1] for r in records if r[0] == "metadata"] == ["http://10.0.0.1/"]


def test_a_browser_failure_is_recorded_for_a_person_and_nothing_stored(evidence_account):
    queued = Capture.objects.create(
        account=evidence_account, day=timezone.localdate(), trigger=CaptureTrigger.ON_DEMAND, url=evidence_account.url
    )

    def broken(url, **kwargs):
        raise RuntimeError("no display")

    done = capture.capture_run(queued.pk, browse=broken)

    assert done.status == CaptureStatus.MANUAL and done.reason and done.snapshot is None


def test_a_capture_is_run_once(evidence_account):
    """A second delivery of the task finds the capture claimed and does nothing."""
    queued = Capture.objects.create(
        account=evidence_account, day=timezone.localdate(), trigger=CaptureTrigger.ON_DEMAND, url=evidence_account.url
    )
    calls = []

    def seen(url, **kwargs):
        calls.append(url)
        return Browsed(final_url=url, http_status=200, png=_png("teal"), warc=b"", warc_sha256="")

    capture.capture_run(queued.pk, browse=seen)
    assert capture.capture_run(queued.pk, browse=seen) is None
    assert len(calls) == 1 and Capture.objects.get(pk=queued.pk).status == CaptureStatus.CAPTURED


def test_every_capture_action_is_labelled():
    assert {"capture.request", "capture.store", "capture.manual"} <= set(ACTION_LABELS)


# --- the account page ---------------------------------------------------------------------------


def test_the_owner_sees_the_outcome_and_the_button(client, owner, evidence_account):
    done = _captured(evidence_account)
    client.force_login(owner)

    page = client.get(evidence_account.get_absolute_url()).content.decode()

    assert "Start-page capture" in page and "captured automatically" in page
    assert reverse("capture:request", args=[evidence_account.pk]) in page
    assert reverse("capture:warc", args=[done.pk]) in page and done.warc_sha256 in page


def test_a_manual_outcome_shows_its_reason(client, owner, evidence_account):
    Capture.objects.create(
        account=evidence_account,
        day=timezone.localdate(),
        trigger=CaptureTrigger.SCHEDULED,
        url=evidence_account.url,
        status=CaptureStatus.MANUAL,
        reason="The page asks for a password (a login wall).",
    )
    client.force_login(owner)
    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "capture needs a manual screenshot" in page and "a login wall" in page


def test_auditors_see_the_panel_without_a_button(client, auditor, evidence_account):
    client.force_login(auditor)
    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "Start-page capture" in page
    assert reverse("capture:request", args=[evidence_account.pk]) not in page
    assert client.post(reverse("capture:request", args=[evidence_account.pk])).status_code == 403


def test_staff_who_may_not_see_the_evidence_see_no_panel_and_get_404(client, outsider, evidence_account):
    done = _captured(evidence_account)
    client.force_login(outsider)
    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "Start-page capture" not in page
    assert client.post(reverse("capture:request", args=[evidence_account.pk])).status_code == 404
    assert client.get(reverse("capture:warc", args=[done.pk])).status_code == 404
    assert not Capture.objects.filter(trigger=CaptureTrigger.ON_DEMAND).exists()


def test_the_button_queues_a_capture(client, owner, evidence_account):
    client.force_login(owner)
    response = client.post(reverse("capture:request", args=[evidence_account.pk]), follow=True)
    assert Capture.objects.get(account=evidence_account).requested_by == owner
    assert "The capture is queued" in response.content.decode()


def test_the_warc_is_downloaded_by_those_who_see_the_evidence(client, owner, evidence_account):
    done = _captured(evidence_account)
    client.force_login(owner)
    response = client.get(reverse("capture:warc", args=[done.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/warc"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == done.warc.open("rb").read()


def test_the_panel_speaks_swedish_by_default(client, owner, evidence_account):
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    client.force_login(owner)
    page = client.get(evidence_account.get_absolute_url()).content.decode()
    assert "Automatisk bild av startsidan" in page and "Ta bild av startsidan nu" in page


def test_captures_run_on_their_own_queue_and_are_scheduled_daily():
    """Only workers started with `-Q capture` (on a host with Chromium) run the browser."""
    from django.conf import settings

    from kipolicy.celery import app

    assert capture.RUN_TASK in app.tasks
    route = app.amqp.router.route({}, capture.RUN_TASK)
    assert route["queue"].name == "capture"
    assert settings.CELERY_BEAT_SCHEDULE["schedule-captures"]["task"] in app.tasks
