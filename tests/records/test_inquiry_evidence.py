"""Questions and comments as evidence (issue 15, REC-3/REC-4): screenshots of the post and of KI's
reply through the checked upload, in the registry's PDF with their SHA-256, and the rule
inquiry-unregistered."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Snapshot
from audit.models import AuditEvent
from core.exceptions import ApplicationError
from monitoring.models import Finding
from monitoring.rules import RULES
from monitoring.services import compliance_sweep
from notifications.models import Notification
from records import services
from records.models import Inquiry
from tests.pdf import needs_pdftotext, pdf_text, pdfa_identification
from tests.records.test_services import STHLM, png, setting  # noqa: F401 - the fixture

RULE = "inquiry-unregistered"


def log_question(account, actor, *, kind="criticism", received_at=None, screenshots=(), **extra):
    return services.inquiry_log(
        actor=actor,
        account_id=account.pk,
        received_at=received_at or timezone.now() - datetime.timedelta(hours=1),
        kind=kind,
        summary="Kritik mot antagningen, Łukasz 张伟.",
        screenshots=list(screenshots),
        **extra,
    )


@needs_pdftotext
def test_question_screenshots_go_to_the_registry_in_the_pdf_with_their_sha256(setting, owner, tmp_path):  # noqa: F811
    """REC-3, REC-4: a question logged with a screenshot of the post, answered with one of KI's
    reply; the registry's PDF names both with their SHA-256 and embeds the images."""
    account, manager = setting
    inquiry = log_question(account, owner, screenshots=[("inquiry", png())])
    services.inquiry_answer(
        actor=manager,
        inquiry_id=inquiry.pk,
        answered_at=timezone.now(),
        reply_summary="Prefekten svarade sakligt.",
        reply_screenshot=png("reply.png"),
    )

    shots = {s.kind: s for s in inquiry.evidence.all()}
    assert set(shots) == {"inquiry", "ki_reply"}
    assert all(s.account_id == account.pk and len(s.sha256) == 64 for s in shots.values())
    assert AuditEvent.objects.get(action="inquiry.log").after["screenshots"] == 1
    assert AuditEvent.objects.get(action="inquiry.answer").after["screenshot"] is True
    services.inquiry_hand_off(actor=owner, inquiry_id=inquiry.pk, to="registry")

    data = bytes(Notification.objects.get(kind="inquiry-record").attachment_data)
    path = tmp_path / "fraga.pdf"
    path.write_bytes(data)
    compact = "".join(pdf_text(path).split())
    for snapshot in shots.values():
        assert snapshot.sha256 in compact, snapshot.kind
    assert "Łukasz张伟" in compact
    assert pdfa_identification(data) == ("3", "A")
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) == 3  # the record, then a page per screenshot


def test_a_screenshot_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_written(setting, owner):  # noqa: F811
    """REC-4: the checked upload judges the file by its content; a refusal leaves no question, no
    screenshot and no audit row."""
    account, _manager = setting
    fake = SimpleUploadedFile("shot.png", b"<html>not an image</html>", content_type="image/png")

    with pytest.raises(ApplicationError):
        log_question(account, owner, screenshots=[("inquiry", fake)])

    assert not Inquiry.objects.exists() and not Snapshot.objects.exists() and not AuditEvent.objects.exists()


def test_a_question_screenshot_of_another_kind_is_refused(setting, owner):  # noqa: F811
    """REC-4: a question's screenshots are of the post or of KI's reply, not a start page."""
    account, _manager = setting
    with pytest.raises(ApplicationError):
        log_question(account, owner, screenshots=[("start_page", png())])
    assert not Inquiry.objects.exists()


def test_inquiry_unregistered_after_two_working_days_until_handed_off(setting, owner):  # noqa: F811
    """REC-3, REC-4: rule inquiry-unregistered: a question marked for registration, not handed off
    two working days after it arrived (Stockholm working days); a plain question never counts."""
    account, _manager = setting
    received = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=STHLM)  # a Monday
    marked = log_question(account, owner, kind="question", received_at=received, needs_registration=True)
    log_question(account, owner, kind="question", received_at=received)  # not to be registered
    rule = RULES[RULE]
    assert rule.violators(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=STHLM)) == set()
    assert rule.violators(datetime.datetime(2026, 11, 19, 12, 0, tzinfo=STHLM)) == {account.pk}
    services.inquiry_hand_off(actor=owner, inquiry_id=marked.pk, to="archive")
    assert rule.violators(datetime.datetime(2026, 11, 19, 12, 0, tzinfo=STHLM)) == set()


def test_holidays_do_not_count_and_routed_criticism_counts(setting, owner):  # noqa: F811
    """REC-3, REC-4, ANS-2: criticism routed to the manager counts; received on the Thursday before
    Midsummer Eve, its two working days are Monday and Tuesday."""
    account, manager = setting
    received = datetime.datetime(2026, 6, 18, 10, 0, tzinfo=STHLM)  # Thursday; Friday is Midsummer Eve
    inquiry = log_question(account, owner, received_at=received)
    assert inquiry.routed_to == manager
    Inquiry.objects.filter(pk=inquiry.pk).update(needs_registration=False)  # routed alone still counts
    rule = RULES[RULE]
    assert rule.violators(datetime.datetime(2026, 6, 23, 12, 0, tzinfo=STHLM)) == set()  # Tuesday
    assert rule.violators(datetime.datetime(2026, 6, 24, 12, 0, tzinfo=STHLM)) == {account.pk}  # Wednesday


def test_the_sweep_opens_and_resolves_inquiry_unregistered(setting, owner):  # noqa: F811
    """REC-3, REC-4: the compliance sweep opens the finding and resolves it once the record is handed off."""
    account, _manager = setting
    inquiry = log_question(account, owner, received_at=timezone.now() - datetime.timedelta(days=10))
    compliance_sweep()
    assert Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()

    services.inquiry_hand_off(actor=owner, inquiry_id=inquiry.pk, to="archive")
    compliance_sweep()
    assert not Finding.objects.filter(account=account, rule=RULE, resolved_at__isnull=True).exists()


def test_the_question_page_takes_and_shows_the_screenshots(client, setting, owner):  # noqa: F811
    """REC-3, REC-4: the form on the account's question page uploads the screenshot; the list links it."""
    account, _manager = setting
    client.force_login(owner)
    url = reverse("records:inquiries", args=[account.pk])
    local = timezone.localtime(timezone.now() - datetime.timedelta(hours=1), STHLM)
    response = client.post(
        url,
        {
            "received_at": local.strftime("%Y-%m-%dT%H:%M"),
            "kind": "question",
            "summary": "Fråga om antagning",
            "needs_registration": "on",
            "post_screenshot": png(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    snapshot = Inquiry.objects.get().evidence.get()
    assert snapshot.kind == "inquiry"
    page = client.get(url).content.decode()
    assert reverse("snapshots:file", args=[snapshot.pk]) in page
    assert 'enctype="multipart/form-data"' in page


def test_inquiry_unregistered_is_in_the_compliance_reports_findings_by_rule(setting, owner, comms):  # noqa: F811
    """REC-3, REC-4: an open inquiry-unregistered finding is counted, with its clauses, in the
    compliance report's open findings by rule."""
    from org.calendar import local_day
    from reports.compliance import ComplianceReport, Period

    account, _manager = setting
    log_question(account, owner, received_at=timezone.now() - datetime.timedelta(days=10))
    compliance_sweep()
    today = local_day(timezone.now())
    report = ComplianceReport(user=comms, unit=None, period=Period(today - datetime.timedelta(days=30), today))
    report.materialise()

    assert (RULE, "REC-3, REC-4", 1) in report.open_findings_by_rule()


def test_the_question_record_pdf_is_an_audited_private_download(client, setting, owner, outsider):  # noqa: F811
    """REC-3, REC-4: the question's record, with its screenshots, is downloaded from its account's
    question page by those who may see the evidence (audited, never cached); 404 for others."""
    account, _manager = setting
    inquiry = log_question(account, owner, screenshots=[("inquiry", png())])
    url = reverse("records:inquiry-pdf", args=[account.pk, inquiry.pk])
    client.force_login(owner)
    assert url in client.get(reverse("records:inquiries", args=[account.pk])).content.decode()

    response = client.get(url)

    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="inquiry.export", actor=owner).count() == 1
    client.force_login(outsider)
    assert client.get(url).status_code == 404
