import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from monitoring.choices import AccessibilityAnswer, CheckInSource, CoverMeasure, RunStatus
from org.models import BaseModel


class CheckIn(BaseModel):
    """Someone watched the account on a calendar day (MON-1/2, Europe/Stockholm). One per account
    and day counts, however many are made: the first is kept."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="checkins"
    )
    day = models.DateField(_("day"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    person_repr = models.CharField(_("who"), max_length=200)
    source = models.CharField(_("how"), max_length=10, choices=CheckInSource, default=CheckInSource.WEB)
    note = models.CharField(_("note"), max_length=500, blank=True)
    latest_post_on = models.DateField(_("date of the latest post"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint("account", "day", name="monitoring_one_checkin_per_day"),
            models.CheckConstraint(condition=Q(source__in=CheckInSource.values), name="monitoring_source_valid"),
        ]
        indexes = [
            # The inactive-channel rule: check-ins that give the date of the latest post.
            models.Index(
                fields=["account", "latest_post_on"],
                name="monitoring_checkin_post",
                condition=Q(latest_post_on__isnull=False),
            ),
            # The missed-monitoring rule: the check-ins of the last two days, a range scan that
            # does not read the rest of the history (docs/performance.md, change 6).
            models.Index(fields=["day", "account"], name="monitoring_checkin_day"),
        ]

    def __str__(self):
        return f"{self.account} {self.day}"


def new_ping_token() -> str:
    return secrets.token_urlsafe(24)


class PingKey(BaseModel):
    """The secret in an account's ping address (like healthchecks.io): a script POSTs to it, or a
    person opens it and presses its one button, to record today's check-in (MON-1).

    Only the SHA-256 digest of the secret is stored, as for API tokens (org.ApiToken): the address
    is shown once, when it is made. Making a new one makes the old address answer 404."""

    account = models.OneToOneField("accounts.SocialAccount", on_delete=models.PROTECT, related_name="ping_key")
    digest = models.CharField("SHA-256", max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("ping address")
        verbose_name_plural = _("ping addresses")

    def __str__(self):
        return f"{self.account}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class FollowUp(BaseModel):
    """The yearly follow-up of an account against its goals (PURP-3), acknowledged by its manager."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    period_end = models.DateField(_("period up to"))
    figures = models.TextField(_("figures"), help_text=_("Reach, followers, engagement, questions answered …"))
    assessment = models.TextField(_("assessment against the goals"))
    continue_account = models.BooleanField(_("the account should continue"), default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    # ACC-1, ACC-2: the accessibility questions (choices.ACCESSIBILITY_QUESTIONS). Blank in the
    # follow-ups recorded before they were asked.
    acc_alt_text = models.CharField(_("images with alt text"), max_length=6, choices=AccessibilityAnswer, blank=True)
    acc_captions = models.CharField(_("captions on video"), max_length=6, choices=AccessibilityAnswer, blank=True)
    acc_plain_language = models.CharField(_("plain language"), max_length=6, choices=AccessibilityAnswer, blank=True)
    acc_on_ki_se = models.CharField(
        _("important information also on ki.se"), max_length=6, choices=AccessibilityAnswer, blank=True
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-period_end"]
        indexes = [models.Index(fields=["account", "-created_at"], name="monitoring_followup_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__in": ["", *AccessibilityAnswer.values]}), name=f"monitoring_{name}_valid"
            )
            for name in ("acc_alt_text", "acc_captions", "acc_plain_language", "acc_on_ki_se")
        ]

    def __str__(self):
        return f"{self.account} {self.period_end}"


class CoverQuerySet(models.QuerySet):
    def on(self, day):
        """The cover periods that include a day."""
        return self.filter(first_day__lte=day, last_day__gte=day)

    def touching(self, first, last):
        """The cover periods with at least one day in [first, last]."""
        return self.filter(first_day__lte=last, last_day__gte=first)


class Cover(BaseModel):
    """What keeps an account watched for a period when its owner and deputy cannot (MON-2,
    DECOM-2): a named stand-in, the communications department, or comments switched off on the
    platform. Named by the owner or the responsible manager. The coverage-gap rule does not fire
    for a day a cover includes; a stand-in gets the period's reminders and may check in.

    During a comments-off period nothing comes in to monitor, so those days are not missed
    monitoring (DECOM-2); the daily check-ins are due again from the day after it (MON-1)."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="covers"
    )
    measure = models.CharField(_("measure"), max_length=12, choices=CoverMeasure)
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stand-in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = CoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("cover")
        verbose_name_plural = _("covers")
        ordering = ["first_day", "pk"]
        indexes = [
            # The coverage-gap rule and the reminders read the covers of a few days, for every account.
            models.Index(fields=["last_day", "first_day"], name="monitoring_cover_days"),
            # A stand-in's accounts today (the Today page, the check-in permission).
            models.Index(fields=["stand_in", "last_day"], name="monitoring_cover_stand_in"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(measure__in=CoverMeasure.values), name="monitoring_cover_measure_valid"),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="monitoring_cover_days_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            # A stand-in is named exactly when the measure is a stand-in.
            models.CheckConstraint(
                condition=Q(measure=CoverMeasure.STAND_IN, stand_in__isnull=False)
                | (~Q(measure=CoverMeasure.STAND_IN) & Q(stand_in__isnull=True)),
                name="monitoring_cover_stand_in_named",
                violation_error_message=_("Name the stand-in."),
            ),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_measure_display()} {self.first_day}–{self.last_day}"

    @property
    def label(self) -> str:
        """The measure as the pages show it: the stand-in's name, or the measure."""
        if self.measure == CoverMeasure.STAND_IN and self.stand_in is not None:
            return _("Stand-in: %(name)s") % {"name": self.stand_in.get_full_name() or self.stand_in.username}
        if self.measure == CoverMeasure.COMMS:
            return _("Stand-in: the communications department")
        return _("Comments off")


class FindingQuerySet(models.QuerySet):
    def with_last_seen(self):
        """Annotate `last_seen`: when the sweep last saw the finding hold (MON-1 evidence).

        The sweep does not rewrite every open finding on every run (docs/performance.md, change
        5). It records when it evaluated each rule (RuleEvaluation) and writes `last_seen_at` only
        when a finding is opened or resolved. An open finding was seen by the latest evaluation
        of its rule, or when it was opened if that is later; a resolved one keeps the time stored
        when it was resolved (the last evaluation that still saw it)."""
        evaluated = RuleEvaluation.objects.filter(rule=OuterRef("rule")).values("evaluated_at")[:1]
        seen_again = Greatest("last_seen_at", Coalesce(Subquery(evaluated), "last_seen_at"))
        return self.annotate(
            last_seen=Case(
                When(resolved_at__isnull=True, then=seen_again),
                default=F("last_seen_at"),
                output_field=models.DateTimeField(),
            )
        )


class Finding(BaseModel):
    """An account breaks a compliance rule: opened by the sweep, seen again on every run while it
    holds, resolved when it no longer does. At most one open finding per account and rule.

    `last_seen_at` is written when the finding is opened and when it is resolved; while it is
    open, the time it was last seen is its rule's RuleEvaluation (`with_last_seen()`)."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="findings"
    )
    rule = models.CharField(_("rule"), max_length=40)
    # The account's unit when the finding was opened: kept when the unit is later closed or
    # merged, so reports of past periods show the unit as it was (issue 13).
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit at the time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("open since"))
    last_seen_at = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # No index on created_at (BaseModel has one): nothing looks findings up by it, and the first
    # sweep inserts ~200 000 of them (docs/performance.md).
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-opened_at"]
        constraints = [
            # Also the index of the sweep's query, the open findings of a rule (so rule first).
            # Findings by account use the foreign key's index.
            models.UniqueConstraint(
                "rule", "account", condition=Q(resolved_at__isnull=True), name="monitoring_one_open_finding"
            ),
        ]

    def __str__(self):
        return f"{self.rule}: {self.account}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def rule_title(self) -> str:
        """The rule's translated title, for people (the ID is for machines; issue 15)."""
        from monitoring.rules import rule_title  # the catalogue imports this module

        return rule_title(self.rule)


class RuleEvaluation(models.Model):
    """When the compliance sweep last evaluated a rule (one row per rule). Written in the same
    transaction as the rule's findings, so every finding still open after it was seen to hold at
    `evaluated_at`: the "last seen" of the open findings, without rewriting them each hour."""

    rule = models.CharField(_("rule"), max_length=40, unique=True)
    evaluated_at = models.DateTimeField(_("evaluated"))

    class Meta:
        verbose_name = _("rule evaluation")
        verbose_name_plural = _("rule evaluations")

    def __str__(self):
        return f"{self.rule} {self.evaluated_at:%Y-%m-%d %H:%M}"


class CheckRun(models.Model):
    """One run of a periodic job: evidence that monitoring itself ran."""

    job = models.CharField(_("job"), max_length=60)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus, default=RunStatus.RUNNING)
    counts = models.JSONField(_("counts"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"], name="monitoring_run_latest")]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
