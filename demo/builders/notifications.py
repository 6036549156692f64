"""Demo notifications: demo data does not mail anyone."""

from django.utils import timezone

from notifications.models import Notification


def mark_outbox_handled() -> None:
    """The outbox rows the demo queued are marked as handled, not sent."""
    Notification.objects.filter(sent_at__isnull=True).update(
        sent_at=timezone.now(), last_error="demo data: not delivered"
    )
