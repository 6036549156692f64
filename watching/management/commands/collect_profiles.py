from django.core.management.base import BaseCommand

from watching.collect import collect_profiles


class Command(BaseCommand):
    help = "Look at every watched public profile once (what the daily `collect` job does), optionally then sweep."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, action="append", help="Only this account (repeatable).")
        parser.add_argument("--due", action="store_true", help="Only the accounts not looked at within the interval.")
        parser.add_argument("--seconds", type=float, help="Stop after this long (what the periodic task does).")
        parser.add_argument("--sweep", action="store_true", help="Evaluate the compliance rules afterwards.")

    def handle(self, *args, **options):
        stats = collect_profiles(account_ids=options["account"], due_only=options["due"], seconds=options["seconds"])
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(stats.outcomes.items())) or "none"
        self.stdout.write(
            f"Accounts {stats.accounts}, requests {stats.requests}, {stats.seconds:.1f} s; outcomes: {outcomes}."
        )
        if options["sweep"]:
            from monitoring.services import compliance_sweep

            counts = compliance_sweep()
            self.stdout.write(
                f"Findings opened {counts['opened']}, resolved {counts['resolved']}, open {counts['open']}."
            )
