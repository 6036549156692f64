from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel
from records.choices import (
    BlockAction,
    Category,
    ConsentForm,
    HandOff,
    InquiryKind,
    Poster,
    RequestStatus,
    WithdrawalChannel,
)

# Sent to the registry without its reference number yet (REC-4): the registrar's queues
# (records.registers.AWAITING_REFERENCE).
AWAITING = Q(hand_off=HandOff.REGISTRY, registry_reference="")


class RegisteredRecord(BaseModel):
    """A record handed to the registry of the account's unit or kept in the portal's archive, with
    the registry's reference number (CONT-2, REC-3, REC-4): removed posts and questions."""

    hand_off = models.CharField(_("hand-off"), max_length=10, choices=HandOff, blank=True)
    handed_off_at = models.DateTimeField(_("handed off"), null=True, blank=True)
    registry_email = models.EmailField(_("sent to registry"), blank=True)
    registry_reference = models.CharField(_("registry reference number"), max_length=100, blank=True)

    class Meta:
        abstract = True


class Incident(RegisteredRecord):
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
            # The account's removed posts, a page at a time (records.selectors.incident_list).
            models.Index(fields=["account", "-removed_at", "-id"], name="records_incident_page"),
            # The register of removed posts (records.registers), newest first, read in this order
            # and stopped after a page; the registrar's queue the same among those awaiting a
            # reference number (issue 12).
            models.Index(fields=["-removed_at", "-id"], name="records_incident_register"),
            models.Index(fields=["-removed_at", "-id"], name="records_incident_awaiting", condition=AWAITING),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_category_display()} ({self.removed_at:%Y-%m-%d})"


class Inquiry(RegisteredRecord):
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
    # Screenshots of the post and of KI's reply, through the checked upload (REC-3, REC-4).
    evidence = models.ManyToManyField(
        "accounts.Snapshot", verbose_name=_("screenshots"), blank=True, related_name="inquiries"
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
            # The inquiry-unregistered rule (records.rules.TO_REGISTER, not yet handed off).
            models.Index(
                fields=["received_at"],
                name="records_inquiry_unregistered",
                condition=Q(hand_off="") & (Q(needs_registration=True) | Q(routed_to__isnull=False)),
            ),
            # The account's questions a page at a time: the open ones by due time, those answered
            # newest first (records.views_moderation.InquiryListView).
            models.Index(
                fields=["account", "due_at", "id"],
                name="records_inquiry_open_page",
                condition=Q(answered_at__isnull=True),
            ),
            models.Index(
                fields=["account", "-received_at", "-id"],
                name="records_inquiry_answered_page",
                condition=Q(answered_at__isnull=False),
            ),
            # The register of questions (records.registers), newest first: all, unanswered (and
            # overdue), awaiting a reference number (issue 12).
            models.Index(fields=["-received_at", "-id"], name="records_inquiry_register"),
            models.Index(
                fields=["-received_at", "-id"], name="records_inquiry_unanswered", condition=Q(answered_at__isnull=True)
            ),
            models.Index(fields=["-received_at", "-id"], name="records_inquiry_awaiting", condition=AWAITING),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_kind_display()} ({self.received_at:%Y-%m-%d %H:%M})"

    def is_overdue(self, now) -> bool:
        return self.answered_at is None and self.due_at < now


class Block(BaseModel):
    """A visitor blocked or muted on an account, and its review and unblocking. The log is a
    record and is never deleted (an authority was criticised by the Parliamentary Ombudsman for
    deleting its block list). A block not reviewed for six months becomes a finding."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="blocks"
    )
    visitor = models.CharField(_("visitor's public identity on the platform"), max_length=200)
    visitor_url = models.URLField(_("link to the visitor's profile"), max_length=500, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=BlockAction, default=BlockAction.BLOCK)
    reason = models.CharField(_("reason"), max_length=20, choices=Category)
    reason_note = models.CharField(_("note on the reason"), max_length=500, blank=True)
    blocked_at = models.DateTimeField(_("blocked"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by_repr = models.CharField(_("decided by"), max_length=200)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    unblocked_at = models.DateTimeField(_("unblocked"), null=True, blank=True)
    unblocked_by_repr = models.CharField(_("unblocked by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["-blocked_at"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=Category.values), name="records_block_reason_valid"),
            models.CheckConstraint(condition=Q(action__in=BlockAction.values), name="records_block_action_valid"),
        ]
        indexes = [
            models.Index(fields=["account"], name="records_block_active", condition=Q(unblocked_at__isnull=True)),
            # The account's blocking log, a page at a time (records.blocks.block_list).
            models.Index(fields=["account", "-blocked_at", "-id"], name="records_block_page"),
            # The register of blocks (records.registers), newest first: all, and those in force
            # (the queue of blocks due for review) (issue 12).
            models.Index(fields=["-blocked_at", "-id"], name="records_block_register"),
            models.Index(
                fields=["-blocked_at", "-id"], name="records_block_in_force", condition=Q(unblocked_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.visitor}"


class RecordsRequest(BaseModel):
    """A request for public records (begäran om allmän handling). While open, a legal hold stops
    the weeding of the material in scope: these accounts in this period."""

    received_at = models.DateTimeField(_("received"))
    requester = models.CharField(_("requester, as given"), max_length=200)
    asked_for = models.TextField(_("what is asked for"))
    accounts = models.ManyToManyField(
        "accounts.SocialAccount", verbose_name=_("accounts"), related_name="records_requests"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus, default=RequestStatus.OPEN)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    bundle = models.FileField(_("disclosure bundle"), upload_to="disclosure/", max_length=300, blank=True)
    bundle_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    bundle_made_at = models.DateTimeField(_("bundle made"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for public records")
        verbose_name_plural = _("requests for public records")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="records_request_status_valid"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="records_request_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.requester} ({self.received_at:%Y-%m-%d})"


class Retention(BaseModel):
    """Whether an account's material must not be weeded (WEED-2): research value or public interest."""

    account = models.OneToOneField("accounts.SocialAccount", on_delete=models.PROTECT, related_name="retention")
    research_value = models.BooleanField(_("has future research value"), default=False)
    public_interest = models.BooleanField(_("public interest in access"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("retention assessment")
        verbose_name_plural = _("retention assessments")

    def __str__(self):
        return str(self.account)


class WeedingDecision(BaseModel):
    """A decision to weed (delete) an account's stored material for a period (WEED-1). Refused
    under a legal hold or where the material must be kept (WEED-2). The decision itself is kept."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="weeding_decisions"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    basis = models.CharField(_("basis"), max_length=300, help_text=_("The decision that allows weeding."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by_repr = models.CharField(_("decided by"), max_length=200)
    deleted = models.JSONField(_("deleted files"), default=list)

    class Meta:
        verbose_name = _("weeding decision")
        verbose_name_plural = _("weeding decisions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="records_weeding_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.period_start}–{self.period_end}"


def _consent_path(instance, filename):
    return f"consents/{instance.account_id}/{instance.document_sha256}.{instance.document_extension}"


class MediaConsent(BaseModel):
    """Consent to publish a photo or film in social media (MEDIA-1..3): the person (or a group
    informed with a chance to object), how, when, the publication, and the photographer's
    credit and consent."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="media_consents"
    )
    subject = models.CharField(_("person or group"), max_length=200)
    form = models.CharField(_("form of consent"), max_length=10, choices=ConsentForm)
    given_on = models.DateField(_("date"))
    publication = models.CharField(_("publication"), max_length=300)
    photographer = models.CharField(_("photographer"), max_length=200)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("How the photographer is credited, or why not (MEDIA-3).")
    )
    photographer_consents = models.BooleanField(_("the photographer agrees to publication in social media"))
    document = models.FileField(_("written consent"), upload_to=_consent_path, max_length=300, blank=True)
    document_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    document_extension = models.CharField(max_length=5, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # A consent can be withdrawn (MEDIA-1): from then on the material must not be used. The
    # consent and its withdrawal stay in the register (records.consents.consent_withdraw).
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_via = models.CharField(_("how it was withdrawn"), max_length=10, choices=WithdrawalChannel, blank=True)
    withdrawal_note = models.CharField(_("note on the withdrawal"), max_length=500, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("media consent")
        verbose_name_plural = _("media consents")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(condition=Q(form__in=ConsentForm.values), name="records_consent_form_valid"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawn_via="")
                | Q(withdrawn_on__gte=models.F("given_on"), withdrawn_via__in=WithdrawalChannel.values),
                name="records_consent_withdrawal_valid",
            ),
        ]
        # The account's register, a page at a time (records.consents.consent_list).
        indexes = [
            models.Index(fields=["account", "-given_on", "-id"], name="records_consent_page"),
            # The register of media consents (records.registers), newest first (issue 12).
            models.Index(fields=["-given_on", "-id"], name="records_consent_register"),
        ]

    def __str__(self):
        return f"{self.account}: {self.subject}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None


from records.impostor_models import ImpostorCase, ImpostorReport  # noqa: E402,F401 - Django finds them here
