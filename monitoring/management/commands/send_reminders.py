from django.core.management.base import BaseCommand

from monitoring import reminders


class Command(BaseCommand):
    help = "Queue the daily reminders to owners and deputies (what the 08:00 job does)."

    def handle(self, *args, **options):
        self.stdout.write(str(reminders.daily_reminders_queue()))
