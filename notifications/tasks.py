from celery import shared_task

from notifications.digest import digest_queue
from notifications.services import SEND_TASK, notifications_send


@shared_task(name=SEND_TASK, acks_late=True, ignore_result=True)
def notifications_send_task() -> int:
    """Deliver queued e-mails (idempotent: rows are claimed before sending)."""
    return notifications_send()


@shared_task(name="notifications.tasks.digest_send_task", acks_late=True, ignore_result=True)
def digest_send_task() -> int:
    """Once a day: queue each digest recipient's one e-mail of the day's waiting messages
    (notifications.digest, idempotent), then deliver the outbox. Returns how many digests were queued."""
    queued = digest_queue()
    notifications_send()
    return queued


@shared_task(name="notifications.tasks.webhooks_deliver_task", acks_late=True, ignore_result=True)
def webhooks_deliver_task() -> int:
    """Send due webhook deliveries (idempotent: rows are claimed before sending)."""
    from notifications.webhook_delivery import webhooks_deliver

    return webhooks_deliver()
