"""Plain helpers for the approval tests: the contents of a complete request, the owner's set-up
steps, and counts of everything a workflow step can write."""

from decimal import Decimal

from django.db.models import Max

from accounts.choices import Classification
from accounts.models import Assignment, Handover, SenderConfirmation, SocialAccount
from accounts.services import sender_checklist_confirm, sender_checklist_items, social_account_details_change
from approvals.models import Decision, DecommissionConfirmation, Submission
from audit.models import AuditEvent
from notifications.models import Notification
from tests import factories


def request_fields(**overrides) -> dict:
    """Everything a complete request holds (REQUIRED_FOR_SUBMISSION and more)."""
    return {
        "name": "KI Medicin Solna",
        "platform": factories.platform("instagram"),
        "classification": Classification.OFFICIAL,
        "purpose": "Berätta om forskning och utbildning vid institutionen.",
        "goal": "Fler sökande till forskarutbildningen.",
        "operational_benefit": "Rekrytering av doktorander.",
        "audience_benefit": "Blivande doktorander ser hur forskningen går till.",
        "target_audiences": "Studenter och forskare.",
        "success_measures": "Antal sökande per utlysning, följs upp varje år.",
        "resource_assessment": "En kommunikatör på 10 procent.",
        "hours_per_week": Decimal("4.0"),
        "holiday_cover": "Ersättaren bevakar under semestern.",
        "ki_activity": "Forskarutbildningen vid institutionen.",  # PURP-4
        "core_values_confirmed": True,  # PURP-4
        **overrides,
    }


def record_address(account, actor, handle: str = "kimedicinsolna", url: str = ""):
    """Record the approved account's address, as the owner does once it exists on the platform."""
    return social_account_details_change(
        actor=actor,
        account_id=account.pk,
        name=account.name,
        url=url or f"https://www.instagram.com/{handle}",
        platform=account.platform,
        handle=handle,
    )


def confirm_sender_checklist(account, actor):
    return sender_checklist_confirm(actor=actor, account_id=account.pk, items=sender_checklist_items(account))


def counts() -> dict[str, int]:
    """How many rows each workflow table holds: compare before and after to prove nothing was written."""
    models = (
        SocialAccount,
        Submission,
        Decision,
        DecommissionConfirmation,
        SenderConfirmation,
        Assignment,
        Handover,
        Notification,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


def notification_mark() -> int:
    """The newest outbox row now; rows queued later have a higher primary key."""
    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def queued_since(mark: int) -> list[tuple[str, str]]:
    """(to_email, kind) of each row queued after the mark, sorted."""
    return sorted(Notification.objects.filter(pk__gt=mark).values_list("to_email", "kind"))


def actions(account) -> list[str]:
    """The audit actions recorded on an account, oldest first."""
    return list(AuditEvent.objects.for_object(account).order_by("created_at", "id").values_list("action", flat=True))
