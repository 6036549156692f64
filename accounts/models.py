from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import (
    AccountStatus,
    Classification,
    CollectorKind,
    HandoverStatus,
    Origin,
    ReportStatus,
    Role,
    SenderCheck,
    SnapshotKind,
)
from accounts.querysets import AssignmentQuerySet, PlatformQuerySet, SocialAccountQuerySet
from org.models import BaseModel


class ThirdCountry(models.TextChoices):
    """Whether a platform transfers personal data to a country outside the EU/EEA (Schrems II)."""

    UNKNOWN = "unknown", _("Not assessed")
    NO = "no", _("No")
    YES = "yes", _("Yes")


class Platform(BaseModel):
    """A social media platform in the catalogue comms keep (issue 14): what it lets an account do
    (INF-1, DECOM-2, REC-2), how its profile addresses are read (accounts.urlparse reads these rows,
    cached) and what KI knows before using it (terms, where data is processed, the data-protection
    assessment, the yearly review). Changed only by accounts.platform_services."""

    slug = models.SlugField(_("identifier"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    can_disable_comments = models.BooleanField(
        _("comments can be switched off"), default=False, help_text=_("Relevant when monitoring stops (DECOM-2).")
    )
    has_description = models.BooleanField(
        _("profile has a description"), default=True, help_text=_("Where the visitor notice can be shown (INF-1).")
    )
    # -- How its addresses are read (accounts.urlparse) --
    domains = models.JSONField(_("host names"), default=list, blank=True)
    builtin_rule = models.CharField(_("built-in address rule"), max_length=30, blank=True)
    handle_pattern = models.CharField(_("address rule"), max_length=300, blank=True)
    url_template = models.CharField(_("profile address of a handle"), max_length=200, blank=True)
    # [[address, handle the rule must give], ...]: checked on every save (platform_services).
    examples = models.JSONField(_("example addresses"), default=list, blank=True)
    identifier_label = models.CharField(
        _("name of the identifier"),
        max_length=60,
        blank=True,
        help_text=_("For a platform without an address rule: what the account's identifier is called, e.g. WeChat ID."),
    )
    allowed_for_new = models.BooleanField(
        _("allowed for new accounts"), default=True, help_text=_("Only allowed platforms are offered in requests.")
    )
    content_retrievable = models.BooleanField(
        _("content stays searchable and retrievable"),
        default=True,
        help_text=_("If not (stories, disappearing content), start-page screenshots are due more often (REC-2)."),
    )
    # -- What KI must know before using it --
    tos_reviewed_on = models.DateField(_("terms of service reviewed on"), null=True, blank=True)
    tos_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("terms of service reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    tos_url = models.URLField(_("terms of service"), max_length=500, blank=True)
    data_location = models.CharField(_("where data is processed"), max_length=200, blank=True)
    third_country_transfer = models.CharField(
        _("transfer to a third country"), max_length=10, choices=ThirdCountry, default=ThirdCountry.UNKNOWN
    )
    dpia_url = models.URLField(_("data-protection assessment"), max_length=500, blank=True)
    reviewed_on = models.DateField(
        _("catalogue entry reviewed on"), null=True, blank=True, help_text=_("Reviewed every year.")
    )
    # -- How the portal watches its public profiles (issue 17, watching.collectors) --
    collector = models.CharField(_("collector"), max_length=20, choices=CollectorKind, blank=True, default="")
    token_setting = models.CharField(
        _("token setting"),
        max_length=60,
        blank=True,
        help_text=_("The name of the setting holding an access token; without it the platform stays manual."),
    )

    objects = PlatformQuerySet.as_manager()

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(third_country_transfer__in=ThirdCountry.values), name="accounts_platform_third_country"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("platforms:detail", args=[self.pk])

    @property
    def has_address_rule(self) -> bool:
        return bool(self.builtin_rule or self.handle_pattern)


# The account's registry fields, written once: the registry and request forms, the services (and
# the audit trail's snapshots) and the API take theirs from these.
IDENTITY_FIELDS = ("name", "platform", "handle", "url", "unit", "classification")
# Why the account exists (START-2): the request form's "Purpose and goals".
PURPOSE_FIELDS = (
    "purpose",
    "goal",
    "strategy_link",
    "operational_benefit",
    "audience_benefit",
    "target_audiences",
    "success_measures",
    "ki_activity",
    "partner",
)
RESOURCE_FIELDS = ("resource_assessment", "hours_per_week", "holiday_cover")
# PURP-4: the requester confirms the use fits KI's core values (the request form asks).
VALUES_FIELDS = ("core_values_confirmed",)
ACCOUNT_FIELDS = (*IDENTITY_FIELDS, *PURPOSE_FIELDS, *RESOURCE_FIELDS, *VALUES_FIELDS)


class SocialAccount(BaseModel):
    """An official KI presence on one platform: what it is for, which unit answers for it, and
    where it is in its lifecycle. Owner and deputy are time-bounded Assignments."""

    name = models.CharField(
        _("account name"), max_length=200, help_text=_("The name must say which part of KI is the sender (SEND-2).")
    )
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="+")
    handle = models.CharField(_("handle"), max_length=200, blank=True, help_text=_("Derived from the profile address."))
    url = models.URLField(_("profile address"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="social_accounts"
    )
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification, default=Classification.OFFICIAL
    )
    purpose = models.TextField(_("purpose"), help_text=_("Tied to KI's mission and overall strategy (PURP-1)."))
    goal = models.TextField(_("goals"), blank=True, help_text=_("What the account should achieve (PURP-1)."))
    strategy_link = models.URLField(_("link to strategy"), max_length=500, blank=True)
    operational_benefit = models.TextField(_("operational benefit"), blank=True, help_text="PURP-2")
    audience_benefit = models.TextField(_("target-audience benefit"), blank=True, help_text="PURP-2")
    target_audiences = models.TextField(_("target audiences"), blank=True)
    success_measures = models.TextField(
        _("how success is measured"), blank=True, help_text=_("How the account is followed up (PURP-3).")
    )
    # PURP-4: what the channel is about: a KI activity, or an organisation KI officially
    # collaborates with (from the list the communications department keeps).
    ki_activity = models.CharField(
        _("KI activity"),
        max_length=300,
        blank=True,
        help_text=_("The KI activity the account communicates about (PURP-4)."),
    )
    partner = models.ForeignKey(
        "accounts.CollaborationPartner",
        verbose_name=_("collaboration partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Or the organisation KI officially collaborates with that the account is about (PURP-4)."),
    )
    core_values_confirmed = models.BooleanField(
        _("fits KI's core values"),
        default=False,
        help_text=_("The requester confirmed that the use does not conflict with KI's core values (PURP-4)."),
    )
    resource_assessment = models.TextField(
        _("resource assessment"), blank=True, help_text=_("Time and people the account needs (RES-1).")
    )
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=5, decimal_places=1, null=True, blank=True)
    holiday_cover = models.TextField(
        _("monitoring at weekends and holidays"),
        blank=True,
        help_text=_("Who watches the account at weekends and during holidays (MON-2)."),
    )
    # Written only by accounts.services (the lifecycle service); never by forms or views.
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus, default=AccountStatus.DRAFT, editable=False
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin, default=Origin.REQUEST, editable=False)
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True, editable=False)
    decommissioned_at = models.DateTimeField(_("decommissioned"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    objects = SocialAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("social media account")
        verbose_name_plural = _("social media accounts")
        ordering = ["name", "id"]
        constraints = [
            # Drafts may not have an address yet; once they do, one platform + handle is one account.
            models.UniqueConstraint(
                "platform",
                "handle",
                condition=~Q(handle=""),
                name="accounts_unique_platform_handle",
                violation_error_message=_("This account is already registered."),
            ),
            models.CheckConstraint(condition=Q(status__in=AccountStatus.values), name="accounts_status_valid"),
            models.CheckConstraint(
                condition=Q(classification__in=Classification.values), name="accounts_classification_valid"
            ),
            models.CheckConstraint(condition=Q(origin__in=Origin.values), name="accounts_origin_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "classification"], name="accounts_status_class"),
            models.Index(fields=["unit", "status"], name="accounts_unit_status"),
            # The inventory's order (name, id): a page is the first rows of this index, not a sort
            # of every account. The search's trigram indexes are PostgreSQL-only: migration 0007.
            models.Index(fields=["name", "id"], name="accounts_name_id"),
            # The to-do sections' order (updated_at, id): the first entries of a section are read
            # in this order and the scan stops after them, instead of sorting every matching
            # account (issue 12: the manager's retroactive section, 177 -> 0.3 ms at 100 000).
            models.Index(fields=["updated_at", "id"], name="accounts_updated_id"),
            # The directory's Atom feed (accounts.directory_feed, issue 14): the newest 50 accounts
            # that went live and that were decommissioned, each the first rows of its index.
            models.Index(fields=["-activated_at", "-id"], name="accounts_activated_id"),
            models.Index(fields=["-decommissioned_at", "-id"], name="accounts_decommissioned_id"),
            # The handle or name typed exactly (accounts.selectors.social_account_exact, issue 12):
            # the pickers and the search page read these first, by equality on a B-tree, not by
            # the trigram indexes (whose commonest trigrams every handle shares).
            models.Index(Upper("handle"), name="accounts_handle_upper"),
            models.Index(Upper("name"), name="accounts_name_upper"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:detail", args=[self.pk])

    @property
    def is_official(self) -> bool:
        return self.classification == Classification.OFFICIAL


class Assignment(BaseModel):
    """Who held a role (owner or deputy) for an account, and when (RES-2).

    The interval is half-open: [started_at, ended_at). A current assignment has no end. The
    database keeps at most one current owner and one current deputy per account, and never the
    same person in both roles at once.
    """

    account = models.ForeignKey(
        SocialAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["account", "role", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                "account",
                "role",
                condition=Q(ended_at__isnull=True),
                name="accounts_one_current_per_role",
                violation_error_message=_("The account already has someone in this role."),
            ),
            models.UniqueConstraint(
                "account",
                "person",
                condition=Q(ended_at__isnull=True),
                name="accounts_deputy_not_owner",
                violation_error_message=_("The deputy cannot be the account owner (RES-2)."),
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="accounts_role_valid"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="accounts_assignment_ordered",
            ),
        ]
        indexes = [models.Index(fields=["person", "ended_at"], name="accounts_assignment_person")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.person} ({self.account})"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class SenderConfirmation(BaseModel):
    """One item of the sender checklist (SEND-1..3, INF-1) confirmed by someone at a time.
    Rows are never changed: a yearly re-confirmation adds new ones, so the history stays."""

    # No index of its own: accounts_sender_latest starts with the account and serves its lookups;
    # a second one made the sweep's sender-unverified rule read the table through it instead of
    # reading that index alone (docs/performance.md, change 14).
    account = models.ForeignKey(
        SocialAccount,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="sender_confirmations",
        db_index=False,
    )
    item = models.CharField(_("item"), max_length=30, choices=SenderCheck)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    confirmed_by_repr = models.CharField(_("confirmed by"), max_length=200)
    confirmed_at = models.DateTimeField(_("confirmed"))

    class Meta:
        verbose_name = _("sender confirmation")
        verbose_name_plural = _("sender confirmations")
        ordering = ["account", "-confirmed_at"]
        indexes = [models.Index(fields=["account", "item", "-confirmed_at"], name="accounts_sender_latest")]
        constraints = [models.CheckConstraint(condition=Q(item__in=SenderCheck.values), name="accounts_item_valid")]

    def __str__(self):
        return f"{self.account}: {self.get_item_display()}"


class Handover(BaseModel):
    """Handing an account to a new owner (RES-2): it takes effect only when the new owner accepts."""

    account = models.ForeignKey(
        SocialAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="handovers"
    )
    from_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("current owner"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("new owner"),
        on_delete=models.PROTECT,
        related_name="handovers_offered",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus, default=HandoverStatus.PENDING)
    note = models.TextField(_("message to the new owner"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "account",
                condition=Q(status="pending"),
                name="accounts_one_pending_handover",
                violation_error_message=_("A handover of this account is already waiting for an answer."),
            ),
            models.CheckConstraint(condition=Q(status__in=HandoverStatus.values), name="accounts_handover_valid"),
        ]

    def __str__(self):
        return f"{self.account}: {self.from_person} → {self.to_person}"


def _snapshot_path(instance, filename):
    # The stored name is never the uploader's: no path tricks, no personal data in file names.
    return f"snapshots/{instance.account_id}/{instance.sha256[:2]}/{instance.sha256}.{instance.extension}"


class Snapshot(BaseModel):
    """A dated screenshot (or PDF) of an account's page: the half-yearly start page (REC-5), the
    page before a major change, the final page, a removed post or KI's reply. Validated by
    content, re-encoded without metadata, stored with its SHA-256, served only through a view
    that checks who may see the account."""

    account = models.ForeignKey(
        SocialAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="snapshots"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SnapshotKind)
    taken_on = models.DateField(_("date of the screenshot"))
    file = models.FileField(_("file"), upload_to=_snapshot_path, max_length=300)
    content_type = models.CharField(max_length=50)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("screenshot")
        verbose_name_plural = _("screenshots")
        ordering = ["-taken_on", "-id"]
        indexes = [models.Index(fields=["account", "kind", "-taken_on"], name="accounts_snapshot_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SnapshotKind.values), name="accounts_snapshot_kind"),
            models.UniqueConstraint(
                "account",
                "kind",
                "sha256",
                name="accounts_snapshot_once",
                violation_error_message=_("This screenshot is already stored."),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_kind_display()} {self.taken_on}"


class AccessibilityReport(BaseModel):
    """A problem with the portal's own accessibility, reported by anyone through the form of the
    accessibility statement (DOS-lagen 2018:1937, issue 15): the communications department is
    told by e-mail and marks it answered, with what they did."""

    message = models.TextField(_("what is the problem"), max_length=4000)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    name = models.CharField(_("your name"), max_length=200, blank=True)
    email = models.EmailField(_("your e-mail address"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus, default=ReportStatus.OPEN)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accessibility report")
        verbose_name_plural = _("accessibility reports")
        ordering = ["-created_at", "-id"]
        # The comms list: open reports first, newest first (accounts.accessibility.report_list).
        indexes = [models.Index(fields=["-status", "-created_at", "-id"], name="accounts_a11y_report_list")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="accounts_a11y_report_status"),
        ]

    def __str__(self):
        return _("Accessibility report %(number)s") % {"number": self.pk}


# Publishers, access reviews and collaboration partners (issue 15) live in their own module.
from accounts.models_access import AccessReview, CollaborationPartner, Publisher  # noqa: E402, F401
