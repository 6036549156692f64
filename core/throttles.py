"""Rate limits: the REST API's throttles and one decorator for the public pages (issue 11).

- ``UserRateThrottle`` / ``AnonRateThrottle``: DRF's own, per API user (token or session) and per
  client IP for requests without valid credentials (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]);
  core.api also counts refused credentials (401) against the IP's anonymous rate, because DRF
  would otherwise check throttles only after authentication has succeeded.
- ``rate_limit(scope)``: the same DRF throttle, per client IP, around a plain Django view (the
  public directory, its check.json and the ping address). DRF's throttle is reused rather than
  a counter of our own: it is maintained, keeps its window in the shared cache (settings.CACHES)
  and computes the wait that ``Retry-After`` announces.
- ``client_ip``: the one client address for django-axes, the throttles and the public limits,
  trusting X-Forwarded-For only as far as settings.TRUSTED_PROXY_COUNT says.

Rates come from settings.THROTTLE_RATES (environment variables, docs/configuration.md) and are
read on every request, so a test can change them with ``settings``.

When the cache cannot be reached (Redis stopped), requests are let through and a warning is
logged: a rate limit must not take the portal down with its cache.
"""

import functools
import logging
import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from rest_framework import throttling


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw (DRF's rule)."""
    return throttling.BaseThrottle().get_ident(request)


logger = logging.getLogger(__name__)


class _RatesFromSettings:
    """Read the rate of the throttle's scope from settings.THROTTLE_RATES at each request (DRF
    reads its rates once, when the module is imported), and let requests through when the cache
    is down."""

    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # each cache backend raises its own errors (redis, memcached, files)
            logger.warning("Rate limit %s not applied: the cache cannot be reached.", self.scope, exc_info=True)
            return True


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Per API user (whether by token or session): THROTTLE_RATES["user"]."""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Per client IP for requests without valid credentials: THROTTLE_RATES["anon"]."""


class IpRateThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """Per client IP in a named scope, logged in or not: THROTTLE_RATES[scope]."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class UserOrIpRateThrottle(IpRateThrottle):
    """Per logged-in user in a named scope (per client IP for anyone else): for pages that only
    staff reach, where one campus address may stand for many people."""

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        ident = f"user-{user.pk}" if user is not None and user.is_authenticated else client_ip(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def retry_after(throttle) -> int:
    """Whole seconds until the client may try again (at least 1)."""
    return max(1, math.ceil(throttle.wait() or 1))


def rate_limit(scope: str, *, json: bool = False, per_user: bool = False):
    """Decorate a view: more than THROTTLE_RATES[scope] requests from one IP (from one logged-in
    user with per_user=True) answer 429 with Retry-After, as JSON ``{"detail": …}`` (json=True)
    or as a page in the site's layout. For a class-based view, use it with
    ``method_decorator(…, name="dispatch")``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = UserOrIpRateThrottle(scope) if per_user else IpRateThrottle(scope)
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            seconds = retry_after(throttle)
            message = gettext("Too many requests from your address. Try again in %(seconds)d seconds.") % {
                "seconds": seconds
            }
            if json:
                response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
            else:
                response = render(request, "429.html", {"message": message}, status=429)
            response["Retry-After"] = str(seconds)
            return response

        return wrapped

    return decorator


def schema_add_throttled_response(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation may answer 429 with Retry-After."""
    throttled = {
        "description": "Too many requests: wait the number of seconds in Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        "content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}}}}},
    }
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("429", throttled)
    return result
