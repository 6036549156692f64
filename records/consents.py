"""The media consent register (MEDIA-1..3): who agreed to a photo or film being published in
social media, how, and the photographer's credit and consent.

A written consent can be attached. It goes through the same checked upload as screenshots
(accounts.uploads.checked_upload: PDF, PNG, JPEG or WebP, judged by content) and is stored under
its SHA-256. The register names people, so it is shown, like other evidence, only to those who may
see the account's screenshots (accounts.snapshots.can_see_snapshots), and never publicly.

Audit rows name the consent by id, never the person: the account's history is shown to everyone
who may see the account.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SocialAccount
from accounts.selectors import current_keepers
from accounts.uploads import PDF_CONTENT_TYPE, CheckedFile, checked_upload
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from core.files import deleted_on_error
from notifications.services import notification_queue
from records import permissions
from records.choices import ConsentForm, WithdrawalChannel
from records.models import MediaConsent

# The content type to serve a stored document with, by the extension checked_upload gave it.
CONTENT_TYPES = {"pdf": PDF_CONTENT_TYPE, "png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}

PHOTOGRAPHER_MUST_CONSENT = gettext_lazy(
    "The photographer must agree to publication in social media before the picture is published (MEDIA-3)."
)


@transaction.atomic
def consent_record(
    *,
    actor,
    account_id: int,
    subject: str,
    form: str,
    given_on: datetime.date,
    publication: str,
    photographer: str,
    credit: str,
    photographer_consents: bool,
    document=None,
) -> MediaConsent:
    """Record a consent to publish (MEDIA-1, MEDIA-2) and the photographer's credit and consent
    (MEDIA-3). Refused without the photographer's consent.

    ``document`` is an optional uploaded file, checked here, or a CheckedFile that a form has
    already checked with checked_upload. Every refusal happens before the file is written.
    """
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    if not permissions.can_write_consents(actor, account):
        raise NotAllowed(
            _(
                "Only the account's owner, its deputy, a responsible manager or the communications "
                "department may do this."
            )
        )
    if photographer_consents is not True:
        raise ApplicationError(str(PHOTOGRAPHER_MUST_CONSENT))
    if form not in ConsentForm.values:
        raise ApplicationError(_("Choose how consent was given."))
    if given_on > timezone.localdate():
        raise ApplicationError(_("The date of the consent cannot be in the future."))
    subject, publication, photographer, credit = (s.strip() for s in (subject, publication, photographer, credit))
    if not credit:
        # MEDIA-3: credited unless agreed otherwise, so the register says which.
        raise ApplicationError(_("Say how the photographer is credited, or that it was agreed not to credit them."))
    checked = None
    if document is not None:
        if isinstance(document, CheckedFile):
            checked = document
        else:
            try:
                checked = checked_upload(document)
            except ValidationError as exc:
                raise ApplicationError(exc.messages[0], extra={"code": exc.code}) from exc

    consent = MediaConsent(
        account=account,
        subject=subject,
        form=form,
        given_on=given_on,
        publication=publication,
        photographer=photographer,
        credit=credit,
        photographer_consents=True,
        recorded_by=actor,
    )
    if checked is not None:
        # The model's upload_to names the file from the account and these two fields.
        consent.document_sha256, consent.document_extension = checked.sha256, checked.extension
        consent.document = ContentFile(checked.content, name=checked.filename)
    consent.full_clean()
    consent.save()  # writes the file, then the row
    with deleted_on_error(consent.document.storage, consent.document.name):
        audit_record(
            actor=actor,
            target=account,
            action="consent.record",
            after={
                "consent": consent.pk,
                "form": form,
                "given_on": given_on,
                "document_sha256": consent.document_sha256 or None,
            },
        )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent_id: int, withdrawn_on: datetime.date, via: str, note: str = "") -> MediaConsent:
    """Record that a media consent was withdrawn (MEDIA-1): when, and how the person told KI. The
    material's use must stop: the consent shows as withdrawn wherever it is listed, and the
    account's owner and deputy are told by e-mail, each in their language. The consent stays in
    the register; withdrawing twice is refused."""
    consent = MediaConsent.objects.select_for_update(of=("self",)).select_related("account__unit").get(pk=consent_id)
    account = consent.account
    if not permissions.can_write_consents(actor, account):
        raise NotAllowed(
            _(
                "Only the account's owner, its deputy, a responsible manager or the communications "
                "department may do this."
            )
        )
    if consent.is_withdrawn:
        raise ApplicationError(_("This consent has already been withdrawn."))
    if via not in WithdrawalChannel.values:
        raise ApplicationError(_("Choose how the consent was withdrawn."))
    if withdrawn_on > timezone.localdate():
        raise ApplicationError(_("The date of the withdrawal cannot be in the future."))
    if withdrawn_on < consent.given_on:
        raise ApplicationError(_("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_on, consent.withdrawn_via = withdrawn_on, via
    consent.withdrawal_note, consent.withdrawn_recorded_by = note.strip(), actor
    consent.save(
        update_fields=["withdrawn_on", "withdrawn_via", "withdrawal_note", "withdrawn_recorded_by", "updated_at"]
    )
    # The audit row names the consent by id, never the person (the history is shown widely).
    audit_record(
        actor=actor,
        target=account,
        action="consent.withdraw",
        after={"consent": consent.pk, "withdrawn_on": withdrawn_on, "via": via},
    )
    keepers = {person.pk: person for person in current_keepers(account) if person is not None}
    for person in keepers.values():
        notification_queue(
            template="consent-withdrawn",
            dedupe_key=f"consent:{consent.pk}:withdrawn:{person.pk}",
            recipient=person,
            context={"consent": consent, "account": account},
            link=reverse("records:consents", args=[account.pk]),
        )
    return consent


def consent_list(*, account: SocialAccount):
    """The account's register, newest first. The caller has checked that the user may see it
    (accounts.snapshots.snapshot_account_get)."""
    return MediaConsent.objects.filter(account=account).order_by("-given_on", "-id")


def consent_document_get(*, user, pk: int) -> MediaConsent:
    """The consent, for downloading its document: 404 unless it has one and the user may see the
    account's evidence (also for a public account)."""
    consent = get_object_or_404(MediaConsent.objects.select_related("account"), pk=pk)
    if not consent.document or not permissions.can_see_evidence(user, consent.account):
        raise Http404
    return consent
