"""The one translation of service errors for the HTML pages (docs/architecture.md, "errors").

Services raise `NotAllowed` when the actor may not do something and `ApplicationError` when a
business rule refuses it. Views call services and catch neither:

- `NotAllowed` becomes Django's 403 (PermissionDenied, the 403 page);
- `ApplicationError` becomes its message, shown on the page the user came from (a same-site
  Referer), or on the start page when there is none. Views that know a better page to go back to
  use `core.views.ServiceActionView` or `ServiceFormMixin`, which handle it before it gets here.

The REST API has its own translation, `core.api.exception_handler` (JSON, 403 and 409).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import ApplicationError, NotAllowed


def safe_referer(request, default: str = "/") -> str:
    """The page the request came from, if it is on this site; otherwise `default`."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return default


class ServiceErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(exception.message) from exception
        if isinstance(exception, ApplicationError):
            messages.error(request, exception.message)
            return HttpResponseRedirect(safe_referer(request))
        return None
