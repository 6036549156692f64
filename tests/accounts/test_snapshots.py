"""Screenshots (REC-5, CONT-2, REC-4): the upload service, its selectors and the two pages."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse
from django.utils import timezone
from PIL import Image

from accounts.choices import AccountStatus, Role, SnapshotKind
from accounts.models import Snapshot
from accounts.snapshots import can_see_snapshots, latest_start_page, snapshot_get, snapshot_list, snapshot_upload
from accounts.uploads import checked_upload
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from kipolicy.urls import urlpatterns as project_urlpatterns
from tests import factories
from tests.pdf import one_page_pdf, review_bypass_pdf

# Until kipolicy/urls.py includes accounts.snapshot_urls, these tests add it themselves.
urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "snapshots" for p in urlpatterns):
    urlpatterns.append(path("", include("accounts.snapshot_urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__), pytest.mark.usefixtures("english")]

K = SnapshotKind
TODAY = timezone.localdate


def png(color="red", size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    return one_page_pdf()


def upload(content: bytes | None = None, name: str = "start.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if content is None else content, content_type="image/png")


@pytest.fixture
def client(client):
    """The pages in English: the locale middleware would otherwise switch to Swedish for the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """Stored files go to a temporary directory, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def nothing_written(media: Path) -> bool:
    return (
        Snapshot.objects.count() == 0
        and not AuditEvent.objects.filter(action="snapshot.upload").exists()
        and stored_files(media) == []
    )


@pytest.fixture
def account(evidence_account):
    """An active official account: every logged-in user sees it, but not its screenshots."""
    return evidence_account


@pytest.fixture
def hidden(owner):
    """A decommissioned account, which an outsider cannot see at all."""
    return factories.staffed_account(owner=owner, status=AccountStatus.DECOMMISSIONED)


def upload_as(actor, account, content=None, *, kind=K.START_PAGE, taken_on=None, name="start.png", note=""):
    return snapshot_upload(
        actor=actor,
        account_id=account.pk,
        kind=kind,
        taken_on=taken_on or TODAY(),
        uploaded_file=upload(content, name),
        note=note,
    )


# The service


@pytest.mark.parametrize("who", ["owner", "deputy", "comms", "manager"])
def test_owner_deputy_comms_and_manager_can_upload(request, media, account, who):
    actor = request.getfixturevalue(who)

    snapshot = upload_as(actor, account)

    snapshot.refresh_from_db()
    assert (snapshot.account, snapshot.kind, snapshot.taken_on, snapshot.uploaded_by) == (
        account,
        K.START_PAGE,
        TODAY(),
        actor,
    )
    assert (snapshot.content_type, snapshot.extension, snapshot.width, snapshot.height) == ("image/png", "png", 64, 48)
    with snapshot.file.open("rb") as f:
        assert f.read() == checked_upload(upload()).content


def test_upload_is_stored_under_the_account_with_a_checksum_name_whatever_it_was_called(media, account, owner):
    snapshot = upload_as(owner, account, name="../../etc/passwd.png")

    sha = snapshot.sha256
    assert snapshot.file.name == f"snapshots/{account.pk}/{sha[:2]}/{sha}.png"
    assert ".." not in snapshot.file.name
    assert stored_files(media) == [media / "snapshots" / str(account.pk) / sha[:2] / f"{sha}.png"]


def test_upload_writes_an_audit_row(media, account, owner):
    snapshot = upload_as(owner, account, note="Inför terminsstart")

    event = AuditEvent.objects.for_object(account).get(action="snapshot.upload")
    assert event.actor == owner
    assert event.after == {
        "snapshot": snapshot.pk,
        "kind": "start_page",
        "taken_on": TODAY().isoformat(),
        "sha256": snapshot.sha256,
        "size": snapshot.size,
    }
    assert event.note == "Inför terminsstart"


def test_pdf_of_the_page_is_stored_as_it_is(media, account, owner):
    snapshot = upload_as(owner, account, pdf(), name="page.pdf")

    assert (snapshot.content_type, snapshot.width) == ("application/pdf", None)
    with snapshot.file.open("rb") as f:
        assert f.read() == pdf()


def test_service_accepts_a_file_the_form_has_already_checked(media, account, owner):
    checked = checked_upload(upload())

    snapshot = snapshot_upload(
        actor=owner, account_id=account.pk, kind=K.REMOVED_POST, taken_on=TODAY(), uploaded_file=checked
    )

    assert snapshot.sha256 == checked.sha256


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_auditor_and_outsider_cannot_upload(request, media, account, who):
    with pytest.raises(NotAllowed):
        upload_as(request.getfixturevalue(who), account)

    assert nothing_written(media)


def test_former_owner_cannot_upload(media, account, owner):
    account.assignments.filter(person=owner).update(ended_at=timezone.now())

    with pytest.raises(NotAllowed):
        upload_as(owner, account)
    assert nothing_written(media)


def test_screenshot_dated_in_the_future_is_refused(media, account, owner):
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        upload_as(owner, account, taken_on=TODAY() + datetime.timedelta(days=1))

    assert nothing_written(media)


@pytest.mark.parametrize(
    ("content", "name", "message", "code"),
    [
        (b'<svg onload="alert(1)"/>', "logo.svg", "Upload a PNG, JPEG or WebP image, or a PDF.", "type"),
        (review_bypass_pdf(), "page.pdf", "The PDF contains active content and cannot be accepted.", "pdf_active"),
    ],
    ids=["svg", "pdf-with-javascript"],
)
def test_hostile_file_is_refused_by_the_service_with_the_upload_message(
    media, account, owner, content, name, message, code
):
    with pytest.raises(ApplicationError) as exc:
        upload_as(owner, account, content, name=name)

    assert exc.value.message == message
    assert exc.value.extra == {"code": code}
    assert nothing_written(media)


def test_same_screenshot_twice_is_refused(media, account, owner):
    upload_as(owner, account)

    with pytest.raises(ApplicationError, match="This screenshot is already stored."):
        upload_as(owner, account, taken_on=TODAY() - datetime.timedelta(days=1))

    assert Snapshot.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_same_file_may_be_stored_as_another_kind(media, account, owner):
    upload_as(owner, account, kind=K.START_PAGE)
    upload_as(owner, account, kind=K.FINAL_PAGE)

    assert Snapshot.objects.filter(account=account).count() == 2


def test_latest_start_page_ignores_other_kinds(media, account, owner):
    upload_as(owner, account, png("red"), kind=K.START_PAGE, taken_on=TODAY() - datetime.timedelta(days=200))
    newest = upload_as(
        owner, account, png("blue"), kind=K.BEFORE_CHANGE, taken_on=TODAY() - datetime.timedelta(days=10)
    )
    upload_as(owner, account, png("green"), kind=K.REMOVED_POST, taken_on=TODAY())

    assert latest_start_page(account) == newest


def test_latest_start_page_is_none_without_one(account):
    assert latest_start_page(account) is None


# The selectors: screenshots are never public


@pytest.fixture
def stored(media, account, owner):
    return upload_as(owner, account)


@pytest.mark.parametrize("who", ["owner", "deputy", "comms", "auditor", "manager"])
def test_people_with_a_role_see_the_screenshots(request, stored, who):
    user = request.getfixturevalue(who)

    assert can_see_snapshots(user, stored.account)
    assert list(snapshot_list(user=user, account=stored.account)) == [stored]
    assert snapshot_get(user=user, pk=stored.pk) == stored


def test_outsider_does_not_see_screenshots_of_a_public_account(stored, outsider):
    from django.http import Http404

    assert not can_see_snapshots(outsider, stored.account)
    assert list(snapshot_list(user=outsider, account=stored.account)) == []
    with pytest.raises(Http404):
        snapshot_get(user=outsider, pk=stored.pk)


# The pages


def list_url(account) -> str:
    return reverse("snapshots:list", args=[account.pk])


def file_url(snapshot) -> str:
    return reverse("snapshots:file", args=[snapshot.pk])


def form(content=None, name="start.png", **overrides) -> dict:
    return {
        "kind": K.START_PAGE,
        "taken_on": TODAY().isoformat(),
        "file": upload(content, name),
        "note": "",
        **overrides,
    }


def field_errors(response) -> dict:
    return {k: [e["message"] for e in v] for k, v in response.context["form"].errors.get_json_data().items()}


def test_anonymous_is_sent_to_log_in(client, account, stored):
    for url in (list_url(account), file_url(stored)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_list_shows_the_screenshots_and_the_form_to_the_owner(client, account, owner, stored):
    client.force_login(owner)

    response = client.get(list_url(account))

    assert response.status_code == 200
    assert list(response.context["snapshots"]) == [stored]
    html = response.content.decode()
    assert f'<code class="text-break">{stored.sha256}</code>' in html
    assert file_url(stored) in html
    assert 'type="date"' in html
    assert 'accept="image/png,image/jpeg,image/webp,application/pdf"' in html
    assert 'enctype="multipart/form-data"' in html


def test_auditor_sees_the_list_without_the_form(client, account, auditor, stored):
    client.force_login(auditor)

    response = client.get(list_url(account))

    assert response.status_code == 200
    assert list(response.context["snapshots"]) == [stored]
    assert 'type="file"' not in response.content.decode()


@pytest.mark.parametrize("which", ["account", "hidden"])
def test_outsider_gets_404_for_the_list(request, client, outsider, which):
    client.force_login(outsider)

    assert client.get(list_url(request.getfixturevalue(which))).status_code == 404


def test_list_page_queries_do_not_grow_with_the_screenshots(
    client, media, account, owner, django_assert_max_num_queries
):
    for color in ("red", "green", "blue", "yellow", "white"):
        upload_as(owner, account, png(color))
    client.force_login(owner)

    with django_assert_max_num_queries(15):
        response = client.get(list_url(account))
    assert len(response.context["snapshots"]) == 5


@pytest.mark.parametrize("who", ["owner", "deputy", "comms", "manager"])
def test_permitted_user_uploads_through_the_page(request, client, media, account, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(list_url(account), form())

    assert response.status_code == 302
    assert response.url == list_url(account)
    assert Snapshot.objects.filter(account=account, kind=K.START_PAGE).count() == 1
    assert AuditEvent.objects.filter(action="snapshot.upload").count() == 1


def test_auditor_gets_403_for_an_upload(client, media, account, auditor):
    client.force_login(auditor)

    assert client.post(list_url(account), form()).status_code == 403
    assert nothing_written(media)


@pytest.mark.parametrize("which", ["account", "hidden"])
def test_outsider_gets_404_for_an_upload(request, client, media, outsider, which):
    client.force_login(outsider)

    assert client.post(list_url(request.getfixturevalue(which)), form()).status_code == 404
    assert nothing_written(media)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "Upload a PNG, JPEG or WebP image, or a PDF.",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "big.png", "The file is larger than 10 MB."),
        (png()[:40], "cut.png", "The image is damaged or incomplete."),
        (
            one_page_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (x) >>"),
            "page.pdf",
            "The PDF contains active content and cannot be accepted.",
        ),
    ],
    ids=["svg", "11-mb", "truncated", "pdf-javascript"],
)
def test_refused_file_is_shown_as_a_form_error_and_nothing_is_written(
    client, media, account, owner, content, name, message
):
    client.force_login(owner)

    response = client.post(list_url(account), form(content, name))

    assert response.status_code == 200
    assert field_errors(response) == {"file": [message]}
    assert nothing_written(media)


def test_future_date_is_a_form_error(client, media, account, owner):
    client.force_login(owner)

    response = client.post(list_url(account), form(taken_on=(TODAY() + datetime.timedelta(days=1)).isoformat()))

    assert field_errors(response) == {"taken_on": ["The date of the screenshot cannot be in the future."]}
    assert nothing_written(media)


def test_duplicate_is_a_form_error(client, media, account, owner, stored):
    client.force_login(owner)

    response = client.post(list_url(account), form())

    assert field_errors(response) == {"__all__": ["This screenshot is already stored."]}
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize("who", ["owner", "deputy", "comms", "auditor", "manager"])
def test_file_is_served_to_people_with_a_role(request, client, stored, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(file_url(stored))

    assert response.status_code == 200
    with stored.file.open("rb") as f:
        assert b"".join(response.streaming_content) == f.read()


def test_file_is_not_public_even_for_an_active_official_account(client, stored, outsider):
    assert stored.account.status == AccountStatus.ACTIVE
    client.force_login(outsider)

    assert client.get(file_url(stored)).status_code == 404


def test_former_owner_no_longer_gets_the_file(client, stored, owner):
    stored.account.assignments.filter(person=owner, role=Role.OWNER).update(ended_at=timezone.now())
    client.force_login(owner)

    assert client.get(file_url(stored)).status_code == 404


def test_image_is_served_inline_with_protective_headers(client, stored, owner):
    client.force_login(owner)

    response = client.get(file_url(stored))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Disposition"].endswith(f'-start_page-{stored.taken_on}.png"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize("page", ["list", "file", "detail"])
def test_pages_that_show_evidence_are_never_stored_by_a_cache(client, stored, owner, page):
    """Evidence is never kept by a shared cache nor by the browser: the screenshots page, the file
    and the account page (whose panels show evidence) all answer no-store."""
    client.force_login(owner)
    url = {
        "list": list_url(stored.account),
        "file": file_url(stored),
        "detail": reverse("accounts:detail", args=[stored.account.pk]),
    }[page]

    response = client.get(url)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_pdf_is_served_as_a_download(client, media, account, owner):
    snapshot = upload_as(owner, account, pdf(), name="page.pdf")
    client.force_login(owner)

    response = client.get(file_url(snapshot))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_file_view_answers_only_get(client, stored, owner):
    client.force_login(owner)

    assert client.post(file_url(stored)).status_code == 405
