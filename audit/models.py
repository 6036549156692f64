from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import chain


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))

    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    update.queryset_only = True

    def delete(self):
        raise TypeError("Audit events are append-only.")

    delete.queryset_only = True


class AuditEvent(models.Model):
    """One state change or change of responsibility: who did what to which object, with the
    fields before and after. Append-only: code never updates or deletes these rows, and the
    database refuses to (triggers, migration 0004). Each row is chained to the one before it
    (prev_hash, hash: audit/chain.py)."""

    # Set by audit_record, not auto_now_add: the time is part of the hashed content.
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # PROTECT: a user who acted is deactivated, never deleted (deleting would rewrite the trail).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_repr = models.CharField(_("who"), max_length=200)
    action = models.CharField(_("action"), max_length=80)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, default=chain.GENESIS)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"], name="audit_target")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    @property
    def action_label(self):
        from audit.labels import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the event names, for display."""
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]
