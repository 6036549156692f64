from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin
from records.models import Incident, Inquiry


@admin.register(Incident)
class IncidentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["account", "category", "removed_at", "hand_off", "registry_reference"]
    list_filter = ["category", "hand_off"]
    raw_id_fields = ["account", "evidence"]
    readonly_fields = ["logged_by", "logged_by_repr", "handed_off_at", "registry_email"]

    def has_delete_permission(self, request, obj=None):
        return False  # removal is not disposal: records go only through a weeding decision


@admin.register(Inquiry)
class InquiryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["account", "kind", "received_at", "due_at", "answered_at"]
    list_filter = ["kind", "needs_registration"]
    raw_id_fields = ["account", "routed_to"]
    readonly_fields = ["due_at", "logged_by", "answered_by"]

    def has_delete_permission(self, request, obj=None):
        return False
