"""Requests for public records (REC-1): the legal hold, the disclosure bundle and its manifest,
and the pages for those who handle requests."""

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.snapshots import snapshot_upload
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from records import bundle, disclosure, services
from records.choices import RequestStatus
from records.models import RecordsRequest
from tests import factories

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def png(colour=(200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_file(colour) -> SimpleUploadedFile:
    return SimpleUploadedFile("shot.png", png(colour), content_type="image/png")


def upload(actor, account, *, taken_on, colour, kind="start_page"):
    return snapshot_upload(
        actor=actor, account_id=account.pk, kind=kind, taken_on=taken_on, uploaded_file=png_file(colour)
    )


def log_request(actor, accounts, *, start=TODAY - 30 * DAY, end=TODAY):
    return disclosure.records_request_log(
        actor=actor,
        received_at=timezone.now(),
        requester="Journalist på Dagens Nyheter",
        asked_for="Alla kommentarer och borttagna inlägg under perioden.",
        account_ids=[a.pk for a in accounts],
        period_start=start,
        period_end=end,
    )


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def scene(db, comms):
    """Two accounts. In the request's scope (account A, the last 30 days): a start-page screenshot,
    a removed post with two screenshots, a question and a check-in. Out of scope: A's screenshot
    from before the period and B's screenshot inside it."""
    a = factories.SocialAccountFactory(name="KI Forskning")
    b = factories.SocialAccountFactory(name="KI Studier")
    in_period = upload(comms, a, taken_on=TODAY - 10 * DAY, colour=(1, 2, 3))
    before_period = upload(comms, a, taken_on=TODAY - 40 * DAY, colour=(4, 5, 6))
    other_account = upload(comms, b, taken_on=TODAY - 5 * DAY, colour=(7, 8, 9))
    incident = services.incident_log(
        actor=comms,
        account_id=a.pk,
        seen_at=timezone.now() - datetime.timedelta(hours=2),
        removed_at=timezone.now() - datetime.timedelta(hours=1),
        poster="visitor",
        category="c_defamation",
        description="Personangrepp i kommentar.",
        screenshots=[("removed_post", png_file((10, 20, 30))), ("ki_reply", png_file((40, 50, 60)))],
    )
    services.inquiry_log(
        actor=comms,
        account_id=a.pk,
        received_at=timezone.now() - datetime.timedelta(hours=3),
        kind="question",
        summary="=HYPERLINK(1)",  # a visitor's text that a spreadsheet would run
    )
    factories.CheckInFactory(account=a, day=TODAY - 2 * DAY, person_repr="Anna Ägare")
    return {
        "a": a,
        "b": b,
        "in_period": in_period,
        "before_period": before_period,
        "other_account": other_account,
        "incident": incident,
    }


def test_a_disclosure_bundle_manifest_verifies(scene, registrar):
    """REC-1: the bundle lists every file with its SHA-256 and size, and recomputing every file's
    SHA-256 finds no problem. The bundle is stored with its own SHA-256 and recorded."""
    req = log_request(registrar, [scene["a"]])

    req = disclosure.disclosure_bundle_make(actor=registrar, request_id=req.pk)

    req.refresh_from_db()
    with req.bundle.open("rb") as handle:
        data = handle.read()
    assert bundle.verify_manifest(data) == []
    assert hashlib.sha256(data).hexdigest() == req.bundle_sha256 and req.bundle_made_at is not None
    files = unzip(data)
    manifest = list(csv.DictReader(io.StringIO(files.pop("manifest.csv").decode())))
    assert sorted(row["file"] for row in manifest) == sorted(files)
    assert {"README.txt", "check-ins.csv", "audit-events.csv", "questions/questions.csv"} <= set(files)
    assert f"removed-posts/removed-post-{scene['incident'].pk}.pdf" in files
    assert files[f"removed-posts/removed-post-{scene['incident'].pk}.pdf"].startswith(b"%PDF")
    event = AuditEvent.objects.get(action="records_request.bundle")
    assert event.object_id == str(req.pk) and event.after["sha256"] == req.bundle_sha256


def test_the_bundle_is_marked_for_secrecy_review_in_swedish_and_english(scene, registrar):
    """REC-1: nothing is handed out before a secrecy review (OSL)."""
    req = log_request(registrar, [scene["a"]])
    req = disclosure.disclosure_bundle_make(actor=registrar, request_id=req.pk)

    with req.bundle.open("rb") as handle:
        readme = unzip(handle.read())["README.txt"].decode()

    assert "MARKED FOR SECRECY REVIEW – not to be handed out before a secrecy review (OSL)" in readme
    assert "MARKERAD FÖR SEKRETESSPRÖVNING" in readme


def test_the_bundle_contains_exactly_the_screenshots_in_scope(scene, registrar):
    """REC-1: the requested accounts' screenshots dated in the period; not those from before it, not
    those of other accounts."""
    req = log_request(registrar, [scene["a"]])
    req = disclosure.disclosure_bundle_make(actor=registrar, request_id=req.pk)

    with req.bundle.open("rb") as handle:
        files = unzip(handle.read())
    shots = {name: data for name, data in files.items() if name.startswith("screenshots/")}

    expected = [scene["in_period"], *scene["incident"].evidence.all()]
    assert sorted(s.sha256 for s in expected) == sorted(hashlib.sha256(d).hexdigest() for d in shots.values())
    assert len(shots) == 3
    for absent in (scene["before_period"], scene["other_account"]):
        assert not any(absent.sha256[:16] in name for name in shots)


def test_the_question_csv_does_not_let_a_spreadsheet_run_visitor_text(scene, registrar):
    """A summary beginning with = is written with a leading apostrophe."""
    req = log_request(registrar, [scene["a"]])
    req = disclosure.disclosure_bundle_make(actor=registrar, request_id=req.pk)
    with req.bundle.open("rb") as handle:
        questions = unzip(handle.read())["questions/questions.csv"].decode()
    assert "'=HYPERLINK(1)" in questions


def test_a_tampered_bundle_fails_verification(scene, registrar, english):
    """REC-1: a changed file, a file added after the fact and a file removed are each reported."""
    req = log_request(registrar, [scene["a"]])
    req = disclosure.disclosure_bundle_make(actor=registrar, request_id=req.pk)
    with req.bundle.open("rb") as handle:
        files = unzip(handle.read())

    changed = dict(files, **{"check-ins.csv": files["check-ins.csv"] + b"extra\r\n"})
    added = dict(files, **{"screenshots/extra.png": png()})
    removed = {name: data for name, data in files.items() if name != "audit-events.csv"}

    assert bundle.verify_manifest(rezip(changed)) == ["check-ins.csv does not match its SHA-256 in the manifest."]
    assert bundle.verify_manifest(rezip(added)) == ["screenshots/extra.png is not listed in the manifest."]
    assert bundle.verify_manifest(rezip(removed)) == ["audit-events.csv is listed in the manifest but missing."]
    assert bundle.verify_manifest(b"not a zip") == ["This is not a ZIP file."]


def test_the_same_content_gives_the_same_zip_entries_in_the_same_order(scene, registrar):
    """The bundle is deterministic: files in name order, the manifest last, fixed entry times."""
    req = log_request(registrar, [scene["a"]])
    now = timezone.now()
    first = bundle.disclosure_bundle_build(req, made_at=now)
    second = bundle.disclosure_bundle_build(req, made_at=now)

    assert first == second
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names[-1] == "manifest.csv" and names[:-1] == sorted(names[:-1])


def test_the_legal_hold_covers_open_requests_of_the_account_in_an_overlapping_period(db, comms):
    """REC-1, WEED-2: open request + the account + an overlapping period; nothing else."""
    a, b = factories.SocialAccountFactory(), factories.SocialAccountFactory()
    start, end = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    req = log_request(comms, [a], start=start, end=end)

    assert disclosure.legal_hold_applies(a, datetime.date(2025, 3, 31), datetime.date(2025, 4, 30))
    assert disclosure.legal_hold_applies(a, datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    assert not disclosure.legal_hold_applies(a, datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))
    assert not disclosure.legal_hold_applies(b, start, end)

    disclosure.records_request_close(actor=comms, request_id=req.pk, reason="Besvarad.")
    assert not disclosure.legal_hold_applies(a, start, end)


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_only_comms_or_a_registrar_may_log_a_request(db, who, request):
    """Issue 11, defect 3: auditors are read-only; nothing is written when they or anyone else
    without the role try."""
    account = factories.SocialAccountFactory()
    with pytest.raises(NotAllowed):
        log_request(request.getfixturevalue(who), [account])
    assert not RecordsRequest.objects.exists() and not AuditEvent.objects.exists()


def test_closing_needs_a_reason_and_records_who_and_why(db, registrar, english):
    """Issue 11, defect 3 (REC-1): lifting a legal hold is recorded with who and why; without a
    reason it is refused with a clear message and the hold stays."""
    account = factories.SocialAccountFactory()
    req = log_request(registrar, [account])

    with pytest.raises(ApplicationError) as refused:
        disclosure.records_request_close(actor=registrar, request_id=req.pk, reason="  ")
    assert "reason" in refused.value.message
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and disclosure.legal_hold_applies(account, TODAY - DAY, TODAY)
    assert not AuditEvent.objects.filter(action="records_request.close").exists()

    disclosure.records_request_close(actor=registrar, request_id=req.pk, reason=" Besvarad 2 maj. ")
    event = disclosure.records_request_closing(req)
    assert (event.actor, event.note, event.after) == (registrar, "Besvarad 2 maj.", {"status": RequestStatus.CLOSED})


def test_logging_a_request_records_its_scope_and_an_audit_row(db, registrar):
    account = factories.SocialAccountFactory()
    req = log_request(registrar, [account])

    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and list(req.accounts.all()) == [account] and req.logged_by == registrar
    event = AuditEvent.objects.get()
    assert event.action == "records_request.log" and event.after["accounts"] == [account.pk]


def test_a_request_whose_period_ends_before_it_starts_is_refused(db, comms):
    account = factories.SocialAccountFactory()
    with pytest.raises(ApplicationError):
        log_request(comms, [account], start=TODAY, end=TODAY - DAY)
    assert not RecordsRequest.objects.exists()


def test_closing_twice_is_refused_and_a_closed_request_gets_no_new_bundle(db, comms):
    req = log_request(comms, [factories.SocialAccountFactory()])
    disclosure.records_request_close(actor=comms, request_id=req.pk, reason="Besvarad.")

    with pytest.raises(ApplicationError):
        disclosure.records_request_close(actor=comms, request_id=req.pk, reason="Besvarad.")
    with pytest.raises(ApplicationError):
        disclosure.disclosure_bundle_make(actor=comms, request_id=req.pk)
    req.refresh_from_db()
    assert not req.bundle and AuditEvent.objects.filter(action="records_request.close").count() == 1


def test_making_the_bundle_again_replaces_the_stored_file(scene, comms, django_capture_on_commit_callbacks):
    req = log_request(comms, [scene["a"]])
    first = disclosure.disclosure_bundle_make(actor=comms, request_id=req.pk).bundle.name
    storage = req.bundle.storage

    with django_capture_on_commit_callbacks(execute=True):
        second = disclosure.disclosure_bundle_make(actor=comms, request_id=req.pk).bundle.name

    assert first != second and storage.exists(second) and not storage.exists(first)


# Pages: a permission matrix (anonymous, a user without the role, auditor, registrar, comms).


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("records:request-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("name", ["records:request-detail", "records:request-bundle"])
def test_a_user_without_the_role_gets_403_on_request_pages(client, outsider, comms, name):
    req = log_request(comms, [factories.SocialAccountFactory()])
    client.force_login(outsider)

    assert client.get(reverse("records:request-list")).status_code == 403
    assert client.get(reverse(name, args=[req.pk])).status_code == 403
    assert client.post(reverse("records:request-close", args=[req.pk])).status_code == 403
    assert client.post(reverse("records:request-bundle-make", args=[req.pk])).status_code == 403
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and not req.bundle


REQUEST_FORM = {
    "received_at": "2025-05-02T09:30",
    "requester": "Anonym",
    "asked_for": "Kommentarer i maj.",
    "period_start": "2025-05-01",
    "period_end": "2025-05-31",
}


def test_an_auditor_reads_requests_but_gets_403_for_every_write_and_nothing_is_written(client, scene, comms, auditor):
    """Issue 11, defect 3: auditors are read-only everywhere. As the demo auditor, POSTing the
    request form logged a request (a legal hold), /bundle/ made a bundle and /close/ lifted the
    hold. Now the pages read, offer no form, and every write answers 403 and changes nothing."""
    req = log_request(comms, [scene["a"]])
    client.force_login(auditor)
    events_before = AuditEvent.objects.count()

    listing = client.get(reverse("records:request-list"))
    detail = client.get(reverse("records:request-detail", args=[req.pk]))
    assert listing.status_code == 200 and not listing.context["may_log"]
    assert detail.status_code == 200 and not detail.context["may_make_bundle"] and not detail.context["may_close"]
    assert 'name="reason"' not in detail.content.decode()

    logged = client.post(reverse("records:request-list"), {**REQUEST_FORM, "accounts": [scene["b"].pk]})
    bundled = client.post(reverse("records:request-bundle-make", args=[req.pk]))
    closed = client.post(reverse("records:request-close", args=[req.pk]), {"reason": "Besvarad."})

    assert (logged.status_code, bundled.status_code, closed.status_code) == (403, 403, 403)
    req.refresh_from_db()
    assert RecordsRequest.objects.count() == 1 and req.status == RequestStatus.OPEN and not req.bundle
    assert disclosure.legal_hold_applies(scene["a"], TODAY - DAY, TODAY)
    assert AuditEvent.objects.count() == events_before


def test_a_registrar_logs_a_request_through_the_page(client, registrar, english):
    account = factories.SocialAccountFactory()
    client.force_login(registrar)
    assert client.get(reverse("records:request-list")).status_code == 200

    response = client.post(reverse("records:request-list"), {**REQUEST_FORM, "accounts": [account.pk]})

    req = RecordsRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("records:request-detail", args=[req.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "Gallringsspärr" in detail.content.decode()  # legal hold, in Swedish


def test_comms_makes_and_downloads_a_private_bundle(client, scene, comms):
    req = log_request(comms, [scene["a"]])
    client.force_login(comms)

    assert client.post(reverse("records:request-bundle-make", args=[req.pk])).status_code == 302
    response = client.get(reverse("records:request-bundle", args=[req.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert bundle.verify_manifest(b"".join(response.streaming_content)) == []
    assert AuditEvent.objects.filter(action="records_request.bundle_download", actor=comms).count() == 1


def test_a_registrar_makes_and_downloads_the_bundle(client, scene, registrar):
    req = log_request(registrar, [scene["a"]])
    client.force_login(registrar)

    assert client.post(reverse("records:request-bundle-make", args=[req.pk])).status_code == 302
    response = client.get(reverse("records:request-bundle", args=[req.pk]))

    assert response.status_code == 200 and bundle.verify_manifest(b"".join(response.streaming_content)) == []


@pytest.mark.parametrize("who", ["comms", "registrar"])
def test_closing_through_the_page_with_a_reason_lifts_the_hold_and_shows_who_and_why(db, client, who, request):
    """Issue 11, defect 3: the request page shows who lifted the legal hold and why."""
    user = request.getfixturevalue(who)
    account = factories.SocialAccountFactory()
    req = log_request(user, [account])
    client.force_login(user)
    url = reverse("records:request-detail", args=[req.pk])
    assert 'name="reason"' in client.get(url).content.decode()

    response = client.post(reverse("records:request-close", args=[req.pk]), {"reason": "Besvarad och utlämnad."})

    assert response.status_code == 302 and response["Location"] == url
    req.refresh_from_db()
    assert req.status == RequestStatus.CLOSED and not disclosure.legal_hold_applies(account, TODAY - DAY, TODAY)
    page = client.get(url).content.decode()
    assert "Besvarad och utlämnad." in page and str(user) in page


def test_closing_through_the_page_without_a_reason_is_refused_with_a_clear_message(client, registrar):
    """Issue 11, defect 3: no reason, no closing: the message says what is missing (in the user's
    language, Swedish by default) and the hold stays."""
    account = factories.SocialAccountFactory()
    req = log_request(registrar, [account])
    client.force_login(registrar)

    response = client.post(reverse("records:request-close", args=[req.pk]), {"reason": ""}, follow=True)

    assert "Ange varför begäran avslutas" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN and disclosure.legal_hold_applies(account, TODAY - DAY, TODAY)
    assert not AuditEvent.objects.filter(action="records_request.close").exists()


@pytest.mark.parametrize("who, shown", [("registrar", True), ("auditor", True), ("comms", True), ("outsider", False)])
def test_the_navigation_shows_records_requests_to_those_who_may_see_them(db, client, who, shown, request):
    """Issue 11, defect 3: "Records requests" is in the navigation of registrars (and comms and
    auditors), from the predicate its pages answer 403 with."""
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("approvals:todo")).content.decode()
    assert (f'href="{reverse("records:request-list")}"' in page) is shown
