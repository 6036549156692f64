from django.contrib import admin

from accounts.models import Assignment, Platform, SocialAccount
from audit.admin_mixins import AuditedAdminMixin, ReadOnlyAdminMixin


@admin.register(Platform)
class PlatformAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the catalogue changes on the platform pages (/platforms/, issue 14), whose service
    checks an address rule against its examples and drops the cached catalogue."""

    list_display = ["name", "slug", "allowed_for_new", "can_disable_comments", "has_description", "reviewed_on"]


class AssignmentInline(admin.TabularInline):
    """Read-only: owners and deputies change through the portal, which keeps the history."""

    model = Assignment
    extra = 0
    can_delete = False
    readonly_fields = ["person", "role", "started_at", "ended_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SocialAccount)
class SocialAccountAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "platform", "handle", "unit", "status", "classification"]
    list_filter = ["status", "classification", "platform"]
    search_fields = ["name", "handle", "url"]
    readonly_fields = ["status", "platform", "handle", "url", "activated_at", "decommissioned_at"]
    raw_id_fields = ["unit"]
    inlines = [AssignmentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["account", "role", "person", "started_at", "ended_at"]
    list_filter = ["role"]
    raw_id_fields = ["account", "person"]
