"""The media consent register (MEDIA-1..3) with its written-consent documents, and the visitor
notice (INF-1)."""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.choices import AccountStatus
from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from records import consents
from records.choices import ConsentForm
from records.models import MediaConsent
from records.visitor_notice import VISITOR_NOTICE_EN, VISITOR_NOTICE_SV, visitor_notice
from tests import factories
from tests.pdf import one_page_pdf, review_bypass_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TODAY = timezone.localdate


def pdf() -> bytes:
    return one_page_pdf()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(out, "PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def upload(content: bytes, name: str = "samtycke.pdf", content_type="application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> set[Path]:
    """Every file under the (temporary, session-wide) MEDIA_ROOT's consent folder."""
    root = Path(settings.MEDIA_ROOT) / "consents"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def client(client):
    """The pages in English: the locale middleware would otherwise switch to Swedish for the request."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def account(evidence_account):
    """An active official account: every logged-in user sees it, but not its consent register."""
    return evidence_account


def record(actor, account, **overrides) -> MediaConsent:
    data = {
        "subject": "Anna Andersson",
        "form": ConsentForm.ORAL,
        "given_on": TODAY(),
        "publication": "Instagram, inlägg om Nobeldagen",
        "photographer": "Erik Fotograf",
        "credit": "Foto: Erik Fotograf",
        "photographer_consents": True,
        **overrides,
    }
    return consents.consent_record(actor=actor, account_id=account.pk, **data)


# The service


def test_recording_a_consent_stores_it_and_writes_an_audit_row_without_the_person(account, owner):
    """MEDIA-1, MEDIA-3: who consented, how, when, to what, and the photographer's credit and consent.
    The audit row (shown to everyone who sees the account) names the consent by id only."""
    consent = record(owner, account)

    consent.refresh_from_db()
    assert (consent.subject, consent.form, consent.photographer_consents, consent.recorded_by) == (
        "Anna Andersson",
        "oral",
        True,
        owner,
    )
    assert not consent.document and consent.document_sha256 == ""
    event = AuditEvent.objects.for_object(account).get(action="consent.record")
    assert event.after == {
        "consent": consent.pk,
        "form": "oral",
        "given_on": TODAY().isoformat(),
        "document_sha256": None,
    }


def test_a_group_informed_with_a_chance_to_object_is_recorded(account, owner):
    """MEDIA-2: where many people appear, they are informed and can object."""
    consent = record(owner, account, subject="Publiken vid föreläsningen", form=ConsentForm.GROUP_INFORMED)

    assert consent.get_form_display() == "Group informed, with a chance to object"


def test_without_the_photographers_consent_nothing_is_written(account, owner):
    """MEDIA-3: the photographer has agreed to publication in social media; otherwise refused."""
    before = stored_files()

    with pytest.raises(ApplicationError, match=r"photographer must agree .* \(MEDIA-3\)"):
        record(owner, account, photographer_consents=False, form=ConsentForm.WRITTEN, document=upload(pdf()))

    assert not MediaConsent.objects.exists() and not AuditEvent.objects.exists()
    assert stored_files() == before


def test_a_consent_must_say_how_the_photographer_is_credited(account, owner):
    """MEDIA-3: credited unless agreed otherwise, so the register says which."""
    with pytest.raises(ApplicationError, match="credited"):
        record(owner, account, credit="  ")

    assert not MediaConsent.objects.exists()


def test_a_consent_dated_in_the_future_is_refused(account, owner):
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        record(owner, account, given_on=TODAY() + datetime.timedelta(days=1))

    assert not MediaConsent.objects.exists()


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_auditor_and_outsider_cannot_record_a_consent(request, account, who):
    with pytest.raises(NotAllowed):
        record(request.getfixturevalue(who), account)

    assert not MediaConsent.objects.exists() and not AuditEvent.objects.exists()


def test_a_written_consent_pdf_is_stored_as_it_is_under_its_sha256(account, owner):
    content = pdf()
    sha = hashlib.sha256(content).hexdigest()

    consent = record(owner, account, form=ConsentForm.WRITTEN, document=upload(content, "../../x.pdf"))

    consent.refresh_from_db()
    assert (consent.document_sha256, consent.document_extension) == (sha, "pdf")
    assert consent.document.name.startswith(f"consents/{account.pk}/{sha}")
    assert consent.document.name.endswith(".pdf") and ".." not in consent.document.name
    with consent.document.open("rb") as f:
        assert f.read() == content
    assert AuditEvent.objects.get(action="consent.record").after["document_sha256"] == sha


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (SVG, "samtycke.svg", "Upload a PNG, JPEG or WebP image, or a PDF."),
        (review_bypass_pdf(), "samtycke.pdf", "The PDF contains active content and cannot be accepted."),
    ],
    ids=["svg", "pdf-with-javascript"],
)
def test_a_hostile_document_is_refused_by_the_service_and_nothing_is_written(account, owner, content, name, message):
    """The consent document goes through the upload check (issue 11, defect 2: the PDF check's bypass)."""
    before = stored_files()

    with pytest.raises(ApplicationError) as exc:
        record(owner, account, form=ConsentForm.WRITTEN, document=upload(content, name))

    assert exc.value.message == message
    assert not MediaConsent.objects.exists() and not AuditEvent.objects.exists()
    assert stored_files() == before


# The pages


def list_url(account) -> str:
    return reverse("records:consents", args=[account.pk])


def document_url(consent) -> str:
    return reverse("records:consent-document", args=[consent.pk])


def form_data(**overrides) -> dict:
    return {
        "subject": "Anna Andersson",
        "consent_form": ConsentForm.WRITTEN,
        "given_on": TODAY().isoformat(),
        "publication": "Instagram, inlägg om Nobeldagen",
        "photographer": "Erik Fotograf",
        "credit": "Foto: Erik Fotograf",
        "photographer_consents": "on",
        **overrides,
    }


@pytest.fixture
def written(account, owner) -> MediaConsent:
    return record(owner, account, form=ConsentForm.WRITTEN, document=upload(pdf()))


def test_anonymous_is_sent_to_log_in(client, account, written):
    for url in (list_url(account), document_url(written), reverse("records:visitor-notice", args=[account.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_outsider_gets_404_for_the_register_and_the_document_of_a_public_account(client, account, written, outsider):
    """The register names people and its documents are evidence: never shown to other staff."""
    client.force_login(outsider)

    assert client.get(list_url(account)).status_code == 404
    assert client.post(list_url(account), form_data()).status_code == 404
    assert client.get(document_url(written)).status_code == 404
    assert MediaConsent.objects.count() == 1


@pytest.mark.parametrize("who", ["owner", "deputy", "manager", "comms", "auditor"])
def test_evidence_viewers_see_the_register_and_get_the_document(request, client, account, written, who):
    client.force_login(request.getfixturevalue(who))

    page = client.get(list_url(account))
    assert page.status_code == 200
    assert list(page.context["consents"]) == [written]
    assert page.context["can_write"] is (who != "auditor")
    assert document_url(written) in page.content.decode()

    response = client.get(document_url(written))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_image_document_is_shown_inline(client, account, owner):
    consent = record(owner, account, form=ConsentForm.WRITTEN, document=upload(png(), "s.png", "image/png"))
    client.force_login(owner)

    response = client.get(document_url(consent))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")


def test_a_consent_without_a_document_has_no_document_page(client, account, owner):
    consent = record(owner, account)
    client.force_login(owner)

    assert client.get(document_url(consent)).status_code == 404


def test_auditor_cannot_record_through_the_page(client, account, auditor):
    client.force_login(auditor)

    assert client.post(list_url(account), form_data()).status_code == 403
    assert not MediaConsent.objects.exists()


def test_the_owner_records_a_written_consent_with_its_pdf(client, account, owner):
    client.force_login(owner)

    response = client.post(list_url(account), {**form_data(), "document": upload(pdf())})

    assert response.status_code == 302 and response.url == list_url(account)
    consent = MediaConsent.objects.get()
    assert (consent.form, consent.document_sha256) == ("written", hashlib.sha256(pdf()).hexdigest())


def test_the_form_refuses_without_the_photographers_consent(client, account, owner):
    """MEDIA-3: a clear message on the form, and nothing written."""
    client.force_login(owner)
    before = stored_files()
    data = form_data()
    del data["photographer_consents"]  # the box left unticked

    response = client.post(list_url(account), {**data, "document": upload(pdf())})

    assert response.status_code == 200
    assert response.context["form"].errors["photographer_consents"] == [
        "The photographer must agree to publication in social media before the picture is published (MEDIA-3)."
    ]
    assert not MediaConsent.objects.exists() and stored_files() == before


def test_the_form_refuses_an_svg_document_and_writes_nothing(client, account, owner):
    client.force_login(owner)
    before = stored_files()

    response = client.post(list_url(account), {**form_data(), "document": upload(SVG, "samtycke.svg", "image/svg+xml")})

    assert response.status_code == 200
    assert response.context["form"].errors["document"] == ["Upload a PNG, JPEG or WebP image, or a PDF."]
    assert not MediaConsent.objects.exists() and not AuditEvent.objects.exists()
    assert stored_files() == before


# The visitor notice (INF-1)


def test_the_notice_is_given_in_swedish_and_english():
    assert visitor_notice() == {"sv": VISITOR_NOTICE_SV, "en": VISITOR_NOTICE_EN}
    assert VISITOR_NOTICE_SV.startswith("Karolinska Institutet står bakom kontot.")
    assert "allmänna handlingar" in VISITOR_NOTICE_SV and "public records" in VISITOR_NOTICE_EN


def test_the_notice_page_shows_both_texts_to_copy(client, account, outsider):
    """INF-1: any user who sees the account gets the texts in read-only boxes with labels."""
    client.force_login(outsider)

    response = client.get(reverse("records:visitor-notice", args=[account.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for code, text in (("sv", VISITOR_NOTICE_SV), ("en", VISITOR_NOTICE_EN)):
        assert f'<label class="form-label" for="notice-{code}">' in html
        assert f'id="notice-{code}" lang="{code}" rows="4" readonly' in html
        assert f">{text}</textarea>" in html


def test_the_notice_page_is_404_for_an_account_the_user_cannot_see(client, outsider):
    hidden = factories.staffed_account(status=AccountStatus.DECOMMISSIONED)
    client.force_login(outsider)

    assert client.get(reverse("records:visitor-notice", args=[hidden.pk])).status_code == 404
