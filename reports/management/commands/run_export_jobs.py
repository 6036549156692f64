from django.core.management.base import BaseCommand

from reports import jobs


class Command(BaseCommand):
    help = "Make the files of queued export jobs (works without a broker); --purge also deletes expired files."

    def add_arguments(self, parser):
        parser.add_argument("--purge", action="store_true", help="also delete files whose download time is over")

    def handle(self, *args, **options):
        ran = jobs.export_jobs_run_pending()
        self.stdout.write(f"Export jobs run: {ran}.")
        if options["purge"]:
            self.stdout.write(f"Export files deleted: {jobs.exports_purge()}.")
