from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from org import permissions, roles


class RegistryEditorRequiredMixin(LoginRequiredMixin):
    """Only the communications department edits the registry directly; everyone else gets 403.
    For an object they cannot even see, get_object answers 404 first."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if "pk" in kwargs:
                self.get_object()  # 404 before 403: do not reveal what the user cannot see
            if not self.is_allowed(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def is_allowed(self, user) -> bool:
        return roles.can_edit_registry(user)


class UnitEditorRequiredMixin(RegistryEditorRequiredMixin):
    """The unit pages' editors (org.permissions.can_edit_units): comms and administrators."""

    def is_allowed(self, user) -> bool:
        return permissions.can_edit_units(user)
