from django.core.management.base import BaseCommand

from notifications.digest import digest_queue
from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Send each daily-digest reader one e-mail of their waiting messages (what the 08:30 Celery job does)."

    def handle(self, *args, **options):
        queued = digest_queue()
        sent = notifications_send()
        self.stdout.write(f"Queued {queued} digest(s); sent {sent} e-mail(s).")
