from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel
from reports.choices import UNFINISHED_STATUSES, ExportFormat, JobStatus
from reports.registry import kind_label


class ExportJob(BaseModel):
    """A report or export too large to make within a web request, made by a Celery job and kept
    for download by the person who asked for it until `expires_at` (REPORTS_FILE_HOURS).

    The file is private: it lies in the default storage under "exports/" and is served only by
    reports.views_exports.JobDownloadView to the requester, never through MEDIA_URL. `params`
    holds what the producer needs to make it again (filters, period, scope), as JSON.
    Written only by reports.jobs; its kinds are those of reports.registry."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    fmt = models.CharField(_("format"), max_length=20, choices=ExportFormat)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), default=0)
    file_name = models.CharField(_("stored file"), max_length=255, blank=True)
    download_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted after"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="reports_job_status_valid"),
            models.CheckConstraint(condition=Q(fmt__in=ExportFormat.values), name="reports_job_fmt_valid"),
        ]
        indexes = [
            # "My exports", newest first.
            models.Index(fields=["requested_by", "-created_at"], name="reports_job_mine"),
            # The hourly purge: finished files whose time is up.
            models.Index(fields=["expires_at"], name="reports_job_expiring", condition=Q(status=JobStatus.DONE)),
        ]

    def __str__(self):
        return f"{self.kind} {self.fmt} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED_STATUSES

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class DeliveredReport(BaseModel):
    """A half-year compliance report made by the scheduled job and e-mailed (as a link) to the
    communications department, the auditors and the unit's responsible manager (issue 16).

    Immutable: it is what was sent. The row refuses to be saved again once made (`save`), and
    its PDF is never rewritten; `sha256` is the file's hash and `summary` the page-1 figures
    (verdicts, trend, totals) as JSON, so a later re-run of the same report can be compared with
    what was sent (reports.delivery.compare). One per scope and period."""

    scope_key = models.CharField(_("scope"), max_length=40, help_text=_('"ki" or "unit-<id>"'))
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    language = models.CharField(_("language"), max_length=10)
    made_at = models.DateTimeField(_("made"))
    file_name = models.CharField(_("stored file"), max_length=255)
    download_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    summary = models.JSONField(_("page-1 figures"), default=dict)

    class Meta:
        verbose_name = _("delivered report")
        verbose_name_plural = _("delivered reports")
        ordering = ["-period_end", "scope_key"]
        constraints = [
            models.UniqueConstraint("scope_key", "period_start", "period_end", name="reports_delivered_once"),
        ]

    def __str__(self):
        return f"{self.scope_key} {self.period_start}–{self.period_end}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A delivered report is immutable: it is what was sent.")
        super().save(*args, **kwargs)


class KeptPeriod(BaseModel):
    """A half year whose compliance figures the nightly job keeps (reports.kept), so that the
    report on screen sums a few rows per unit instead of reading every account (issue 12).
    `figures_at` is the moment the figures are of (the report's "now"); the job replaces the
    period's KeptFigures in one transaction, so a reader sees one run or the next, never a mix."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    figures_at = models.DateTimeField(_("figures as of"))
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    seconds = models.FloatField(_("seconds to compute"), default=0)

    class Meta:
        verbose_name = _("kept report period")
        verbose_name_plural = _("kept report periods")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint("period_start", "period_end", name="reports_kept_period_once"),
        ]

    def __str__(self):
        return f"{self.period_start}–{self.period_end} @ {self.figures_at:%Y-%m-%d %H:%M}"


class KeptFigures(BaseModel):
    """The compliance figures of one scope (a unit with everything below it, or all of KI when
    `scope` is empty) for a kept period: with `filed_unit` empty the scope's totals and what page 1
    and the charts need (weekly coverage, open findings by rule and area, the attention
    candidates); otherwise the sums of the scope's accounts filed under that unit, a row of the
    report's unit table. As JSON (reports.rollup UnitTotals.to_json and ScopeTally.to_json): the
    rows are read whole, never queried by figure. Written only by reports.kept."""

    period = models.ForeignKey(KeptPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+")
    scope = models.ForeignKey(
        "org.Unit", verbose_name=_("scope"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    filed_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("kept report figures")
        verbose_name_plural = _("kept report figures")
        indexes = [
            # The report page reads one scope's rows of a period.
            models.Index(fields=["period", "scope"], name="reports_kept_scope"),
        ]

    def __str__(self):
        return f"{self.period_id} {self.scope_id or 'ki'} {self.filed_unit_id or 'total'}"
