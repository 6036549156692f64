from celery import shared_task

from reports import jobs


@shared_task(name=jobs.RUN_TASK, acks_late=True, ignore_result=True)
def export_job_run_task(job_id: int) -> None:
    """Make the file of one export job (claimed first: a second delivery does nothing)."""
    jobs.export_job_run(job_id)


@shared_task(acks_late=True, ignore_result=True)
def export_jobs_run_pending_task() -> int:
    """Run export jobs still queued (a publish that was lost); for a beat entry if wanted."""
    return jobs.export_jobs_run_pending()


@shared_task(acks_late=True, ignore_result=True)
def exports_purge_task() -> int:
    """Hourly at :35: delete export files whose download time is over (idempotent)."""
    return jobs.exports_purge()
