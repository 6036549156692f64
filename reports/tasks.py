from celery import shared_task

from reports import delivery, jobs, kept


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


@shared_task(acks_late=True, ignore_result=True)
def half_year_reports_deliver_task() -> dict:
    """1 January and 1 July: the half-year reports for all of KI and each top-level unit (idempotent)."""
    return delivery.half_year_reports_deliver()


@shared_task(acks_late=True, ignore_result=True)
def report_figures_keep_task() -> dict:
    """02:40 daily: the compliance figures of the kept half years, for the report on screen (idempotent)."""
    return kept.report_figures_keep()
