"""Removed posts (CONT-1/2, REC-3/4) and questions and comments (ANS-1..3, REC-2/3)."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.choices import SnapshotKind
from accounts.models import SocialAccount
from accounts.selectors import registry_email_for
from accounts.services import account_managers
from accounts.snapshots import snapshot_upload
from audit.services import audit_record
from notifications.services import notification_queue
from org import roles
from org.calendar import answer_due
from org.exceptions import ApplicationError, NotAllowed
from records.choices import HandOff, InquiryKind
from records.models import Incident, Inquiry
from records.pdf import incident_record_pdf, inquiry_record_pdf

NOT_A_RECORDER = gettext_lazy(
    "Only the account's owner, its deputy, a responsible manager or the communications department may do this."
)
EVIDENCE_KINDS = (SnapshotKind.REMOVED_POST, SnapshotKind.KI_REPLY)


def _lock_account(account_id: int) -> SocialAccount:
    return SocialAccount.objects.select_for_update(of=("self",)).select_related("unit", "platform").get(pk=account_id)


def may_record(user, account) -> bool:
    """The owner or deputy records moderation; so may a responsible manager or comms."""
    return permissions.can_maintain(user, account) or permissions.manages(user, account)


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
    if not may_record(actor, account):
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
    for kind, uploaded in screenshots:
        if kind not in EVIDENCE_KINDS:
            raise ApplicationError(_("A screenshot of a removed post is of the post or of KI's reply."))
        snapshot = snapshot_upload(
            actor=actor,
            account_id=account.pk,
            kind=kind,
            taken_on=timezone.localdate(),
            uploaded_file=uploaded,
            note=_("Removed post %(n)s") % {"n": incident.pk},
        )
        incident.evidence.add(snapshot)
    audit_record(
        actor=actor,
        target=account,
        action="incident.log",
        after={"incident": incident.pk, "category": category, "screenshots": len(screenshots)},
    )
    return incident


@transaction.atomic
def incident_hand_off(*, actor, incident_id: int, to: str) -> Incident:
    """Hand the record of a removed post to the unit's registry (an e-mail with the dated PDF) or
    keep it in the portal's archive (CONT-2, REC-4)."""
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("account__unit", "account__platform")
        .get(pk=incident_id)
    )
    if not may_record(actor, incident.account):
        raise NotAllowed(NOT_A_RECORDER)
    if incident.hand_off:
        raise ApplicationError(_("This record has already been handed off."))
    if not incident.evidence.exists():
        raise ApplicationError(_("Add a screenshot of the removed post first (REC-4)."))
    if to == HandOff.REGISTRY:
        address = registry_email_for(incident.account)
        if not address:
            raise ApplicationError(_("The unit has no registry address; keep the record in the archive instead."))
        notification_queue(
            template="incident-record",
            dedupe_key=f"incident:{incident.pk}:registry",
            to_email=address,
            language="sv",
            context={"incident": incident, "account": incident.account},
            attachment=(
                f"borttaget-inlagg-{incident.pk}.pdf",
                "application/pdf",
                incident_record_pdf(incident, language="sv"),
            ),
            link=reverse("accounts:detail", args=[incident.account_id]),
        )
        incident.registry_email = address
    elif to != HandOff.ARCHIVE:
        raise ApplicationError(_("Choose the registry or the archive."))
    incident.hand_off, incident.handed_off_at = to, timezone.now()
    incident.save(update_fields=["hand_off", "handed_off_at", "registry_email", "updated_at"])
    audit_record(
        actor=actor,
        target=incident.account,
        action="incident.hand_off",
        after={"incident": incident.pk, "to": to, "registry": incident.registry_email},
    )
    return incident


@transaction.atomic
def incident_reference_set(*, actor, incident_id: int, reference: str) -> Incident:
    incident = Incident.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=incident_id)
    if not may_record(actor, incident.account):
        raise NotAllowed(NOT_A_RECORDER)
    if not reference.strip():
        raise ApplicationError(_("Enter the reference number."))
    before = incident.registry_reference
    incident.registry_reference = reference.strip()
    incident.save(update_fields=["registry_reference", "updated_at"])
    audit_record(
        actor=actor,
        target=incident.account,
        action="incident.registry_reference",
        before={"registry_reference": before},
        after={"registry_reference": incident.registry_reference, "incident": incident.pk},
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
) -> Inquiry:
    """Log a question or comment that needs action. Its due time follows ANS-1 (org.calendar.
    answer_due). Criticism of KI's activities is routed to the responsible manager (ANS-2), who
    is told."""
    account = _lock_account(account_id)
    if not may_record(actor, account):
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
    audit_record(
        actor=actor,
        target=account,
        action="inquiry.log",
        after={"inquiry": inquiry.pk, "kind": kind, "due_at": inquiry.due_at},
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


@transaction.atomic
def inquiry_answer(*, actor, inquiry_id: int, answered_at: datetime.datetime, reply_summary: str) -> Inquiry:
    """Record when and how a question or comment was answered (ANS-1, ANS-3)."""
    inquiry = Inquiry.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=inquiry_id)
    account = inquiry.account
    if not (may_record(actor, account) or (inquiry.routed_to_id == actor.pk) or roles.is_comms(actor)):
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
    audit_record(
        actor=actor,
        target=account,
        action="inquiry.answer",
        after={"inquiry": inquiry.pk, "answered_at": answered_at, "within_rule": answered_at <= inquiry.due_at},
    )
    return inquiry


def incident_record_export(*, actor, incident_id: int, language: str = "sv") -> bytes:
    """The record PDF of a removed post for someone who may see the evidence; exporting it is a
    governance act, so it is audited."""
    incident = Incident.objects.select_related("account__unit", "account__platform").get(pk=incident_id)
    pdf = incident_record_pdf(incident, language=language)
    audit_record(actor=actor, target=incident.account, action="incident.export", after={"incident": incident.pk})
    return pdf


@transaction.atomic
def inquiry_hand_off(*, actor, inquiry_id: int, to: str) -> Inquiry:
    """Register a question or comment that requires action (REC-3, REC-4): a dated PDF record of
    it and of KI's reply goes to the registry of the account's unit, or it is kept in the
    portal's archive."""
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("account__unit", "account__platform")
        .get(pk=inquiry_id)
    )
    account = inquiry.account
    if not may_record(actor, account):
        raise NotAllowed(NOT_A_RECORDER)
    if inquiry.hand_off:
        raise ApplicationError(_("This record has already been handed off."))
    if to == HandOff.REGISTRY:
        address = registry_email_for(account)
        if not address:
            raise ApplicationError(_("The unit has no registry address; keep the record in the archive instead."))
        notification_queue(
            template="inquiry-record",
            dedupe_key=f"inquiry:{inquiry.pk}:registry",
            to_email=address,
            language="sv",
            context={"inquiry": inquiry, "account": account},
            attachment=(f"fraga-{inquiry.pk}.pdf", "application/pdf", inquiry_record_pdf(inquiry, language="sv")),
            link=reverse("records:inquiries", args=[account.pk]),
        )
        inquiry.registry_email = address
    elif to != HandOff.ARCHIVE:
        raise ApplicationError(_("Choose the registry or the archive."))
    inquiry.hand_off, inquiry.handed_off_at = to, timezone.now()
    inquiry.save(update_fields=["hand_off", "handed_off_at", "registry_email", "updated_at"])
    audit_record(
        actor=actor,
        target=account,
        action="inquiry.hand_off",
        after={"inquiry": inquiry.pk, "to": to, "registry": inquiry.registry_email},
    )
    return inquiry


@transaction.atomic
def inquiry_reference_set(*, actor, inquiry_id: int, reference: str) -> Inquiry:
    """Enter the registry's reference number (diarienummer) of a registered question (REC-4)."""
    inquiry = Inquiry.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=inquiry_id)
    if not may_record(actor, inquiry.account):
        raise NotAllowed(NOT_A_RECORDER)
    if inquiry.hand_off != HandOff.REGISTRY:
        raise ApplicationError(_("Send the record to the registry first."))
    if not reference.strip():
        raise ApplicationError(_("Enter the reference number."))
    before = inquiry.registry_reference
    inquiry.registry_reference = reference.strip()
    inquiry.save(update_fields=["registry_reference", "updated_at"])
    audit_record(
        actor=actor,
        target=inquiry.account,
        action="inquiry.registry_reference",
        before={"registry_reference": before},
        after={"registry_reference": inquiry.registry_reference, "inquiry": inquiry.pk},
    )
    return inquiry
