"""Removed posts (CONT-1/2, REC-3/4) and questions and comments (ANS-1..3, REC-2/3)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.choices import SnapshotKind
from accounts.models import SocialAccount
from accounts.selectors import registry_email_for
from accounts.services import account_managers
from accounts.snapshots import snapshot_upload
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from notifications.services import notification_queue
from org.calendar import answer_due
from records import permissions
from records.choices import HandOff, InquiryKind
from records.models import Incident, Inquiry
from records.pdf import incident_record_pdf, inquiry_record_pdf

NOT_A_RECORDER = gettext_lazy(
    "Only the account's owner, its deputy, a responsible manager or the communications department may do this."
)
EVIDENCE_KINDS = (SnapshotKind.REMOVED_POST, SnapshotKind.KI_REPLY)
# A question or comment's screenshots: of the post, and of KI's reply (REC-3, REC-4).
INQUIRY_EVIDENCE_KINDS = (SnapshotKind.INQUIRY, SnapshotKind.KI_REPLY)


def _lock_account(account_id: int) -> SocialAccount:
    return SocialAccount.objects.select_for_update(of=("self",)).select_related("unit", "platform").get(pk=account_id)


def _attach_screenshots(*, actor, record, screenshots, kinds, refusal, note: str) -> None:
    """Store each (kind, file) through the checked upload (accounts.snapshots.snapshot_upload:
    type by content, size, pixels, metadata removed, SHA-256) and add it to the record's evidence.
    Any refusal raises, and the caller's transaction leaves nothing behind."""
    if any(kind not in kinds for kind, _file in screenshots):
        raise ApplicationError(refusal)
    for kind, uploaded in screenshots:
        snapshot = snapshot_upload(
            actor=actor,
            account_id=record.account_id,
            kind=kind,
            taken_on=timezone.localdate(),
            uploaded_file=uploaded,
            note=note,
        )
        record.evidence.add(snapshot)


@transaction.atomic
def incident_log(
    *,
    actor,
    account_id: int,
    seen_at: datetime.datetime,
    removed_at: datetime.datetime,
    poster: str,
    category: str,
    description: str,
    link: str = "",
    screenshots: list[tuple[str, object]] = (),
) -> Incident:
    """Log a removed post with its dated screenshots (CONT-2, REC-4): each screenshot goes through
    the checked upload. Removal is not disposal: the evidence is kept."""
    account = _lock_account(account_id)
    if not permissions.can_record(actor, account):
        raise NotAllowed(NOT_A_RECORDER)
    now = timezone.now()
    if removed_at < seen_at:
        raise ApplicationError(_("A post cannot be removed before it was seen."))
    if removed_at > now + datetime.timedelta(minutes=5):
        raise ApplicationError(_("The removal cannot be in the future."))
    incident = Incident(
        account=account,
        seen_at=seen_at,
        removed_at=removed_at,
        poster=poster,
        category=category,
        description=description.strip(),
        link=link,
        logged_by=actor,
        logged_by_repr=str(actor),
    )
    incident.full_clean(exclude=["evidence"])
    incident.save()
    _attach_screenshots(
        actor=actor,
        record=incident,
        screenshots=screenshots,
        kinds=EVIDENCE_KINDS,
        refusal=_("A screenshot of a removed post is of the post or of KI's reply."),
        note=_("Removed post %(n)s") % {"n": incident.pk},
    )
    audit_record(
        actor=actor,
        target=account,
        action="incident.log",
        after={"incident": incident.pk, "category": category, "screenshots": len(screenshots)},
    )
    return incident


@transaction.atomic
def inquiry_log(
    *,
    actor,
    account_id: int,
    received_at: datetime.datetime,
    kind: str,
    summary: str,
    link: str = "",
    needs_registration: bool = False,
    screenshots: list[tuple[str, object]] = (),
) -> Inquiry:
    """Log a question or comment that needs action. Its due time follows ANS-1 (org.calendar.
    answer_due). Criticism of KI's activities is routed to the responsible manager (ANS-2), who
    is told. Screenshots of the post (and of KI's reply) go through the checked upload and into
    the registry's record (REC-3, REC-4)."""
    account = _lock_account(account_id)
    if not permissions.can_record(actor, account):
        raise NotAllowed(NOT_A_RECORDER)
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ApplicationError(_("The time received cannot be in the future."))
    if not summary.strip():
        raise ApplicationError(_("Summarise the question or comment."))
    manager = account_managers(account)[:1]
    inquiry = Inquiry.objects.create(
        account=account,
        received_at=received_at,
        due_at=answer_due(received_at),
        kind=kind,
        summary=summary.strip(),
        link=link,
        needs_registration=needs_registration or kind in (InquiryKind.CRITICISM, InquiryKind.COMPLAINT),
        routed_to=manager[0] if kind == InquiryKind.CRITICISM and manager else None,
        logged_by=actor,
    )
    _attach_inquiry_screenshots(actor=actor, inquiry=inquiry, screenshots=screenshots)
    audit_record(
        actor=actor,
        target=account,
        action="inquiry.log",
        after={"inquiry": inquiry.pk, "kind": kind, "due_at": inquiry.due_at, "screenshots": len(screenshots)},
    )
    if inquiry.routed_to:
        notification_queue(
            template="inquiry-criticism",
            dedupe_key=f"inquiry:{inquiry.pk}:routed",
            recipient=inquiry.routed_to,
            context={"inquiry": inquiry, "account": account},
            link=reverse("accounts:detail", args=[account.pk]),
        )
    return inquiry


def _attach_inquiry_screenshots(*, actor, inquiry: Inquiry, screenshots) -> None:
    _attach_screenshots(
        actor=actor,
        record=inquiry,
        screenshots=screenshots,
        kinds=INQUIRY_EVIDENCE_KINDS,
        refusal=_("A screenshot of a question is of the post or of KI's reply."),
        note=_("Question or comment %(n)s") % {"n": inquiry.pk},
    )


@transaction.atomic
def inquiry_answer(
    *, actor, inquiry_id: int, answered_at: datetime.datetime, reply_summary: str, reply_screenshot=None
) -> Inquiry:
    """Record when and how a question or comment was answered (ANS-1, ANS-3), with a screenshot
    of KI's reply if there is one (REC-4: it goes to the registry with the record)."""
    inquiry = Inquiry.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=inquiry_id)
    account = inquiry.account
    if not permissions.can_answer(actor, inquiry):
        raise NotAllowed(NOT_A_RECORDER)
    if inquiry.answered_at is not None:
        raise ApplicationError(_("This question has already been answered."))
    if answered_at < inquiry.received_at:
        raise ApplicationError(_("The answer cannot come before the question."))
    if answered_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ApplicationError(_("The time answered cannot be in the future."))
    if not reply_summary.strip():
        raise ApplicationError(_("Summarise the reply."))
    inquiry.answered_at, inquiry.reply_summary, inquiry.answered_by = answered_at, reply_summary.strip(), actor
    inquiry.save(update_fields=["answered_at", "reply_summary", "answered_by", "updated_at"])
    if reply_screenshot is not None:
        _attach_inquiry_screenshots(
            actor=actor, inquiry=inquiry, screenshots=[(SnapshotKind.KI_REPLY, reply_screenshot)]
        )
    audit_record(
        actor=actor,
        target=account,
        action="inquiry.answer",
        after={
            "inquiry": inquiry.pk,
            "answered_at": answered_at,
            "within_rule": answered_at <= inquiry.due_at,
            "screenshot": reply_screenshot is not None,
        },
    )
    return inquiry


def _record_export(*, actor, model, pk: int, language: str) -> bytes:
    name, _template, _stem, render_pdf, _page = _RECORDS[model]
    record = model.objects.select_related("account__unit", "account__platform").get(pk=pk)
    pdf = render_pdf(record, language=language)
    audit_record(actor=actor, target=record.account, action=f"{name}.export", after={name: record.pk})
    return pdf


def incident_record_export(*, actor, incident_id: int, language: str = "sv") -> bytes:
    """The record PDF of a removed post for someone who may see the evidence; exporting it is a
    governance act, so it is audited."""
    return _record_export(actor=actor, model=Incident, pk=incident_id, language=language)


def inquiry_record_export(*, actor, inquiry_id: int, language: str = "sv") -> bytes:
    """The record PDF of a question or comment, with its screenshots (REC-3, REC-4); audited."""
    return _record_export(actor=actor, model=Inquiry, pk=inquiry_id, language=language)


# Removed posts and questions that require action are registered the same way (CONT-2, REC-3,
# REC-4): the record as a dated PDF to the registry of the account's unit (or the nearest above),
# or kept in the portal's archive; then the registry's reference number.
_RECORDS = {
    Incident: ("incident", "incident-record", "borttaget-inlagg", incident_record_pdf, "records:incidents"),
    Inquiry: ("inquiry", "inquiry-record", "fraga", inquiry_record_pdf, "records:inquiries"),
}


def _lock_record(model, pk: int):
    return model.objects.select_for_update(of=("self",)).select_related("account__unit", "account__platform").get(pk=pk)


def _hand_off(*, actor, record, to: str):
    name, template, file_stem, render_pdf, page = _RECORDS[type(record)]
    account = record.account
    if not permissions.can_hand_off(actor, record):
        raise NotAllowed(NOT_A_RECORDER)
    if record.hand_off:
        raise ApplicationError(_("This record has already been handed off."))
    if to == HandOff.REGISTRY:
        address = registry_email_for(account)
        if not address:
            raise ApplicationError(_("The unit has no registry address; keep the record in the archive instead."))
        notification_queue(
            template=template,
            dedupe_key=f"{name}:{record.pk}:registry",
            to_email=address,
            language="sv",
            context={name: record, "account": account},
            attachment=(f"{file_stem}-{record.pk}.pdf", "application/pdf", render_pdf(record, language="sv")),
            link=reverse(page, args=[account.pk]),
        )
        record.registry_email = address
    elif to != HandOff.ARCHIVE:
        raise ApplicationError(_("Choose the registry or the archive."))
    record.hand_off, record.handed_off_at = to, timezone.now()
    record.save(update_fields=["hand_off", "handed_off_at", "registry_email", "updated_at"])
    audit_record(
        actor=actor,
        target=account,
        action=f"{name}.hand_off",
        after={name: record.pk, "to": to, "registry": record.registry_email},
    )
    return record


def _reference_set(*, actor, record, reference: str):
    name = _RECORDS[type(record)][0]
    if not permissions.can_set_reference(actor, record):
        raise NotAllowed(NOT_A_RECORDER)
    if record.hand_off != HandOff.REGISTRY:
        raise ApplicationError(_("Send the record to the registry first."))
    if not reference.strip():
        raise ApplicationError(_("Enter the reference number."))
    before = record.registry_reference
    record.registry_reference = reference.strip()
    record.save(update_fields=["registry_reference", "updated_at"])
    audit_record(
        actor=actor,
        target=record.account,
        action=f"{name}.registry_reference",
        before={"registry_reference": before},
        after={"registry_reference": record.registry_reference, name: record.pk},
    )
    return record


@transaction.atomic
def incident_hand_off(*, actor, incident_id: int, to: str) -> Incident:
    """Hand the record of a removed post, with its screenshots, to the registry or the archive."""
    incident = _lock_record(Incident, incident_id)
    if permissions.can_hand_off(actor, incident) and not incident.evidence.exists():
        raise ApplicationError(_("Add a screenshot of the removed post first (REC-4)."))
    return _hand_off(actor=actor, record=incident, to=to)


@transaction.atomic
def incident_reference_set(*, actor, incident_id: int, reference: str) -> Incident:
    return _reference_set(actor=actor, record=_lock_record(Incident, incident_id), reference=reference)


@transaction.atomic
def inquiry_hand_off(*, actor, inquiry_id: int, to: str) -> Inquiry:
    """Register a question or comment that requires action, with KI's reply (REC-3, REC-4)."""
    return _hand_off(actor=actor, record=_lock_record(Inquiry, inquiry_id), to=to)


@transaction.atomic
def inquiry_reference_set(*, actor, inquiry_id: int, reference: str) -> Inquiry:
    """Enter the registry's reference number (diarienummer) of a registered question (REC-4)."""
    return _reference_set(actor=actor, record=_lock_record(Inquiry, inquiry_id), reference=reference)
