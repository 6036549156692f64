"""The health check "the compliance sweep ran recently" (MON-1): beat stopping must not be silent.

The hourly sweep records each run as a CheckRun (services.job_run). If beat stops, or no worker
takes its jobs, or every sweep fails, the last finished sweep grows old; /health/ then answers 503
and names the sweep. A django-health-check check (health_check.HealthCheck), so that the project
wires it into its health view beside the library's own checks (kipolicy/health.py).
"""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from health_check import HealthCheck
from health_check.exceptions import ServiceUnavailable

from monitoring.choices import RunStatus
from monitoring.models import CheckRun
from monitoring.services import SWEEP_JOB


def last_sweep_finished_at() -> datetime.datetime | None:
    """When the last successful compliance sweep finished (None if none has)."""
    return (
        CheckRun.objects.filter(job=SWEEP_JOB, status=RunStatus.OK, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def sweep_problem(now: datetime.datetime | None = None) -> str:
    """What is wrong with the sweep's freshness, or "" when the last sweep is recent enough."""
    now = now or timezone.now()
    limit = datetime.timedelta(minutes=settings.HEALTH_SWEEP_MAX_AGE_MINUTES)
    finished = last_sweep_finished_at()
    if finished is None:
        return "compliance sweep: none has finished yet (it runs hourly at :05; is beat running?)"
    age = now - finished
    if age > limit:
        minutes = int(age.total_seconds() // 60)
        return (
            f"compliance sweep: the last one finished {minutes} minutes ago (limit "
            f"{settings.HEALTH_SWEEP_MAX_AGE_MINUTES}); are beat and a worker running?"
        )
    return ""


@dataclasses.dataclass
class SweepFreshness(HealthCheck):
    """Unavailable when the last successful compliance sweep is older than HEALTH_SWEEP_MAX_AGE_MINUTES."""

    async def run(self):
        # In the request's thread, on its database connection (thread_sensitive).
        problem = await sync_to_async(sweep_problem)()
        if problem:
            raise ServiceUnavailable(problem)
