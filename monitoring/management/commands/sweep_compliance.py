from django.core.management.base import BaseCommand

from monitoring.services import compliance_sweep


class Command(BaseCommand):
    help = "Evaluate every compliance rule and open or resolve findings (what the hourly job does)."

    def handle(self, *args, **options):
        counts = compliance_sweep()
        self.stdout.write(f"Findings opened {counts['opened']}, resolved {counts['resolved']}, open {counts['open']}.")
