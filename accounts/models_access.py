"""Everyone with access to an account besides its owner and deputy (START-1, PRIV-2, issue 15),
the owner's yearly review of that list, and the list of KI's official collaboration partners
that a request names (PURP-4). Imported by accounts.models, so Django registers them in accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import PlatformRole, PublisherStatus
from org.models import BaseModel


class Publisher(BaseModel):
    """Someone who publishes on or moderates the account: a KI person or an external agency,
    added by the owner and confirmed by the responsible manager (START-1), the confirmation
    recording that the person acts for KI, not privately (PRIV-2). Removed when the owner records
    that their access on the platform is gone; the row stays as history."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="publishers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publisher_roles",
    )
    agency_name = models.CharField(_("agency"), max_length=200, blank=True)
    agency_contact = models.CharField(_("agency contact"), max_length=300, blank=True)
    platform_role = models.CharField(_("role on the platform"), max_length=20, choices=PlatformRole)
    ends_on = models.DateField(
        _("access ends on"), null=True, blank=True, help_text=_("For temporary access: a campaign, a term.")
    )
    status = models.CharField(_("status"), max_length=10, choices=PublisherStatus, default=PublisherStatus.PENDING)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # PRIV-2: what the manager confirmed, kept on the row the confirmation made.
    acts_for_ki = models.BooleanField(_("acts for KI, not privately"), default=False)
    decision_note = models.TextField(_("comment"), blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_on = models.DateField(_("access removed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["account", "status", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PublisherStatus.values), name="accounts_publisher_status"),
            models.CheckConstraint(
                condition=Q(platform_role__in=PlatformRole.values), name="accounts_publisher_role_valid"
            ),
            # A KI person or an agency, never both, never neither.
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(agency_name="")) | (Q(person__isnull=True) & ~Q(agency_name="")),
                name="accounts_publisher_person_or_agency",
            ),
            models.UniqueConstraint(
                "account",
                "person",
                condition=Q(status__in=("pending", "confirmed")),
                name="accounts_publisher_once",
                violation_error_message=_("This person already has access to the account."),
            ),
        ]
        indexes = [
            # access-not-removed: the current publishers, by account.
            models.Index(fields=["account", "status"], name="accounts_publisher_current"),
            # Publishers waiting for a manager's confirmation (the to-do page): the pending ones
            # only, not every publisher KI has had (issue 12).
            models.Index(
                fields=["account"], condition=Q(status=PublisherStatus.PENDING), name="accounts_publisher_pending"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_platform_role_display()})"

    @property
    def name(self) -> str:
        return str(self.person) if self.person_id else self.agency_name

    @property
    def is_agency(self) -> bool:
        return self.person_id is None


class AccessReview(BaseModel):
    """The owner's yearly confirmation that everyone with access to the account still needs it
    and is still at KI (START-1, issue 15). Rows are never changed; the latest one counts."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="access_reviews"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by_repr = models.CharField(_("reviewed by"), max_length=200)
    reviewed_at = models.DateTimeField(_("reviewed"))
    publishers = models.PositiveIntegerField(_("people with access"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["account", "-reviewed_at"]
        indexes = [models.Index(fields=["account", "-reviewed_at"], name="accounts_access_review_latest")]

    def __str__(self):
        return f"{self.account}: {self.reviewed_at:%Y-%m-%d}"


class CollaborationPartner(BaseModel):
    """An organisation KI officially collaborates with (PURP-4): the list the communications
    department keeps, from which a request names the partner its channel is about."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("current"), default=True, help_text=_("Only current partners can be chosen."))

    class Meta:
        verbose_name = _("collaboration partner")
        verbose_name_plural = _("collaboration partners")
        ordering = ["name"]

    def __str__(self):
        return self.name
