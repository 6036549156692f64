from django.core.management.base import BaseCommand

from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Deliver queued e-mails from the outbox (what the per-minute Celery job does)."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {notifications_send()} e-mail(s).")
