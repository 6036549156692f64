from django.core.management.base import BaseCommand

from monitoring import reminders


class Command(BaseCommand):
    help = "Queue the communications department's weekly digest (the Monday 07:00 job)."

    def handle(self, *args, **options):
        self.stdout.write(str(reminders.weekly_digest_queue()))
