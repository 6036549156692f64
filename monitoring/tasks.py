from celery import shared_task

from monitoring import reminders, selectors, services
from monitoring.audit_chain import audit_chain_check


@shared_task(acks_late=True, ignore_result=True)
def compliance_sweep_task() -> dict:
    """Hourly: evaluate every rule (idempotent; safe when two workers run it), then compute the
    whole-KI compliance overview's figures into the cache."""
    counts = services.compliance_sweep()
    selectors.overview_warm()
    return counts


@shared_task(acks_late=True, ignore_result=True)
def reminders_send_task() -> dict:
    """08:00: the daily reminders to owners and deputies."""
    return reminders.daily_reminders_queue()


@shared_task(acks_late=True, ignore_result=True)
def escalations_send_task() -> dict:
    """09:00 on working days: findings past their grace period go to the responsible manager."""
    return reminders.escalations_queue()


@shared_task(acks_late=True, ignore_result=True)
def weekly_digest_task() -> dict:
    """Monday 07:00: the communications department's digest."""
    return reminders.weekly_digest_queue()


@shared_task(acks_late=True, ignore_result=True)
def audit_chain_verify_task() -> dict:
    """03:30 daily: recompute the audit trail's hash chain; mail comms once per break."""
    return audit_chain_check()
