from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "sent_at", "attempts"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["to_email", "subject", "dedupe_key"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "attachment_data"]
    exclude = ["attachment_data"]

    def has_add_permission(self, request):
        return False
