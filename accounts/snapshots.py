"""Screenshots of an account's pages (REC-5 start page, CONT-2 removed post, REC-4 KI's reply):
the upload service and the selectors that read them.

Screenshots are evidence, never public: unlike the account itself (which every logged-in user
sees while it is active and official), they are shown only to the communications department,
auditors, the account's current owner and deputy, and the responsible managers of its unit
(accounts.permissions.can_see_snapshots and can_upload_snapshot, which this module uses and
re-exports for the pages of records that show evidence).
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import START_PAGE_KINDS, SnapshotKind
from accounts.models import Snapshot, SocialAccount
from accounts.permissions import can_see_snapshots, can_upload_snapshot  # noqa: F401 (re-exported for records)
from accounts.uploads import CheckedFile, checked_upload
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from core.files import deleted_on_error


@transaction.atomic
def snapshot_upload(
    *,
    actor,
    account_id: int,
    kind: str,
    taken_on,
    uploaded_file,
    note: str = "",
) -> Snapshot:
    """Store a dated screenshot (or PDF) of an account's page.

    ``uploaded_file`` is an uploaded file, checked here, or a CheckedFile a form has already
    checked with accounts.uploads.checked_upload. Every refusal happens before the file is
    written, so a refused upload leaves neither a row nor a file behind.
    """
    # Lock the account: two uploads of the same file cannot both pass the duplicate check.
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("unit").get(pk=account_id)
    if not can_upload_snapshot(actor, account):
        raise NotAllowed(
            _(
                "Only the account's owner, its deputy, a responsible manager or the communications department "
                "may do this."
            )
        )
    if kind not in SnapshotKind.values:
        raise ApplicationError(_("Choose what the screenshot shows."))
    if taken_on > timezone.localdate():
        raise ApplicationError(_("The date of the screenshot cannot be in the future."))
    if isinstance(uploaded_file, CheckedFile):
        checked = uploaded_file
    else:
        try:
            checked = checked_upload(uploaded_file)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], extra={"code": exc.code}) from exc
    if Snapshot.objects.filter(account=account, kind=kind, sha256=checked.sha256).exists():
        raise ApplicationError(_("This screenshot is already stored."))

    snapshot = Snapshot(
        account=account,
        kind=kind,
        taken_on=taken_on,
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        width=checked.width,
        height=checked.height,
        sha256=checked.sha256,
        note=note,
        uploaded_by=actor,
        # The model's upload_to names the stored file from account and SHA-256, not from this name.
        file=ContentFile(checked.content, name=checked.filename),
    )
    snapshot.full_clean()
    snapshot.save()  # writes the file, then the row
    with deleted_on_error(snapshot.file.storage, snapshot.file.name):
        audit_record(
            actor=actor,
            target=account,
            action="snapshot.upload",
            after={
                "snapshot": snapshot.pk,
                "kind": kind,
                "taken_on": taken_on,
                "sha256": checked.sha256,
                "size": checked.size,
            },
            note=note,
        )
    return snapshot


def snapshot_account_get(*, user, pk: int) -> SocialAccount:
    """The account, if the user may see its screenshots; 404 otherwise (even for a public account)."""
    return get_object_or_404(SocialAccount.objects.with_evidence_for(user).select_related("platform", "unit"), pk=pk)


def snapshot_list(*, user, account: SocialAccount):
    """The account's screenshots, newest first; none unless the user may see them."""
    return (
        Snapshot.objects.filter(account=account, account__in=SocialAccount.objects.with_evidence_for(user).values("pk"))
        .select_related("uploaded_by")
        .order_by("-taken_on", "-id")
    )


def snapshot_get(*, user, pk: int) -> Snapshot:
    """One screenshot, or 404 unless the user may see the account's screenshots."""
    qs = Snapshot.objects.filter(account__in=SocialAccount.objects.with_evidence_for(user).values("pk")).select_related(
        "account"
    )
    return get_object_or_404(qs, pk=pk)


def latest_start_page(account: SocialAccount) -> Snapshot | None:
    """The most recent start-page screenshot (REC-5), for rules and reports; not scoped to a user."""
    return Snapshot.objects.filter(account=account, kind__in=START_PAGE_KINDS).order_by("-taken_on", "-id").first()
