from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from org import people_sync


class Command(BaseCommand):
    help = (
        "Bring people in line with an HR export (CSV: email, employee_id, first_name, last_name, unit_code, "
        "end_date): marks as left everyone whose end date has passed and updates names and units. A dry run "
        "unless --apply is given. See docs/people.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument("--apply", action="store_true", help="write the changes (default: only report them)")

    def handle(self, *args, file: Path, apply: bool, **options):
        # An operator's command: its report is in English throughout (the summary is not
        # translated), rather than Swedish row messages under an English summary.
        with translation.override("en"):
            self._handle(file=file, apply=apply)

    def _handle(self, *, file: Path, apply: bool):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            plan = people_sync.plan(text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for row in plan.errors:
            self.stderr.write(f"Row {row.row}: {row.error}")
        counts = plan.counts()
        self.stdout.write(
            "{mode}: {rows} rows; {leave} to mark as left, {update} with names or unit to update, "
            "{already_left} already left, {leaving_later} leaving later, {employed} employed, "
            "{not_in_portal} not in the portal, {errors} refused.".format(
                mode="Apply" if apply else "Dry run (nothing written; --apply writes)", **counts
            )
        )
        if apply:
            done = people_sync.apply(plan)
            self.stdout.write(f"Marked as left: {done['left']}. Updated: {done['updated']}.")
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} row(s) refused; see above.")
