"""/health/: is this installation working? JSON for machines, no login, no secrets.

Built on django-health-check (4.x): its check classes and its view, with four choices of ours:

- the answer is always JSON, ``{"status": "healthy"|"unhealthy", "checks": {name: {"status", "message"}}}``,
  with 200 or **503** (the library answers 500, which monitors and load balancers read as a bug);
- the checks that touch the database run in the request's own thread (``sync_to_async``,
  thread-sensitive) rather than the library's thread pool, so they use the request's connection
  (closed at the end of the request like any other; a pool thread's connection would never be);
- the broker is checked as configured: Redis is pinged, kombu's filesystem broker's folders must
  be writable, another broker is not checked;
- three views with different sets of checks, because what should restart or unroute a process is
  less than what should page a person:

  ``/health/``        database, broker, storage, compliance sweep: monitoring, docker-compose's web
                      healthcheck. A stale sweep (beat stopped) or a Redis outage makes it 503.
  ``/health/ready/``  database and storage: what this web process needs to serve pages (Kubernetes
                      readiness). A stale sweep or Redis down must not take every web pod out of
                      the Service: the pages keep working without them.
  ``/health/live/``   no dependencies: the process answers (Kubernetes liveness). Restarting a web
                      pod does not fix a database outage.
  ``/health/sweep/``  the sweep alone, for beat's healthcheck (``manage.py health_check health-sweep --no-http``).
"""

import asyncio
import dataclasses
import os
from collections.abc import Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from health_check import HealthCheck, checks
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from monitoring.health import SweepFreshness


@dataclasses.dataclass
class Database(checks.Database):
    """The library's SELECT 1, on the request's own connection."""

    async def run(self):
        await sync_to_async(super().run)()


@dataclasses.dataclass
class FilesystemBroker(HealthCheck):
    """kombu's filesystem broker is a set of folders: each must exist and be writable."""

    folders: dict = dataclasses.field(default_factory=dict, repr=False)

    async def run(self):
        for name, folder in self.folders.items():
            if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
                raise ServiceUnavailable(f"filesystem broker: {name} is missing or not writable")


def broker_check() -> HealthCheck | None:
    """The check for the configured Celery broker, or None when there is none we can check."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        from health_check.contrib.redis import Redis
        from redis.asyncio import Redis as RedisClient

        return Redis(client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=2, socket_timeout=2))
    if url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders = {k: v for k, v in options.items() if "folder" in k and v}
        return FilesystemBroker(folders=folders)
    return None


CHECKS: dict[str, Callable[[], HealthCheck | None]] = {
    "database": Database,
    "broker": broker_check,
    "storage": checks.Storage,  # default_storage: writes, reads and deletes a small file
    "sweep": SweepFreshness,
}


class HealthView(HealthCheckView):
    """Run the named checks; 200 when all pass, 503 when one fails. Always JSON."""

    names: tuple[str, ...] = tuple(CHECKS)

    def named_checks(self) -> dict[str, HealthCheck]:
        made = {name: CHECKS[name]() for name in self.names}
        return {name: check for name, check in made.items() if check is not None}

    def get_checks(self):  # used by the library's `manage.py health_check … --no-http`
        yield from self.named_checks().values()

    async def get(self, request, *args, **kwargs):
        named = self.named_checks()
        results = await asyncio.gather(*(check.get_result() for check in named.values()))
        report = {
            name: {"status": "unavailable" if r.error else "ok", "message": str(r.error) if r.error else "OK"}
            for name, r in zip(named, results, strict=True)
        }
        healthy = not any(r.error for r in results)
        return JsonResponse(
            {"status": "healthy" if healthy else "unhealthy", "checks": report}, status=200 if healthy else 503
        )


urlpatterns = [
    path("", HealthView.as_view(), name="health"),
    path("ready/", HealthView.as_view(names=("database", "storage")), name="health-ready"),
    path("live/", HealthView.as_view(names=()), name="health-live"),
    path("sweep/", HealthView.as_view(names=("sweep",)), name="health-sweep"),
]
