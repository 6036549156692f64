from audit.services import audit_record


class AuditedAdminMixin:
    """Changes made in the Django admin land in the audit trail like any other change."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and form.changed_data:
            original = type(obj).objects.get(pk=obj.pk)
            before = {f: getattr(original, f) for f in form.changed_data}
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            audit_record(
                actor=request.user,
                target=obj,
                action=f"admin.{'change' if change else 'add'}",
                before=before,
                after={f: getattr(obj, f) for f in form.changed_data},
            )
