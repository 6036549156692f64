"""manage.py import_units FILE [--apply --user USERNAME]: the unit tree import from the command
line (org.unit_import; docs/units.md). Without --apply it prints the dry run and writes nothing."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from org import unit_import


class Command(BaseCommand):
    help = "Import the unit tree from a CSV or XLSX file (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV or XLSX file with the columns of docs/units.md.")
        parser.add_argument("--apply", action="store_true", help="Write the changes (default: dry run only).")
        parser.add_argument(
            "--user",
            help="Username of the communications department member the changes are recorded as (with --apply).",
        )

    def handle(self, *args, **options):
        actor = None
        if options["apply"]:
            if not options["user"]:
                raise CommandError("--apply needs --user USERNAME: the audit trail records who imported.")
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']!r}.") from None
        started = time.monotonic()
        try:
            with open(options["file"], "rb") as handle:
                table = unit_import.parse_units(handle)
            plan = unit_import.plan_unit_import(table, actor=actor)
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for row in plan.rows:
            if row.action == unit_import.Action.INVALID:
                for problem in row.problems:
                    self.stdout.write(f"row {row.row}: refused: {problem}")
            elif row.action != unit_import.Action.UNCHANGED:
                fields = ", ".join(sorted(row.changes))
                self.stdout.write(f"row {row.row}: {row.action} {row.code} ({fields})")
            for warning in row.warnings:
                self.stdout.write(f"row {row.row}: warning: {warning}")
        for unit in plan.missing:
            self.stdout.write(f"not in the file (kept): {unit.code or '-'} {unit.name}")
        counts = plan.counts
        self.stdout.write(
            f"{counts['create']} to create, {counts['update']} to change, {counts['unchanged']} unchanged, "
            f"{counts['invalid']} refused, {len(plan.missing)} units of the portal not in the file."
        )
        if not plan.to_write:
            self.stdout.write("Nothing to change.")
            return
        if not options["apply"]:
            self.stdout.write("Dry run: nothing written. Run again with --apply --user USERNAME to import.")
            return
        try:
            done = unit_import.unit_import_apply(actor=actor, plan=plan)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {done['created']} created, {done['changed']} changed, {done['people']} pending people "
                f"added in {time.monotonic() - started:.2f} s."
            )
        )
