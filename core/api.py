"""The one translation of service errors for the REST API (REST_FRAMEWORK["EXCEPTION_HANDLER"]):
`NotAllowed` answers 403 and `ApplicationError` 409, both as `{"detail": message}` like every
other DRF error. The HTML pages have theirs in core.middleware.

A request refused for missing or wrong credentials (401) also counts against its IP's anonymous
rate (core.throttles): DRF checks throttles only after authentication, so without this nothing
would slow down a client guessing tokens."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, NotAllowed
from core.throttles import AnonRateThrottle


def exception_handler(exc, context):
    if isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        throttle = AnonRateThrottle()
        if not throttle.allow_request(context["request"], context["view"]):
            exc = exceptions.Throttled(throttle.wait())
    return drf_exception_handler(exc, context)
