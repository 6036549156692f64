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


class CoverMeasure(models.TextChoices):
    """What keeps an account watched while its owner and deputy are both away (MON-2, DECOM-2)."""

    STAND_IN = "stand_in", _("A stand-in monitors the account")
    COMMS = "comms", _("The communications department monitors the account")
    COMMENTS_OFF = "comments_off", _("Comments are switched off on the platform")


# The measures by which someone monitors the account in the owner's and deputy's place.
MONITORED_BY_SOMEONE = (CoverMeasure.STAND_IN, CoverMeasure.COMMS)


class AccessibilityAnswer(models.TextChoices):
    """An answer to an accessibility question of the yearly follow-up (ACC-1, ACC-2)."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


# The accessibility questions of the follow-up: (field, question, clause). The report counts the
# answers to each (reports.figures).
ACCESSIBILITY_QUESTIONS = (
    ("acc_alt_text", _("Do the account's images have alt text?"), "ACC-1"),
    ("acc_captions", _("Do the account's videos have captions?"), "ACC-1"),
    ("acc_plain_language", _("Is the language plain and easy to understand?"), "ACC-1"),
    ("acc_on_ki_se", _("Is important information also published on ki.se?"), "ACC-2"),
)
