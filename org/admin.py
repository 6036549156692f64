from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from audit.services import audit_record
from org.models import Absence, Unit, User
from org.unit_cache import units_changed


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("language",)}))
    # The name and e-mail address at once: reminders reach a person by e-mail before they ever log
    # in (issue 13). The People page (org.services.person_create) is the usual way to add someone.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "first_name", "last_name", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ["username", "first_name", "last_name", "email", "language", "is_active"]

    def user_change_password(self, request, id, form_url=""):
        """The admin's "change password" page: record who changed whose password (never the password)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                audit_record(
                    actor=request.user,
                    target=user,
                    action="admin.password",
                    after={"usable_password": user.has_usable_password()},
                )
        return response

    def delete_view(self, request, object_id, extra_context=None):
        """A user who acted is kept (the audit trail refers to them): say what to do instead."""
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.get_deleted_objects([user], request)[3]:
            messages.warning(
                request, _("A user who has acted in the portal cannot be deleted: deactivate them instead.")
            )
        return super().delete_view(request, object_id, extra_context)


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Units are created and moved through the portal's unit pages, which keep the tree's paths."""

    list_display = ["name", "kind", "parent", "manager", "registry_email"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["parent", "path", "depth"]
    raw_id_fields = ["manager"]

    def has_add_permission(self, request):
        return False

    # The unit filters' options are kept while the tree is unchanged (org.unit_cache).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        units_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        units_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        units_changed()


@admin.register(Absence)
class AbsenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "first_day", "last_day", "note"]
    raw_id_fields = ["person"]
    date_hierarchy = "first_day"


# Roles are groups (comms, auditor): their permissions and deletion are audited like any change.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    pass
