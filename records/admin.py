from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin
from records.models import Block, Incident, Inquiry, MediaConsent, RecordsRequest, Retention, WeedingDecision


@admin.register(Incident)
class IncidentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["account", "category", "removed_at", "hand_off", "registry_reference"]
    list_filter = ["category", "hand_off"]
    raw_id_fields = ["account"]
    # Screenshot links change only through incident_log and weeding decisions.
    readonly_fields = ["evidence", "logged_by", "logged_by_repr", "hand_off", "handed_off_at", "registry_email"]

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


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Records are changed only through the portal's services, which check holds and audit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Block)
class BlockAdmin(ReadOnlyRecordAdmin):
    list_display = ["account", "visitor", "action", "blocked_at", "reviewed_at", "unblocked_at"]


@admin.register(RecordsRequest)
class RecordsRequestAdmin(ReadOnlyRecordAdmin):
    list_display = ["requester", "received_at", "status", "period_start", "period_end"]


@admin.register(WeedingDecision)
class WeedingDecisionAdmin(ReadOnlyRecordAdmin):
    list_display = ["account", "period_start", "period_end", "decided_by_repr", "created_at"]


@admin.register(Retention)
class RetentionAdmin(ReadOnlyRecordAdmin):
    list_display = ["account", "research_value", "public_interest"]


@admin.register(MediaConsent)
class MediaConsentAdmin(ReadOnlyRecordAdmin):
    list_display = ["account", "subject", "form", "given_on", "withdrawn_on"]
