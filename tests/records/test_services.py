import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from core.exceptions import ApplicationError, NotAllowed
from monitoring.rules import RULES
from notifications.models import Notification
from org.calendar import answer_due
from records import services
from records.models import Incident, Inquiry
from tests import factories

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def setting(db, owner):
    """A department with a manager and a registry, and an account kept by the owner."""
    manager = factories.UserFactory(username="prefekt")
    department = factories.UnitFactory(name="Institutionen", manager=manager, registry_email="registrator@ki.se")
    division = factories.UnitFactory(name="Avdelningen", parent=department)
    account = factories.SocialAccountFactory(unit=division)
    factories.AssignmentFactory(account=account, person=owner)
    return account, manager


def png(name="shot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def log_incident(account, actor, *, removed_at=None, screenshots=True):
    removed_at = removed_at or timezone.now() - datetime.timedelta(hours=1)
    return services.incident_log(
        actor=actor,
        account_id=account.pk,
        seen_at=removed_at - datetime.timedelta(minutes=30),
        removed_at=removed_at,
        poster="visitor",
        category="c_defamation",
        description="Personangrepp i kommentar.",
        screenshots=[("removed_post", png()), ("ki_reply", png("reply.png"))] if screenshots else [],
    )


def test_logging_a_question_stores_its_due_time_by_the_working_day_rule(setting, owner):
    """ANS-1: a question received on a Friday afternoon is due on Monday at the same time."""
    account, _manager = setting
    received = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=STHLM)  # a Friday
    inquiry = services.inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=received,
        kind="question",
        summary="Hur söker man till forskarutbildningen?",
    )
    assert inquiry.due_at == answer_due(received) == datetime.datetime(2026, 11, 23, 15, 0, tzinfo=STHLM)
    assert AuditEvent.objects.filter(action="inquiry.log").count() == 1
    assert not Notification.objects.exists()


def test_criticism_is_routed_to_the_responsible_manager_who_is_told(setting, owner):
    """ANS-2: criticism of KI's activities goes to the responsible manager (the nearest up the tree)."""
    account, manager = setting
    inquiry = services.inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=timezone.now(),
        kind="criticism",
        summary="Kritik mot antagningen.",
    )
    assert inquiry.routed_to == manager and inquiry.needs_registration
    assert list(Notification.objects.values_list("to_email", "kind")) == [(manager.email, "inquiry-criticism")]


def test_a_user_who_does_not_keep_the_account_cannot_log_questions(setting, outsider):
    """Only the keepers, responsible managers and comms record moderation; nothing is written."""
    account, _manager = setting
    with pytest.raises(NotAllowed):
        services.inquiry_log(
            actor=outsider, account_id=account.pk, received_at=timezone.now(), kind="question", summary="x"
        )
    assert not Inquiry.objects.exists() and not AuditEvent.objects.exists()


def test_answering_records_the_time_and_whether_it_kept_the_rule(setting, owner):
    """ANS-1, ANS-3: the answer's time and a summary are kept; answering twice is refused."""
    account, _manager = setting
    received = timezone.now() - datetime.timedelta(hours=2)
    inquiry = services.inquiry_log(
        actor=owner, account_id=account.pk, received_at=received, kind="question", summary="Fråga"
    )
    services.inquiry_answer(
        actor=owner, inquiry_id=inquiry.pk, answered_at=timezone.now(), reply_summary="Svarade med länk till ki.se."
    )
    inquiry.refresh_from_db()
    assert inquiry.answered_by == owner
    assert AuditEvent.objects.get(action="inquiry.answer").after["within_rule"] is True
    with pytest.raises(ApplicationError):
        services.inquiry_answer(actor=owner, inquiry_id=inquiry.pk, answered_at=timezone.now(), reply_summary="Igen")


def test_an_answer_before_the_question_is_refused(setting, owner):
    """ANS-1: the answer cannot precede the question; nothing changes."""
    account, _manager = setting
    inquiry = services.inquiry_log(
        actor=owner, account_id=account.pk, received_at=timezone.now(), kind="question", summary="Fråga"
    )
    with pytest.raises(ApplicationError):
        services.inquiry_answer(
            actor=owner,
            inquiry_id=inquiry.pk,
            answered_at=inquiry.received_at - datetime.timedelta(hours=1),
            reply_summary="x",
        )
    inquiry.refresh_from_db()
    assert inquiry.answered_at is None


def test_inquiry_overdue_flags_only_unanswered_questions_past_due(setting, owner):
    """ANS-1: rule inquiry-overdue."""
    account, _manager = setting
    now = timezone.now()
    inquiry = services.inquiry_log(
        actor=owner, account_id=account.pk, received_at=now, kind="question", summary="Fråga"
    )
    rule = RULES["inquiry-overdue"]
    assert rule.violators(now) == set()
    assert rule.violators(inquiry.due_at + datetime.timedelta(minutes=1)) == {account.pk}
    services.inquiry_answer(actor=owner, inquiry_id=inquiry.pk, answered_at=now, reply_summary="Svar")
    assert rule.violators(inquiry.due_at + datetime.timedelta(minutes=1)) == set()


def test_logging_a_removed_post_keeps_both_screenshots_as_evidence(setting, owner):
    """CONT-2, REC-4: the post and KI's reply are screenshotted, dated and kept with their SHA-256."""
    account, _manager = setting
    incident = log_incident(account, owner)
    kinds = sorted(incident.evidence.values_list("kind", flat=True))
    assert kinds == ["ki_reply", "removed_post"]
    assert all(len(s.sha256) == 64 for s in incident.evidence.all())
    assert AuditEvent.objects.filter(action="incident.log").count() == 1


def test_a_removal_before_it_was_seen_is_refused_and_nothing_is_written(setting, owner):
    """CONT-2: the times must make sense; a refused record writes nothing."""
    account, _manager = setting
    now = timezone.now()
    with pytest.raises(ApplicationError):
        services.incident_log(
            actor=owner,
            account_id=account.pk,
            seen_at=now,
            removed_at=now - datetime.timedelta(hours=1),
            poster="visitor",
            category="a_personal_data",
            description="x",
        )
    assert not Incident.objects.exists()


def test_handing_off_sends_the_dated_pdf_to_the_nearest_registry(setting, owner):
    """CONT-2, REC-4: the record with its screenshots goes to the registry of the unit (or the
    nearest above), as a PDF."""
    account, _manager = setting
    incident = log_incident(account, owner)
    services.incident_hand_off(actor=owner, incident_id=incident.pk, to="registry")
    incident.refresh_from_db()
    assert incident.hand_off == "registry" and incident.registry_email == "registrator@ki.se"
    mail = Notification.objects.get(kind="incident-record")
    assert mail.to_email == "registrator@ki.se"
    assert bytes(mail.attachment_data).startswith(b"%PDF")
    with pytest.raises(ApplicationError):
        services.incident_hand_off(actor=owner, incident_id=incident.pk, to="archive")


def test_a_record_without_screenshots_cannot_be_handed_off(setting, owner):
    """REC-4: the screenshot comes first."""
    account, _manager = setting
    incident = log_incident(account, owner, screenshots=False)
    with pytest.raises(ApplicationError):
        services.incident_hand_off(actor=owner, incident_id=incident.pk, to="archive")
    incident.refresh_from_db()
    assert incident.hand_off == ""


def test_incident_unregistered_after_two_working_days_until_handed_off(setting, owner):
    """CONT-2, REC-3, REC-4: rule incident-unregistered, with two working days' grace."""
    account, _manager = setting
    # Removed on Monday 2026-11-16; Wednesday is within two working days, Thursday is not.
    removed = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=STHLM)
    incident = log_incident(account, owner, removed_at=removed)
    rule = RULES["incident-unregistered"]
    assert rule.violators(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=STHLM)) == set()
    assert rule.violators(datetime.datetime(2026, 11, 19, 12, 0, tzinfo=STHLM)) == {account.pk}
    services.incident_hand_off(actor=owner, incident_id=incident.pk, to="archive")
    assert rule.violators(datetime.datetime(2026, 11, 19, 12, 0, tzinfo=STHLM)) == set()


def test_the_registry_reference_number_is_recorded(setting, owner):
    """REC-4: the registry's reference number (diarienummer) is entered when it comes back."""
    account, _manager = setting
    incident = log_incident(account, owner)
    services.incident_hand_off(actor=owner, incident_id=incident.pk, to="registry")
    services.incident_reference_set(actor=owner, incident_id=incident.pk, reference="1-234/2026")
    incident.refresh_from_db()
    assert incident.registry_reference == "1-234/2026"
    assert AuditEvent.objects.filter(action="incident.registry_reference").count() == 1


def test_a_question_that_requires_action_is_registered_with_its_reply(setting, owner):
    """REC-3, REC-4: criticism is registered: the dated record with KI's reply goes to the registry."""
    account, manager = setting
    inquiry = services.inquiry_log(
        actor=owner,
        account_id=account.pk,
        received_at=timezone.now(),
        kind="criticism",
        summary="Kritik mot antagningen.",
    )
    services.inquiry_answer(
        actor=manager, inquiry_id=inquiry.pk, answered_at=timezone.now(), reply_summary="Prefekten svarade sakligt."
    )
    services.inquiry_hand_off(actor=owner, inquiry_id=inquiry.pk, to="registry")
    inquiry.refresh_from_db()
    assert inquiry.hand_off == "registry" and inquiry.registry_email == "registrator@ki.se"
    mail = Notification.objects.get(kind="inquiry-record")
    assert mail.to_email == "registrator@ki.se" and bytes(mail.attachment_data).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="inquiry.hand_off").count() == 1
    with pytest.raises(ApplicationError):
        services.inquiry_hand_off(actor=owner, inquiry_id=inquiry.pk, to="archive")


def test_the_reference_number_of_a_registered_question_is_recorded(setting, owner):
    """REC-4: the registry's reference number is entered when it comes back; not before the
    record was sent to the registry."""
    account, _manager = setting
    inquiry = services.inquiry_log(
        actor=owner, account_id=account.pk, received_at=timezone.now(), kind="complaint", summary="Klagomål."
    )
    with pytest.raises(ApplicationError):
        services.inquiry_reference_set(actor=owner, inquiry_id=inquiry.pk, reference="1-1/2026")
    services.inquiry_hand_off(actor=owner, inquiry_id=inquiry.pk, to="registry")
    services.inquiry_reference_set(actor=owner, inquiry_id=inquiry.pk, reference="1-99/2026")
    inquiry.refresh_from_db()
    assert inquiry.registry_reference == "1-99/2026"
    assert AuditEvent.objects.filter(action="inquiry.registry_reference").count() == 1
