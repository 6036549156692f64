"""Requests for public records (begäran om allmän handling, REC-1): the request, the legal hold
it puts on the material in scope, and the disclosure bundle kept with the request.

What KI publishes and what visitors write to KI are public records (REC-1). While a request is
open, the material in its scope (its accounts, its period) may not be weeded (weeding.py asks
legal_hold_applies). The portal gathers that material into a ZIP (records.bundle), marked for
secrecy review before anything is handed out, with a manifest of every file's SHA-256 so that
whoever receives it can check that nothing was changed (records.bundle.verify_manifest).

Who logs and handles requests is records.permissions' to say (the communications department and
registrars; auditors read). Closing a request lifts its legal hold; who did it and why is recorded.
"""

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import SocialAccount
from audit.models import AuditEvent
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from core.files import deleted_on_error
from records import permissions
from records.bundle import bundle_files, bundle_zip
from records.choices import RequestStatus
from records.models import RecordsRequest

logger = logging.getLogger(__name__)


def _refuse(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Only the communications department or a registrar may handle requests for public records."))


def open_requests_for(account, start: datetime.date, end: datetime.date):
    """The open requests whose accounts include this account and whose period overlaps [start, end]."""
    return RecordsRequest.objects.filter(
        status=RequestStatus.OPEN, accounts=account, period_start__lte=end, period_end__gte=start
    ).order_by("received_at")


def legal_hold_applies(account, start: datetime.date, end: datetime.date) -> bool:
    """Whether an open request for public records holds any of this account's material in [start, end]."""
    return open_requests_for(account, start, end).exists()


@transaction.atomic
def records_request_log(
    *,
    actor,
    received_at: datetime.datetime,
    requester: str,
    asked_for: str,
    account_ids: list[int],
    period_start: datetime.date,
    period_end: datetime.date,
) -> RecordsRequest:
    """Log a request for public records. From now until it is closed, a legal hold stops the
    weeding of its accounts' material in its period."""
    _refuse(permissions.can_handle_requests(actor))
    if not account_ids:
        raise ApplicationError(_("Choose at least one account."))
    if period_end < period_start:
        raise ApplicationError(_("The period cannot end before it starts."))
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ApplicationError(_("The time received cannot be in the future."))
    if not requester.strip() or not asked_for.strip():
        raise ApplicationError(_("Enter the requester and what is asked for."))
    # Lock the accounts (in a fixed order): a weeding decision on one of them either finishes
    # before the hold exists or waits and then sees it.
    accounts = list(SocialAccount.objects.select_for_update().filter(pk__in=set(account_ids)).order_by("pk"))
    if len(accounts) != len(set(account_ids)):
        raise ApplicationError(_("One of the accounts does not exist."))
    request = RecordsRequest(
        received_at=received_at,
        requester=requester.strip(),
        asked_for=asked_for.strip(),
        period_start=period_start,
        period_end=period_end,
        logged_by=actor,
    )
    request.full_clean(exclude=["accounts"])
    request.save()
    request.accounts.set(accounts)
    audit_record(
        actor=actor,
        target=request,
        action="records_request.log",
        after={
            "received_at": received_at,
            "accounts": [a.pk for a in accounts],
            "period_start": period_start,
            "period_end": period_end,
        },
    )
    return request


@transaction.atomic
def records_request_close(*, actor, request_id: int, reason: str) -> RecordsRequest:
    """Close a request once it has been answered: its legal hold is lifted. Who closed it and why
    (the reason is required) are kept in the audit event (records_request_closing)."""
    request = RecordsRequest.objects.select_for_update().get(pk=request_id)
    _refuse(permissions.can_close_request(actor, request))
    if request.status != RequestStatus.OPEN:
        raise ApplicationError(_("This request is already closed."))
    if not reason.strip():
        raise ApplicationError(_("Give the reason for closing the request: it lifts the legal hold."))
    request.status, request.closed_at = RequestStatus.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        target=request,
        action="records_request.close",
        before={"status": RequestStatus.OPEN},
        after={"status": RequestStatus.CLOSED},
        note=reason.strip(),
    )
    return request


def records_request_closing(request: RecordsRequest):
    """The audit event of the request's closing (who lifted the legal hold, when and why), or None."""
    return AuditEvent.objects.for_object(request).filter(action="records_request.close").first()


@transaction.atomic
def disclosure_bundle_make(*, actor, request_id: int, language: str = "sv") -> RecordsRequest:
    """Assemble the material in the request's scope into a ZIP marked for secrecy review, with a
    manifest of every file's SHA-256, and keep it with the request (a new bundle replaces the
    previous one). Only while the request is open: after closing, the material may be weeded."""
    request = RecordsRequest.objects.select_for_update().get(pk=request_id)
    _refuse(permissions.can_make_bundle(actor, request))
    if request.status != RequestStatus.OPEN:
        raise ApplicationError(_("This request is closed; its bundle is kept as it was."))
    now = timezone.now()
    with translation.override(language):
        files, missing = bundle_files(request, now)
    data = bundle_zip(files)
    previous = request.bundle.name if request.bundle else ""
    request.bundle.save(
        f"kipolicy_disclosure_{request.pk}_{timezone.localdate(now):%Y-%m-%d}.zip", ContentFile(data), save=False
    )
    request.bundle_sha256 = hashlib.sha256(data).hexdigest()
    request.bundle_made_at = now
    stored = request.bundle.name
    with deleted_on_error(request.bundle.storage, stored):
        request.save(update_fields=["bundle", "bundle_sha256", "bundle_made_at", "updated_at"])
        audit_record(
            actor=actor,
            target=request,
            action="records_request.bundle",
            after={"sha256": request.bundle_sha256, "size": len(data), "files": len(files) + 1, "missing": missing},
        )
    if previous and previous != stored:
        storage = request.bundle.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return request


@transaction.atomic
def disclosure_bundle_open(*, actor, request_id: int):
    """The stored bundle, opened for reading; the download is recorded (handing out records is a
    governance act). Raises ApplicationError when there is none."""
    request = RecordsRequest.objects.get(pk=request_id)
    _refuse(permissions.can_see_requests(actor))
    if not request.bundle:
        raise ApplicationError(_("No disclosure bundle has been made yet."))
    try:
        handle = request.bundle.open("rb")
    except FileNotFoundError:
        logger.error("Records request %s: bundle %s is missing from storage", request.pk, request.bundle.name)
        raise ApplicationError(_("The bundle file is missing from storage; make it again.")) from None
    audit_record(
        actor=actor, target=request, action="records_request.bundle_download", after={"sha256": request.bundle_sha256}
    )
    return request, handle
