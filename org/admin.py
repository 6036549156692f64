from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from org.models import Absence, Unit, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Portal"), {"fields": ("language",)}))
    list_display = ["username", "first_name", "last_name", "email", "language", "is_active"]


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


@admin.register(Absence)
class AbsenceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "first_day", "last_day", "note"]
    raw_id_fields = ["person"]
    date_hierarchy = "first_day"
