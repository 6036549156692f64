from django.db import transaction

from audit.services import audit_record, snapshot

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

    # Deletions and many-to-many changes (issue 11, defect 7). New methods, so that save_model
    # stays as it is; audit_record leaves many-to-many managers out of save_model's event.

    def delete_model(self, request, obj):
        with transaction.atomic():
            _record_deletion(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The admin's "delete selected" action: one event per object, in one transaction."""
        with transaction.atomic():
            for obj in queryset:
                _record_deletion(request, obj)
            super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        """Record many-to-many changes (groups, permissions) by name: "groups: + comms, − auditor"."""
        obj = form.instance
        fields = [f.name for f in obj._meta.many_to_many if f.name in form.changed_data]
        before = {name: _names(getattr(obj, name).all()) for name in fields} if change else {}
        super().save_related(request, form, formsets, change)
        after = {name: _names(getattr(obj, name).all()) for name in fields}
        changed = {name: (before.get(name, []), new) for name, new in after.items() if before.get(name, []) != new}
        if changed:
            audit_record(
                actor=request.user,
                target=obj,
                action="admin.relations",
                before={name: old for name, (old, _new) in changed.items()},
                after={name: new for name, (_old, new) in changed.items()},
                note="; ".join(_describe(name, old, new) for name, (old, new) in changed.items()),
            )


# Never copied into the trail, even as a hash.
_SECRET_FIELDS = {"password"}


def _record_deletion(request, obj):
    fields = [f.name for f in obj._meta.concrete_fields if f.name not in _SECRET_FIELDS]
    audit_record(actor=request.user, target=obj, action="admin.delete", before=snapshot(obj, fields))


def _names(objects) -> list[str]:
    return sorted(str(o) for o in objects)


def _describe(name: str, old: list[str], new: list[str]) -> str:
    added = [f"+ {n}" for n in new if n not in old]
    removed = [f"− {n}" for n in old if n not in new]
    return f"{name}: {', '.join(added + removed)}"


class ReadOnlyAdminMixin:
    """An admin page that shows rows but never adds, changes or deletes them: they change
    through the portal's services (which audit, notify and keep caches current)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
