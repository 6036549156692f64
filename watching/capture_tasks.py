"""Celery tasks of the start-page capture (issue 17). Routed to the `capture` queue
(settings.CELERY_TASK_ROUTES): only workers started with `-Q capture` run Chromium."""

from celery import shared_task

from watching import capture


@shared_task(name=capture.RUN_TASK, acks_late=True, ignore_result=True)
def capture_run_task(capture_id: int) -> None:
    """Capture one account's start page (claimed first: a second delivery does nothing)."""
    capture.capture_run(capture_id)


@shared_task(name="watching.capture_tasks.captures_schedule_task", acks_late=True, ignore_result=True)
def captures_schedule_task() -> dict:
    """Daily: queue the captures of start pages due within 14 days (idempotent)."""
    return capture.captures_schedule()
