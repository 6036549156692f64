"""Failed logins and lockouts (django-axes, issue 11): the audit events and the lockout page.

django-axes counts failed logins per username and client IP (settings: 5 failures lock that pair
out for 15 minutes). This module adds what the portal needs on top of it:

- every failed login, every login refused during a lockout and every lockout becomes an audit
  event (``login.failed``, ``login.refused``, ``login.locked_out``). The actor is the user whose
  username was tried, when one exists; otherwise the tried username is kept in ``actor_repr``.
  The target is that User row; for a username that does not exist, axes' AccessAttempt row of
  the username and IP (the record of the failures; when it is deleted at the end of the lock
  the event keeps its text). The password is never recorded: only the IP address, the browser's
  user agent and the count. axes signals the lockout while it handles the failure that reached
  the limit, so login.locked_out comes just before that failure's login.failed;
- the lockout page (AXES_LOCKOUT_CALLABLE): in the site's layout, in the user's language, saying
  how long and whom to contact; status 429 with Retry-After.

Receivers of axes' and Django's signals rather than a service, because the login itself is
Django's view: there is no service of ours to record it from. They are connected in
org.apps.OrgConfig.ready.
"""

import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format

from audit.services import audit_record

USERNAME_REPR_LENGTH = 150


def _actor_and_target(username: str | None, ip_address: str | None):
    """(actor, actor_repr, target) for an attempt with this username from this address."""
    from axes.models import AccessAttempt

    username = (username or "")[:USERNAME_REPR_LENGTH]
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is not None:
        return user, None, user
    target = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address).order_by("-attempt_time").first()
        # Only when axes recorded nothing (a whitelisted address): the user table itself.
        or ContentType.objects.get_for_model(get_user_model())
    )
    return None, f"{username!r} (no such user)", target


def _details(request) -> dict:
    return {
        "ip_address": getattr(request, "axes_ip_address", None),
        "user_agent": (getattr(request, "axes_user_agent", "") or "")[:200],
    }


def _refused_during_lockout(request) -> bool:
    """axes' backend refused the attempt before the password was checked: the pair was locked
    already (axes then counts nothing, so it set no failure count)."""
    locked = bool(getattr(request, "axes_locked_out", False))
    return locked and getattr(request, "axes_failures_since_start", None) is None


def login_failed_record(sender, credentials, request=None, **kwargs):
    """Django's user_login_failed: one audit event per failed or refused login."""
    if request is None:  # authenticate() called by code, not by a login form
        return
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials)
    actor, actor_repr, target = _actor_and_target(username, getattr(request, "axes_ip_address", None))
    refused = _refused_during_lockout(request)
    audit_record(
        actor=actor,
        actor_repr=actor_repr,
        target=target,
        action="login.refused" if refused else "login.failed",
        after={**_details(request), "failures": getattr(request, "axes_failures_since_start", None)},
    )


def lockout_record(sender, request, username, ip_address, **kwargs):
    """axes' user_locked_out: one audit event when the limit is reached. axes sends the signal
    again for each attempt during the lockout; those are already recorded as login.refused."""
    if _refused_during_lockout(request):
        return
    actor, actor_repr, target = _actor_and_target(username, ip_address)
    audit_record(
        actor=actor,
        actor_repr=actor_repr,
        target=target,
        action="login.locked_out",
        after={
            **_details(request),
            "failures": getattr(request, "axes_failures_since_start", None),
            "locked_until": _locked_until(request, username),
        },
    )


def _locked_until(request, username: str | None):
    """When the lock of this username and IP ends: the last counted failure plus the cool-off."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    last = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or request.axes_attempt_time or timezone.now()) + get_cool_off(request)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE): 429, Retry-After, how long and whom to contact."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    until = _locked_until(request, get_client_username(request, credentials))
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(cool_off.total_seconds() / 60),
        "until": time_format(timezone.localtime(until), "H:i"),
        "contact": settings.COMMS_EMAIL,
    }
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response
