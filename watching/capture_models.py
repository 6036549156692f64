"""Start-page captures (issue 17, REC-5): one row per attempt to capture an account's public
profile page with a headless browser, and what came of it.

A capture that succeeds links the start-page Snapshot it stored (through the checked upload
pipeline) and keeps the WARC of every request and response of the page next to it, privately,
with its SHA-256. One that meets a login or consent wall, a refused address (SSRF) or an error
keeps the reason, shown on the account page ("capture needs a manual screenshot").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Snapshot, SocialAccount
from org.models import BaseModel


class CaptureStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CAPTURED = "captured", _("Captured")
    MANUAL = "manual", _("Needs a manual screenshot")


# A capture in one of these states is still to finish: no second one is queued for the account.
CAPTURE_OPEN = (CaptureStatus.QUEUED, CaptureStatus.RUNNING)


class CaptureTrigger(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled (the start-page screenshot is due within 14 days)")
    ON_DEMAND = "on_demand", _("Requested from the account page")


def _warc_path(instance, filename):
    # Named from the account and the content only; evidence is stored under a private prefix.
    return f"captures/{instance.account_id}/{instance.warc_sha256[:2]}/{instance.warc_sha256}.warc.gz"


class Capture(BaseModel):
    account = models.ForeignKey(SocialAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    trigger = models.CharField(_("trigger"), max_length=20, choices=CaptureTrigger)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=CaptureStatus, default=CaptureStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    url = models.URLField(_("profile address"), max_length=500)
    final_url = models.CharField(_("address shown"), max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP answer"), null=True, blank=True)
    refused_requests = models.JSONField(_("refused requests"), default=list, blank=True)
    snapshot = models.OneToOneField(
        Snapshot, verbose_name=_("screenshot"), on_delete=models.PROTECT, null=True, blank=True, related_name="capture"
    )
    warc = models.FileField(_("WARC"), upload_to=_warc_path, max_length=300, blank=True)
    warc_sha256 = models.CharField("WARC SHA-256", max_length=64, blank=True)
    warc_size = models.PositiveIntegerField(_("WARC size"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        app_label = "watching"
        verbose_name = _("start-page capture")
        verbose_name_plural = _("start-page captures")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="watching_capture_latest"),
            models.Index(fields=["status", "created_at"], name="watching_capture_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaptureStatus.values), name="watching_capture_status_valid"),
            # Idempotent schedule: one scheduled capture per account and day, whoever runs the job.
            models.UniqueConstraint(
                "account", "day", condition=Q(trigger=CaptureTrigger.SCHEDULED), name="watching_capture_once_a_day"
            ),
            # Never two captures of one account waiting or running at once.
            models.UniqueConstraint("account", condition=Q(status__in=CAPTURE_OPEN), name="watching_capture_one_open"),
        ]

    def __str__(self):
        return f"{self.account}: {self.get_status_display()} {self.day}"

    @property
    def is_open(self) -> bool:
        return self.status in CAPTURE_OPEN
