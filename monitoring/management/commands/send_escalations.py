from django.core.management.base import BaseCommand

from monitoring import reminders


class Command(BaseCommand):
    help = "Queue escalations of overdue findings to responsible managers (the 09:00 job on working days)."

    def handle(self, *args, **options):
        self.stdout.write(str(reminders.escalations_queue()))
