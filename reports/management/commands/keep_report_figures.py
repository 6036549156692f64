from django.core.management.base import BaseCommand

from reports import kept


class Command(BaseCommand):
    help = "Compute and keep the compliance figures of the kept half years (the nightly keep-report-figures job)."

    def handle(self, *args, **options):
        for period, accounts in kept.report_figures_keep().items():
            self.stdout.write(f"{period}: {accounts} accounts.")
