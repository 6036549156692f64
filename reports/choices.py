from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (comma-separated)")
    CSV_SEMICOLON = "csv-semicolon", _("CSV for Swedish Excel (semicolon-separated)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    PDF = "pdf", _("PDF")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after its download time")


# Jobs that have not finished yet (the status page keeps polling these).
UNFINISHED_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})

FILE_EXTENSIONS = {
    ExportFormat.CSV: "csv",
    ExportFormat.CSV_SEMICOLON: "csv",
    ExportFormat.XLSX: "xlsx",
    ExportFormat.PDF: "pdf",
}
CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.CSV_SEMICOLON: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PDF: "application/pdf",
}
