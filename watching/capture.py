"""Start-page capture (issue 17, REC-5): the services that queue, run and record a capture, and the
selectors the account page reads.

- `capture_request` (a button on the account page): the owner, the deputy or the communications
  department asks for a capture now; audited ("capture.request"), published once it commits.
- `captures_schedule` (daily, set-based, idempotent): queues a capture for every active account
  whose `start-page-snapshot-overdue` (REC-5) is CAPTURE_LEAD_DAYS away or already open, at most
  one scheduled capture per account and day (a database constraint), none while one is open or
  one was tried within CAPTURE_RETRY_DAYS, at most CAPTURE_SCHEDULE_BATCH a day.
- `capture_run` (the `capture` Celery queue): claims the capture, drives Chromium
  (watching.capture_browser), and either stores the PNG as a start-page Snapshot through the
  checked upload pipeline with the WARC next to it ("capture.store"), or records why a person
  must take the screenshot ("capture.manual": a login or consent wall, a refused address, an
  error), and tells the owner and deputy of a scheduled capture by e-mail.
"""

import datetime
import io
import logging
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import START_PAGE_KINDS, AccountStatus, SnapshotKind
from accounts.models import Snapshot, SocialAccount
from accounts.permissions import can_maintain
from accounts.selectors import current_keepers
from accounts.uploads import checked_upload
from audit.services import audit_record
from core.exceptions import ApplicationError, NotAllowed
from core.files import deleted_on_error
from monitoring.rules import governed
from notifications.services import notification_queue
from org.calendar import day_start, local_day
from watching.capture_models import CAPTURE_OPEN, Capture, CaptureStatus, CaptureTrigger

logger = logging.getLogger(__name__)

RUN_TASK = "watching.capture_tasks.capture_run_task"
# A running capture whose worker died is claimed again after this.
STALE_AFTER = datetime.timedelta(seconds=2 * getattr(settings, "CELERY_TASK_TIME_LIMIT", 600))


def can_request_capture(user, account: SocialAccount) -> bool:
    """Ask for a capture from the account page: its owner, its deputy or the communications
    department (auditors read, never write)."""
    return user.is_authenticated and can_maintain(user, account)


def page_hosts(account: SocialAccount) -> frozenset[str]:
    """The hosts the profile page may be opened on (and redirect within): the host of the
    profile address and the platform catalogue's host names, with their subdomains."""
    host = (urlsplit(account.url).hostname or "").lower().rstrip(".")
    domains = getattr(account.platform, "domains", None) or ()
    return frozenset(h for h in {host, host.removeprefix("www."), *(d.lower() for d in domains)} if h)


# --------------------------------------------------------------------------- queueing


@transaction.atomic
def capture_request(*, actor, account_id: int) -> Capture:
    """Queue a capture of the account's start page now (REC-5), audited; published on commit."""
    account = SocialAccount.objects.select_for_update(of=("self",)).select_related("platform").get(pk=account_id)
    if not can_request_capture(actor, account):
        raise NotAllowed(_("Only the account's owner, its deputy or the communications department may do this."))
    if account.status != AccountStatus.ACTIVE:
        raise ApplicationError(_("Only an active account's start page is captured."))
    if not account.url:
        raise ApplicationError(_("The account has no profile address to capture."))
    if Capture.objects.filter(account=account, status__in=CAPTURE_OPEN).exists():
        raise ApplicationError(_("A capture of this account is already queued."))
    try:
        with transaction.atomic():  # the daily schedule may have queued one meanwhile
            capture = Capture.objects.create(
                account=account,
                day=local_day(timezone.now()),
                trigger=CaptureTrigger.ON_DEMAND,
                requested_by=actor,
                url=account.url,
            )
    except IntegrityError:
        raise ApplicationError(_("A capture of this account is already queued.")) from None
    audit_record(
        actor=actor, target=account, action="capture.request", after={"capture": capture.pk, "url": account.url}
    )
    capture_id = capture.pk
    transaction.on_commit(lambda: capture_publish([capture_id]))
    return capture


def capture_publish(capture_ids) -> None:
    """Ask a worker of the `capture` queue to run each capture. A web request must not fail when
    the broker is down: the capture stays queued and the next daily schedule publishes it again."""
    for capture_id in capture_ids:
        try:
            current_app.send_task(RUN_TASK, args=[capture_id], retry=False, ignore_result=True)
        except Exception:  # noqa: BLE001 - any broker failure
            logger.warning("broker unavailable; capture %s waits for the next schedule", capture_id, exc_info=True)
            return


def captures_due(now: datetime.datetime):
    """Active accounts with a profile address whose start-page screenshot (REC-5) is due within
    CAPTURE_LEAD_DAYS (or overdue), with no capture open and none scheduled within
    CAPTURE_RETRY_DAYS. The same conditions as monitoring.rules.start_page_snapshot_overdue,
    CAPTURE_LEAD_DAYS earlier."""
    today = local_day(now)
    cutoff_day = today - datetime.timedelta(
        days=settings.MONITORING_SNAPSHOT_INTERVAL_DAYS - settings.CAPTURE_LEAD_DAYS
    )
    recent = Snapshot.objects.filter(account=OuterRef("pk"), kind__in=START_PAGE_KINDS, taken_on__gt=cutoff_day)
    tried = Capture.objects.filter(account=OuterRef("pk")).filter(
        Q(status__in=CAPTURE_OPEN)
        | Q(trigger=CaptureTrigger.SCHEDULED, day__gt=today - datetime.timedelta(days=settings.CAPTURE_RETRY_DAYS))
    )
    return (
        governed()
        .filter(activated_at__lt=day_start(cutoff_day))
        .exclude(url="")
        .exclude(Exists(recent))
        .exclude(Exists(tried))
    )


def captures_schedule(*, now: datetime.datetime | None = None) -> dict:
    """The daily job: queue the captures that are due (set-based: a constant number of queries
    whatever the number of accounts) and publish them with any queued capture whose message was
    lost. Running it twice on one day queues nothing new (the `watching_capture_once_a_day`
    constraint and the `tried` condition)."""
    now = now or timezone.now()
    today = local_day(now)
    due = list(
        captures_due(now).order_by("activated_at", "pk").values_list("pk", "url")[: settings.CAPTURE_SCHEDULE_BATCH]
    )
    Capture.objects.bulk_create(
        [Capture(account_id=pk, day=today, trigger=CaptureTrigger.SCHEDULED, url=url) for pk, url in due],
        ignore_conflicts=True,
    )
    queued = list(Capture.objects.filter(status=CaptureStatus.QUEUED).order_by("pk").values_list("pk", flat=True))
    transaction.on_commit(lambda: capture_publish(queued))
    return {"scheduled": len(due), "published": len(queued)}


# --------------------------------------------------------------------------- running


def _claim(capture_id: int, now: datetime.datetime) -> bool:
    claimable = Q(status=CaptureStatus.QUEUED) | Q(status=CaptureStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    return Capture.objects.filter(claimable, pk=capture_id).update(status=CaptureStatus.RUNNING, started_at=now) == 1


def capture_run(capture_id: int, *, browse=None) -> Capture | None:
    """Run one queued capture (claimed first: a second delivery does nothing). Reasons are written
    in the portal's language (settings.LANGUAGE_CODE), as every background job's are."""
    from watching.capture_browser import browse as chromium_browse  # Playwright only in workers

    browse = browse or chromium_browse
    if not _claim(capture_id, timezone.now()):
        return None
    capture = Capture.objects.select_related("account__platform").get(pk=capture_id)
    account = capture.account
    with translation.override(settings.LANGUAGE_CODE):
        try:
            seen = browse(capture.url, page_hosts=page_hosts(account), platform_slug=account.platform.slug)
        except Exception:  # noqa: BLE001 - the capture records the failure; the log has the details
            logger.exception("capture %s: the browser failed", capture_id)
            return capture_manual(capture, reason=_("The browser could not open the page. Try again later."))
        capture.final_url, capture.http_status = seen.final_url[:2000], seen.http_status
        capture.refused_requests = seen.refused
        reason = _reason(seen)
        if reason:
            return capture_manual(capture, reason=reason)
        try:
            checked = checked_upload(io.BytesIO(seen.png), allow_pdf=False)
        except ValidationError as exc:
            return capture_manual(capture, reason=exc.messages[0])
        if Snapshot.objects.filter(account=account, kind=SnapshotKind.START_PAGE, sha256=checked.sha256).exists():
            return capture_manual(
                capture, reason=_("The page looks exactly like a start-page screenshot already stored.")
            )
        try:
            return capture_store(capture, checked=checked, warc=seen.warc, warc_sha256=seen.warc_sha256)
        except Exception:  # noqa: BLE001 - nothing was kept (one transaction); a person is asked
            logger.exception("capture %s: storing failed", capture_id)
            return capture_manual(capture, reason=_("The screenshot could not be stored. Try again later."))


def _reason(seen) -> str:
    """Why what the browser saw cannot be stored as the start page ("" if it can)."""
    if seen.error == "refused":
        return _("The address was refused: %(reason)s") % {"reason": seen.refusal}
    if seen.error == "timeout":
        return _("The page did not load within %(seconds)s seconds.") % {"seconds": settings.CAPTURE_TIMEOUT_SECONDS}
    if seen.error:
        return _("The page could not be reached.")
    if seen.wall:
        return seen.wall.reason
    if seen.http_status and seen.http_status >= 400:
        return _("The profile page answered HTTP %(status)s.") % {"status": seen.http_status}
    if not seen.png:
        return _("The browser took no screenshot.")
    return ""


@transaction.atomic
def capture_store(capture: Capture, *, checked, warc: bytes, warc_sha256: str) -> Capture:
    """Store the checked PNG as the account's start-page Snapshot ("captured automatically") and
    the WARC next to it, and record both SHA-256s (REC-5). Nothing is kept if any step fails."""
    account = capture.account
    now = timezone.now()
    snapshot = Snapshot(
        account=account,
        kind=SnapshotKind.START_PAGE,
        taken_on=local_day(now),
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        width=checked.width,
        height=checked.height,
        sha256=checked.sha256,
        note=_("Captured automatically at %(time)s UTC from %(url)s")
        % {"time": now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"), "url": capture.url[:200]},
        uploaded_by=capture.requested_by,
        file=ContentFile(checked.content, name=checked.filename),
    )
    snapshot.full_clean(exclude=["uploaded_by"])  # no uploader: the portal took it
    snapshot.save()
    with deleted_on_error(snapshot.file.storage, snapshot.file.name):
        capture.warc_sha256, capture.warc_size = warc_sha256, len(warc)
        capture.warc.save("capture.warc.gz", ContentFile(warc), save=False)
        with deleted_on_error(capture.warc.storage, capture.warc.name):
            capture.snapshot = snapshot
            capture.status, capture.reason, capture.finished_at = CaptureStatus.CAPTURED, "", now
            capture.save()
            audit_record(
                actor=None,
                actor_repr="system:capture",
                target=account,
                action="capture.store",
                after={
                    "capture": capture.pk,
                    "snapshot": snapshot.pk,
                    "sha256": checked.sha256,
                    "warc_sha256": warc_sha256,
                    "url": capture.final_url or capture.url,
                },
            )
    return capture


@transaction.atomic
def capture_manual(capture: Capture, *, reason: str) -> Capture:
    """Record that the start page must be captured by hand, and why (a wall, a refused address, an
    error); nothing is stored. The owner and deputy of a scheduled capture are told by e-mail."""
    capture.status, capture.reason, capture.finished_at = CaptureStatus.MANUAL, reason[:500], timezone.now()
    capture.save()
    account = capture.account
    audit_record(
        actor=None,
        actor_repr="system:capture",
        target=account,
        action="capture.manual",
        after={"capture": capture.pk, "reason": capture.reason, "refused": len(capture.refused_requests)},
    )
    if capture.trigger == CaptureTrigger.SCHEDULED:
        keepers = current_keepers(account)
        for person in {p.pk: p for p in (keepers.owner, keepers.deputy) if p is not None}.values():
            notification_queue(
                template="capture-manual",
                dedupe_key=f"capture-manual:{capture.pk}:{person.pk}",
                recipient=person,
                context={"account": account, "reason": capture.reason},
                link=account.get_absolute_url(),
            )
    return capture


# --------------------------------------------------------------------------- reading


def captures_recent(*, user, account: SocialAccount, limit: int = 3) -> list[Capture]:
    """The account's latest captures, for those who may see its evidence (none otherwise)."""
    return list(
        Capture.objects.filter(
            account=account, account__in=SocialAccount.objects.with_evidence_for(user).values("pk")
        ).select_related("snapshot")[:limit]
    )


def capture_get(*, user, pk: int) -> Capture:
    """One capture with a WARC, or 404 unless the user may see the account's evidence."""
    qs = Capture.objects.filter(
        account__in=SocialAccount.objects.with_evidence_for(user).values("pk"), status=CaptureStatus.CAPTURED
    ).select_related("account")
    return get_object_or_404(qs, pk=pk)
