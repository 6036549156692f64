from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def collect_profiles_task() -> dict:
    """Daily on the `collect` queue: look at every watched public profile (issue 17), then let the
    compliance sweep turn what was seen into findings (watching.rules)."""
    from monitoring.services import compliance_sweep
    from watching.collect import collect_profiles

    stats = collect_profiles()
    compliance_sweep()
    return {"accounts": stats.accounts, "requests": stats.requests, **stats.outcomes}
