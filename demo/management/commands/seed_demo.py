"""Build a KI-like organisation with demo users and about 40 accounts in many states.

Idempotent: every object is looked up by its natural key and created only when missing, so a
second run changes nothing. Refuses to write to a non-debug installation unless --force.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.choices import AccountStatus
from accounts.models import SocialAccount
from demo.builders import (
    access,
    accessibility,
    accounts,
    approvals,
    captures,
    cover,
    impostors,
    monitoring,
    notifications,
    org,
    platforms,
    records,
    watching,
)
from org.calendar import local_day
from reports import kept


class Command(BaseCommand):
    help = "Create demo users, units and accounts (idempotent). Demo password: kipolicy-demo."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists.")

    def handle(self, *args, force=False, if_empty=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to write demo data with DEBUG off; use --force if you mean it.")
        User = get_user_model()
        if if_empty and User.objects.exists():
            self.stdout.write("Users exist; demo data not written.")
            return
        self.notes = []
        with transaction.atomic():
            counts = self.seed()
        for note in filter(None, self.notes):
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS("Demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items())))

    def seed(self) -> dict:
        """The floors from the ground up: people and units, accounts (registered, or requested
        through approvals), then their history, records and findings; the outbox last."""
        people, created_users = org.build_people()
        actor = people["comms"]
        units, created_units = org.build_units(actor, people)
        platforms.build_platform_reviews(actor, local_day(timezone.now()))
        created_accounts = self.seed_accounts(people, units, actor)
        if created_accounts:
            self.seed_history(people)
            # The figures the nightly job keeps for the report on screen (reports.kept).
            kept.report_figures_keep()
        notifications.mark_outbox_handled()
        return {"users": created_users, "units": created_units, "accounts": created_accounts}

    def seed_accounts(self, people: dict, units: dict, actor) -> int:
        """Every account of the demo list not there yet, brought to its status. Returns how many."""
        platforms = accounts.platforms()
        created = 0
        for spec in accounts.ACCOUNTS:
            new = accounts.new_account(spec, units, platforms)
            if new is None:
                continue
            if new.registered_directly:
                account = accounts.build_registered(new, people, actor)
            else:
                status = AccountStatus.ACTIVE if spec.status in accounts.LIVE else spec.status
                account = approvals.build_request(
                    status, people[spec.owner], people[spec.deputy], new.found, new.fields, actor
                )
            approvals.build_decommissioning(account, spec.status, actor)
            created += 1
        return created

    def seed_history(self, people: dict) -> None:
        """A history for the compliance rules to find: half a year of check-ins with some gaps, old
        activation dates, screenshots, follow-ups, absences that leave no cover, an inactive
        channel, records, three accounts pointed at the watch fixtures and a start-page capture
        (live with Chromium when it can be). Then one sweep, so that every kind of finding is there."""
        now = timezone.now()
        today = local_day(now)
        active = list(SocialAccount.objects.filter(status=AccountStatus.ACTIVE).order_by("pk"))
        accounts.backdate_history(active, now)
        monitoring.build_checkins(active, people, today)
        monitoring.build_follow_ups(active, people, today)
        accounts.build_screenshots(active, people["comms"], today)
        org.build_absences(people, today)
        cover.build_covers(active, people, today)
        records.build_records(people, now)
        access.build_access(people, now)
        impostors.build_impostor_cases(people, now)
        accessibility.build_accessibility_reports(people)
        watching.point_at_fixtures()
        self.notes.append(captures.build_captures(active, today, people["comms"]))
        monitoring.build_findings(now)
