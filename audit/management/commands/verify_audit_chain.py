from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from audit.labels import CHAIN_BREAK_REASONS
from audit.services import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain from the first event to the last and name the first "
        "broken event. Exit status 1 when the chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000, help="events read per database round trip")

    def handle(self, *args, chunk_size, **options):
        with translation.override("en"):
            checked, broken, head = audit_chain_verify(chunk_size=chunk_size)
            if broken:
                when = broken.created_at.isoformat() if broken.created_at else "unknown time"
                raise CommandError(
                    f"Audit chain broken at event {broken.id} ({when}), after event {broken.previous_id}: "
                    f"{CHAIN_BREAK_REASONS[broken.reason]}. {checked} events checked."
                )
        last = f"; newest event {head[0]}, hash {head[1]}" if head else ""
        self.stdout.write(f"Audit chain intact: {checked} events checked{last}.")
