"""Signed webhooks for other KI systems (issue 14, feature row 31): the endpoints comms registers
and the outbox of deliveries to them, built like the e-mail outbox (notifications.models
Notification): rows written in the transaction of their cause, claimed by a sender, retried with
backoff; at least once, under one idempotency key per delivery (X-KI-Delivery). Imported into
notifications.models, so Django finds them in the notifications app."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel


class WebhookEvent(models.TextChoices):
    ACCOUNT_LIVE = "account.live", _("Account went live")
    ACCOUNT_DECOMMISSIONED = "account.decommissioned", _("Account decommissioned")
    ACCOUNT_RENAMED = "account.renamed", _("Account renamed")
    FINDING_OPENED = "finding.opened", _("Finding opened")
    FINDING_RESOLVED = "finding.resolved", _("Finding resolved")


class WebhookEndpoint(BaseModel):
    """An HTTPS address of another KI system, the events it wants, and the secret its deliveries
    are signed with (shown once, when the endpoint is registered)."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    # Failed attempts in a row; WEBHOOKS_DISABLE_AFTER_FAILURES of them disable the endpoint.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class WebhookDelivery(BaseModel):
    """One event for one endpoint: the body is fixed when it is queued (the same on every
    attempt); the signature is made at each attempt, over its own timestamp."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent)
    delivery_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    body = models.TextField()

    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sender's query: deliveries neither delivered nor given up, oldest first.
            models.Index(
                fields=["created_at"],
                name="webhook_pending",
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
            ),
            # The endpoint's delivery log, a page at a time.
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_log_page"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
