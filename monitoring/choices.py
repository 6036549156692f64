from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class CheckInSource(models.TextChoices):
    WEB = "web", _("Today page")
    PING = "ping", _("Ping address")
    API = "api", _("API")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Finished")
    FAILED = "failed", _("Failed")
