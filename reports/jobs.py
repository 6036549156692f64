"""Export jobs: reports and exports too large to make within a web request.

A *producer* is registered per kind (`reports.registry.register("inventory", produce_inventory)`)
and called by the job as `producer(job, user, params, fmt, fileobj, progress) -> download file name`: it writes
the file to the binary `fileobj` and calls `progress(done, total)` as it goes (cheap to call
often: the database is updated at most once a second).

The life of a job:

1. `export_job_start` (in the request): checks the kind, the format and, if the producer was
   registered with `authorize`, the actor's right to it; creates the job and records the export's
   one audit event ("export.<kind>", REC-1: handing out personal data is a governance act), in
   one transaction; publishes `export_job_run_task` once it commits. A failed publish is logged,
   not raised: `manage.py run_export_jobs` (or the next worker that picks it up) runs it.
2. `export_job_run` (in a worker): claims the job with a conditional UPDATE (queued -> running),
   so two workers never make the same file; makes the file in a temporary file, then saves it to
   the default storage under "exports/"; marks the job done with `expires_at`, or failed with
   a message the requester can read.
3. `exports_purge` (hourly): deletes the files whose time is up and marks their jobs expired.
"""

import contextlib
import hashlib
import logging
import secrets
import tempfile
import time
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.exceptions import ApplicationError
from reports import permissions
from reports.choices import FILE_EXTENSIONS, JobStatus
from reports.models import ExportJob
from reports.registry import registration

# The task that makes one job's file (reports.tasks, which imports this module: never the other way
# round), queued by its name.
RUN_TASK = "reports.tasks.export_job_run_task"
logger = logging.getLogger(__name__)

STORAGE_DIR = "exports"
# A running job whose worker died (killed, restarted) is claimed again after this.
STALE_AFTER = timedelta(seconds=2 * getattr(settings, "CELERY_TASK_TIME_LIMIT", 600))
PROGRESS_EVERY_SECONDS = 1.0


def export_action(kind: str) -> str:
    """The audit action of an export of this kind ("export.inventory")."""
    return f"export.{kind}"


def export_record(*, actor, kind: str, fmt: str, params: dict, mode: str = "inline", job: ExportJob | None = None):
    """The one audit event of an export, recorded when it is made (REC-1).

    Target: the exporting user themself. An export has no single object (an inventory export
    spans many accounts and units), and the event must be findable by who made it; what was
    exported (the filters, the period and the scope) and the format are in `after`; nested
    dicts are flattened to "filters.status" keys (the audit trail keeps flat values)."""
    after = {"format": fmt, "mode": mode, **_flat(params)}
    if job is not None:
        after["job"] = job.pk
    return audit_record(actor=actor, target=actor, action=export_action(kind), after=after)


def _flat(params: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in params.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# --------------------------------------------------------------------------- starting


@transaction.atomic
def export_job_start(*, actor, kind: str, params: dict, fmt: str) -> ExportJob:
    """Queue an export to be made by a worker, and record it (one audit event, REC-1)."""
    entry = registration(kind)
    if fmt not in entry.formats:
        raise ApplicationError(_("This export cannot be made in that format."))
    if entry.authorize is not None:
        entry.authorize(actor, params)
    job = ExportJob.objects.create(
        requested_by=actor, kind=kind, params=params, fmt=fmt, language=translation.get_language() or ""
    )
    export_record(actor=actor, kind=kind, fmt=fmt, params=params, mode="job", job=job)
    job_id = job.pk
    transaction.on_commit(lambda: _publish(job_id))
    return job


def _publish(job_id: int) -> None:
    """Ask a worker to make the file. A web request must not fail when the broker is down: the
    job stays queued and `manage.py run_export_jobs` runs it."""
    try:
        current_app.send_task(RUN_TASK, args=[job_id], retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - any broker failure
        logger.warning("broker unavailable; export job %s waits for run_export_jobs", job_id, exc_info=True)


# --------------------------------------------------------------------------- running


def _claim(job_id: int, now: datetime) -> bool:
    """Queued -> running, in one conditional UPDATE. False if another worker got there first (or
    the job is finished). A job left running by a dead worker may be claimed again."""
    claimable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    claimed = ExportJob.objects.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, progress_done=0, updated_at=now
    )
    return claimed == 1


class _Progress:
    """progress(done, total): writes to the job row at most once a second."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            ExportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                progress_done=self.done, progress_total=self.total
            )


def export_job_run(job_id: int, *, now: datetime | None = None) -> ExportJob | None:
    """Make the file of a queued job. Returns the job, or None if it was not ours to run.

    1. Claim it (conditional UPDATE); 2. run the producer into a temporary file, in the
    requester's language; 3. save the file under exports/; 4. mark the job done, with the time
    its file will be deleted. Any error marks it failed with a readable message (the details go
    to the log); the temporary file is always removed."""
    now = now or timezone.now()
    if not _claim(job_id, now):
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    progress = _Progress(job.pk)
    stored = ""
    try:
        entry = registration(job.kind)
        with tempfile.NamedTemporaryFile(suffix="." + FILE_EXTENSIONS.get(job.fmt, "bin")) as handle:
            with translation.override(job.language or settings.LANGUAGE_CODE):
                download_name = entry.producer(job, job.requested_by, job.params, job.fmt, handle, progress)
            handle.flush()
            size, digest = _size_and_digest(handle)
            handle.seek(0)
            name = f"{STORAGE_DIR}/{job.pk}-{secrets.token_hex(8)}.{FILE_EXTENSIONS.get(job.fmt, 'bin')}"
            stored = default_storage.save(name, File(handle, name=name))
        finished = timezone.now()
        updated = ExportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE,
            file_name=stored,
            download_name=download_name,
            size=size,
            sha256=digest,
            progress_done=max(progress.done, progress.total),
            progress_total=progress.total,
            finished_at=finished,
            expires_at=finished + timedelta(hours=settings.REPORTS_FILE_HOURS),
            error="",
            updated_at=finished,
        )
        if updated != 1:  # the job was claimed again meanwhile (we were taken for dead)
            default_storage.delete(stored)
    except Exception as exc:  # noqa: BLE001 - the job records the failure; the log has the details
        if stored:
            default_storage.delete(stored)
        logger.exception("export job %s failed", job_id)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = (
                exc.message
                if isinstance(exc, ApplicationError)
                else _("The file could not be made. Try again later; if it fails again, contact the support.")
            )
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(message), finished_at=timezone.now(), updated_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _size_and_digest(handle) -> tuple[int, str]:
    handle.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def export_jobs_run_pending(*, limit: int | None = None) -> int:
    """Run every queued job, oldest first (the run_export_jobs command: works without a broker).
    Returns how many this call made; jobs claimed by someone else are skipped."""
    ran = 0
    ids = ExportJob.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "id").values_list("pk", flat=True)
    for job_id in list(ids[:limit] if limit else ids):
        if export_job_run(job_id) is not None:
            ran += 1
    return ran


# --------------------------------------------------------------------------- reading and purging


def export_job_list(*, user):
    """The user's own export jobs, newest first. Nobody sees anyone else's."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)


def export_job_open(*, user, job: ExportJob):
    """The finished file of the user's own job, opened for reading; each download is recorded
    ("export.downloaded": the file leaves the portal). Raises ApplicationError when there is no
    file (not done yet, or deleted after its time)."""
    if not permissions.can_see_job(user, job):
        raise ApplicationError(_("This file is not yours."))
    if job.status != JobStatus.DONE or not job.file_name:
        raise ApplicationError(_("The file is not available."))
    if job.expires_at and job.expires_at <= timezone.now():
        raise ApplicationError(_("The file has been deleted: its download time is over."))
    try:
        handle = default_storage.open(job.file_name, "rb")
    except FileNotFoundError:
        logger.error("export job %s: file %s is missing from storage", job.pk, job.file_name)
        raise ApplicationError(_("The file is missing. Make the export again.")) from None
    audit_record(
        actor=user,
        target=user,
        action="export.downloaded",
        after={"job": job.pk, "kind": job.kind, "format": job.fmt, "sha256": job.sha256},
    )
    return handle


def exports_purge(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete the files of finished jobs whose download time is over and mark the jobs expired.
    Idempotent and safe to run twice at once: a job is marked expired only from done, and a
    file already gone is no error. Returns the number of jobs expired."""
    now = now or timezone.now()
    purged = 0
    while True:
        rows = list(
            ExportJob.objects.filter(status=JobStatus.DONE, expires_at__lte=now)
            .order_by("expires_at")
            .values_list("pk", "file_name")[:batch]
        )
        if not rows:
            return purged
        for _pk, name in rows:
            if name:
                with contextlib.suppress(FileNotFoundError):
                    default_storage.delete(name)
        purged += ExportJob.objects.filter(pk__in=[pk for pk, _name in rows], status=JobStatus.DONE).update(
            status=JobStatus.EXPIRED, file_name="", updated_at=now
        )
