"""The one translation of service errors for the REST API (REST_FRAMEWORK["EXCEPTION_HANDLER"]):
`NotAllowed` answers 403 and `ApplicationError` 409, both as `{"detail": message}` like every
other DRF error. The HTML pages have theirs in core.middleware."""

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, NotAllowed


def exception_handler(exc, context):
    if isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
