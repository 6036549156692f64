from celery import shared_task
from django.conf import settings
from django.core.cache import cache

LOCK = "watching:collect-run"


@shared_task(acks_late=True, ignore_result=True)
def collect_profiles_task() -> dict:
    """Every 15 minutes on the `collect` queue (issue 17): look at the watched public profiles
    not looked at within WATCHING_INTERVAL_HOURS, for at most WATCHING_RUN_SECONDS (inside
    Celery's time limit); the next run goes on where this one stopped. One run at a time (a lock
    in the shared cache). First it deletes the history older than WATCHING_HISTORY_DAYS (one
    statement). The hourly compliance sweep turns what was seen into findings."""
    from watching.collect import collect_profiles, history_prune

    if not cache.add(LOCK, 1, timeout=settings.WATCHING_RUN_SECONDS + 60):
        return {"skipped": "another run is going on"}
    try:
        pruned = history_prune()
        stats = collect_profiles(due_only=True, seconds=settings.WATCHING_RUN_SECONDS)
    finally:
        cache.delete(LOCK)
    pruned = {"history_pruned": pruned} if pruned else {}
    return {"accounts": stats.accounts, "requests": stats.requests, **pruned, **stats.outcomes}
