from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel


class Notification(BaseModel):
    """An e-mail in the outbox. Written in the same transaction as what caused it, rendered in the
    recipient's language, and delivered by a Celery task that claims it first, so that it is sent
    once: the unique dedupe key stops a repeated cause from queueing it twice."""

    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(max_length=5)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_data = models.BinaryField(null=True, blank=True, editable=False)
    link = models.CharField(max_length=500, blank=True)

    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The sender's query: unsent rows, oldest first.
            models.Index(fields=["created_at"], name="notif_unsent", condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to_email}"


from notifications.webhook_models import WebhookDelivery, WebhookEndpoint  # noqa: E402,F401 - Django finds them here
