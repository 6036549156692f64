"""View helpers that hand the work to a service and show its answer (docs/architecture.md).

`NotAllowed` is never caught here: core.middleware turns it into 403. `ApplicationError` is shown
as a form error (ServiceFormMixin) or as a message on the page the action returns to
(ServiceActionView); nothing is written in either case, because the service refused.
"""

from django.contrib import messages
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext
from django.views import View, defaults

from core.exceptions import ApplicationError, NotAllowed


def form_errors_to_messages(request, form) -> None:
    """Every error of an invalid form as an error message (for forms posted from another page)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class ServiceFormMixin:
    """A form view whose valid form is handed to a service (self.perform). An ApplicationError
    from the service becomes a form error and nothing is written."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except NotAllowed:
            raise  # core.middleware answers 403
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class ServiceActionView(View):
    """A button posted from a page: validate the small form (if any), call the service, show its
    answer as a message and go back to that page.

    Subclasses set `form_class` (or None) and `success_message`, and implement `perform(form)` and
    `get_redirect_url()`. An invalid form and an ApplicationError become error messages."""

    http_method_names = ["post"]
    form_class = None
    success_message = ""

    def get_form(self):
        return self.form_class(self.request.POST, self.request.FILES) if self.form_class else None

    def post(self, request, *args, **kwargs):
        self.prepare()
        form = self.get_form()
        if form is not None and not form.is_valid():
            form_errors_to_messages(request, form)
            return HttpResponseRedirect(self.get_redirect_url())
        try:
            self.perform(form)
        except NotAllowed:
            raise  # core.middleware answers 403
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_redirect_url())

    def prepare(self) -> None:
        """Look up the object the action is about (404 for what the user may not see)."""

    def perform(self, form):
        raise NotImplementedError

    def get_redirect_url(self) -> str:
        raise NotImplementedError


def page_not_found(request, exception):
    """settings' handler404: under /api/ a JSON 404 ``{"detail": …}`` like every other API answer
    (an address no route matches, such as /api/v1/accounts/1.5/: issue 14), elsewhere the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def favicon(request):
    """/favicon.ico, which browsers ask for by themselves (a JSON or PDF response has no <link
    rel="icon">): the static icon, so that no first load logs a 404 (issue 15)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
