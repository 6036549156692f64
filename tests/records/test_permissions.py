"""Who may do what with an account's records (records.permissions), and what the pages that show
evidence tell caches."""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from records import blocks, consents, disclosure, permissions, services
from records.choices import BlockAction, Category, ConsentForm, InquiryKind
from records.models import Incident, Inquiry, RecordsRequest


def png_file(name="shot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "who, may_record",
    [
        ("owner", True),
        ("deputy", True),
        ("manager", True),
        ("comms", True),
        ("auditor", False),
        ("outsider", False),
    ],
)
def test_owners_deputies_managers_and_comms_record_auditors_only_read(request, evidence_account, who, may_record):
    """CONT-1/2, REC-1..4, MEDIA-1..3: the same people record removed posts, questions, blocks and
    consents, hand them off and enter reference numbers; auditors see the evidence but write nothing."""
    user = request.getfixturevalue(who)
    incident, inquiry = Incident(account=evidence_account), Inquiry(account=evidence_account)
    assert permissions.can_record(user, evidence_account) is may_record
    assert permissions.can_write_blocks(user, evidence_account) is may_record
    assert permissions.can_write_consents(user, evidence_account) is may_record
    for record in (incident, inquiry):
        assert permissions.can_hand_off(user, record) is may_record
        assert permissions.can_set_reference(user, record) is may_record
    assert permissions.can_answer(user, inquiry) is may_record
    assert permissions.can_see_evidence(user, evidence_account) is (who != "outsider")


def test_the_manager_a_criticism_is_routed_to_may_answer_it(evidence_account, owner, manager, outsider):
    """ANS-2: criticism goes to the responsible manager, who may answer it even without recording
    rights on the account; nobody else without them may."""
    inquiry = services.inquiry_log(
        actor=owner,
        account_id=evidence_account.pk,
        received_at=timezone.now(),
        kind=InquiryKind.CRITICISM,
        summary="Kritik",
    )
    assert inquiry.routed_to == manager
    assert permissions.can_answer(owner, inquiry)
    assert permissions.can_answer(manager, inquiry)
    assert not permissions.can_answer(outsider, inquiry)
    inquiry.routed_to = outsider
    assert permissions.can_answer(outsider, inquiry)


@pytest.mark.parametrize(
    "who, may_see, may_handle, may_weed",
    [
        ("comms", True, True, True),
        ("registrar", True, True, False),
        ("auditor", True, False, False),
        ("manager", False, False, False),
        ("outsider", False, False, False),
    ],
)
def test_requests_are_handled_by_comms_and_registrars_read_by_auditors_weeding_for_comms(
    request, who, may_see, may_handle, may_weed
):
    """REC-1, WEED-1/2 (issue 11, defect 3): comms and registrars log, bundle and close requests for
    public records; auditors only read them; only comms weeds."""
    user = request.getfixturevalue(who)
    req = RecordsRequest()
    assert permissions.can_see_requests(user) is may_see
    assert permissions.can_handle_requests(user) is may_handle
    assert permissions.can_make_bundle(user, req) is may_handle
    assert permissions.can_close_request(user, req) is may_handle
    assert permissions.can_weed(user) is may_weed


def test_a_registrar_reads_every_account_and_its_evidence_and_writes_none_of_it(registrar, evidence_account):
    """REC-1: the registrar discloses any account's material, so sees every account and its
    evidence (the weeding page included); records nothing on it and weeds nothing."""
    assert permissions.can_see_evidence(registrar, evidence_account)
    assert not permissions.can_record(registrar, evidence_account)
    assert not permissions.can_write_blocks(registrar, evidence_account)
    assert not permissions.can_weed(registrar)


def test_unit_figures_for_those_who_oversee_the_unit(comms, auditor, manager, owner, evidence_account):
    """ANS-1, RESP-1: the unit's response times for comms, auditors and its managers above."""
    unit = evidence_account.unit
    assert permissions.can_see_unit_figures(comms, unit)
    assert permissions.can_see_unit_figures(auditor, unit)
    assert permissions.can_see_unit_figures(manager, unit)
    assert not permissions.can_see_unit_figures(owner, unit)


def test_an_anonymous_visitor_may_do_nothing(evidence_account):
    nobody = AnonymousUser()
    assert not permissions.can_record(nobody, evidence_account)
    assert not permissions.can_answer(nobody, Inquiry(account=evidence_account))
    assert not permissions.can_see_evidence(nobody, evidence_account)
    assert not permissions.can_see_requests(nobody)
    assert not permissions.can_weed(nobody)


def log_request(actor, account, *, days=0):
    """A request for public records on the account's last `days` days."""
    return disclosure.records_request_log(
        actor=actor,
        received_at=timezone.now(),
        requester="Anonym",
        asked_for="Allt",
        account_ids=[account.pk],
        period_start=timezone.localdate() - datetime.timedelta(days=days),
        period_end=timezone.localdate(),
    )


@pytest.fixture
def evidence(evidence_account, owner, comms):
    """One of every kind of evidence on the account, and a request for public records with a bundle."""
    account = evidence_account
    incident = services.incident_log(
        actor=owner,
        account_id=account.pk,
        seen_at=timezone.now() - datetime.timedelta(hours=2),
        removed_at=timezone.now() - datetime.timedelta(hours=1),
        poster="visitor",
        category=Category.DEFAMATION,
        description="Personangrepp.",
        screenshots=[("removed_post", png_file())],
    )
    blocks.block_record(
        actor=owner,
        account_id=account.pk,
        visitor="@troll",
        action=BlockAction.BLOCK,
        reason=Category.DEFAMATION,
        blocked_at=timezone.now() - datetime.timedelta(hours=1),
    )
    consent = consents.consent_record(
        actor=owner,
        account_id=account.pk,
        subject="Anna",
        form=ConsentForm.ORAL,
        given_on=timezone.localdate(),
        publication="Instagram",
        photographer="Erik",
        credit="Foto: Erik",
        photographer_consents=True,
        document=png_file("samtycke.png"),
    )
    req = log_request(comms, account, days=7)
    disclosure.disclosure_bundle_make(actor=comms, request_id=req.pk)
    return {"account": account, "incident": incident, "consent": consent, "request": req}


def evidence_pages(evidence) -> list[str]:
    account, req = evidence["account"].pk, evidence["request"].pk
    return [
        reverse("records:incidents", args=[account]),
        reverse("records:incident-pdf", args=[account, evidence["incident"].pk]),
        reverse("records:inquiries", args=[account]),
        reverse("records:blocks", args=[account]),
        reverse("records:consents", args=[account]),
        reverse("records:consent-document", args=[evidence["consent"].pk]),
        reverse("records:weeding", args=[account]),
        reverse("records:request-list"),
        reverse("records:request-detail", args=[req]),
        reverse("records:request-bundle", args=[req]),
    ]


def test_no_page_that_shows_evidence_is_stored_by_a_cache(client, comms, evidence):
    """Evidence (removed posts, questions, blocks, consents, requests, weeding, their files and
    PDFs) is never kept by a shared cache or the browser's."""
    client.force_login(comms)
    for url in evidence_pages(evidence):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


def test_a_missing_bundle_is_refused_on_the_page_the_link_was_on(client, comms, evidence_account):
    """The service's refusal (no bundle yet) is shown as a message on the request's page."""
    req = log_request(comms, evidence_account)
    client.force_login(comms)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    detail = reverse("records:request-detail", args=[req.pk])

    response = client.get(reverse("records:request-bundle", args=[req.pk]), HTTP_REFERER=f"http://testserver{detail}")

    assert response.status_code == 302 and response["Location"].endswith(detail)
    page = client.get(detail)
    assert "No disclosure bundle has been made yet." in page.content.decode()
