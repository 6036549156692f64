from celery import shared_task

from notifications.services import SEND_TASK, notifications_send


@shared_task(name=SEND_TASK, acks_late=True, ignore_result=True)
def notifications_send_task() -> int:
    """Deliver queued e-mails (idempotent: rows are claimed before sending)."""
    return notifications_send()
