import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.choices import CheckInSource, RunStatus
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

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-period_end"]
        indexes = [models.Index(fields=["account", "-created_at"], name="monitoring_followup_latest")]

    def __str__(self):
        return f"{self.account} {self.period_end}"


class Finding(BaseModel):
    """An account breaks a compliance rule: opened by the sweep, seen again on every run while it
    holds, resolved when it no longer does. At most one open finding per account and rule."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="findings"
    )
    rule = models.CharField(_("rule"), max_length=40)
    opened_at = models.DateTimeField(_("open since"))
    last_seen_at = models.DateTimeField(_("last seen"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                "account", "rule", condition=Q(resolved_at__isnull=True), name="monitoring_one_open_finding"
            ),
        ]
        indexes = [
            # The sweep's query: open findings of a rule.
            models.Index(
                fields=["rule", "account"], name="monitoring_open_by_rule", condition=Q(resolved_at__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.rule}: {self.account}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


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
