from audit.services import audit_record

# Never copied into the audit trail, not even as a hash.
SECRET_FIELDS = frozenset({"password"})


def recorded_fields(obj, form) -> list[str]:
    """The changed form fields that are the model's own, secrets left out. A form may have fields
    that are not the model's (the admin's add-user form: password1, password2, usable_password)."""
    names = {field.name for field in [*obj._meta.fields, *obj._meta.many_to_many]} - SECRET_FIELDS
    return [name for name in form.changed_data if name in names]


class AuditedAdminMixin:
    """Changes made in the Django admin land in the audit trail like any other change."""

    def save_model(self, request, obj, form, change):
        fields = recorded_fields(obj, form)
        before = {}
        if change and fields:
            original = type(obj).objects.get(pk=obj.pk)
            before = {f: getattr(original, f) for f in fields}
        super().save_model(request, obj, form, change)
        if form.changed_data or not change:
            audit_record(
                actor=request.user,
                target=obj,
                action=f"admin.{'change' if change else 'add'}",
                before=before,
                after={f: getattr(obj, f) for f in fields},
            )
