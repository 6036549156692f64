from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel
from records.choices import Category, HandOff, InquiryKind, Poster


class Incident(BaseModel):
    """A removed post or comment (CONT-1/2, REC-3/4). Removal is not disposal: the evidence is
    kept, and the record is handed to the registry of the unit where the account was established
    (or kept in the portal's archive). The sensitive content itself belongs in the access-
    restricted screenshots, not in the description."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="incidents"
    )
    seen_at = models.DateTimeField(_("seen"))
    removed_at = models.DateTimeField(_("removed"))
    link = models.URLField(_("link to the post"), max_length=500, blank=True)
    poster = models.CharField(_("posted by"), max_length=10, choices=Poster)
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.CharField(
        _("short description"),
        max_length=500,
        help_text=_("Do not repeat the content here; it belongs in the screenshot."),
    )
    evidence = models.ManyToManyField(
        "accounts.Snapshot", verbose_name=_("screenshots"), blank=True, related_name="incidents"
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_by_repr = models.CharField(max_length=200)
    hand_off = models.CharField(_("hand-off"), max_length=10, choices=HandOff, blank=True)
    handed_off_at = models.DateTimeField(_("handed off"), null=True, blank=True)
    registry_email = models.EmailField(_("sent to registry"), blank=True)
    registry_reference = models.CharField(_("registry reference number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("removed post")
        verbose_name_plural = _("removed posts")
        ordering = ["-removed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=Category.values), name="records_category_valid"),
            models.CheckConstraint(condition=Q(poster__in=Poster.values), name="records_poster_valid"),
            models.CheckConstraint(
                condition=Q(hand_off="") | Q(hand_off__in=HandOff.values), name="records_handoff_valid"
            ),
            models.CheckConstraint(
                condition=Q(removed_at__gte=models.F("seen_at")),
                name="records_removed_after_seen",
                violation_error_message=_("A post cannot be removed before it was seen."),
            ),
        ]
        indexes = [
            # The incident-unregistered rule: incidents not yet handed off.
            models.Index(fields=["removed_at"], name="records_incident_pending", condition=Q(hand_off="")),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_category_display()} ({self.removed_at:%Y-%m-%d})"


class Inquiry(BaseModel):
    """A question or comment that needs action (ANS-1..3, REC-2/3): due by the working-day rule
    (org.calendar.answer_due, stored so that the overdue rule is one indexed query). Criticism of
    KI's activities goes to the responsible manager (ANS-2)."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="inquiries"
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(_("due"), editable=False)
    link = models.URLField(_("link"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=InquiryKind)
    summary = models.CharField(_("summary"), max_length=500)
    needs_registration = models.BooleanField(
        _("to be registered"), default=False, help_text=_("Requires action: critical or unlawful (REC-3).")
    )
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("routed to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routed_inquiries",
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reply_summary = models.CharField(_("summary of the reply"), max_length=500, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question or comment")
        verbose_name_plural = _("questions and comments")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InquiryKind.values), name="records_kind_valid"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("received_at")),
                name="records_answered_after_received",
            ),
        ]
        indexes = [
            # The inquiry-overdue rule: unanswered inquiries by due time.
            models.Index(fields=["due_at"], name="records_inquiry_open", condition=Q(answered_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_kind_display()} ({self.received_at:%Y-%m-%d %H:%M})"

    def is_overdue(self, now) -> bool:
        return self.answered_at is None and self.due_at < now
