from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect

from core.exceptions import ApplicationError, NotAllowed
from org import roles


class RegistryEditorRequiredMixin(LoginRequiredMixin):
    """Only the communications department edits the registry directly; everyone else gets 403.
    For an object they cannot even see, get_object answers 404 first."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if "pk" in kwargs:
                self.get_object()  # 404 before 403: do not reveal what the user cannot see
            if not roles.can_edit_registry(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ServiceFormMixin:
    """A form view whose valid form is handed to a service (self.perform). An ApplicationError
    from the service becomes a form error and nothing is written."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())
