from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    MANAGER = "manager", _("Manager's decision")
    COMMS = "comms", _("Communications department's sign-off")
    RETROACTIVE = "retroactive", _("Retroactive approval of an existing account")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned for changes")
    REJECT = "reject", _("Rejected")


# The clauses each step of the decision serves; printed on the decision record.
STEP_CLAUSES = {
    Step.MANAGER: "START-1, RESP-1, PURP-1, PURP-2, RES-1, RES-2",
    Step.COMMS: "START-2, COMMS-1, PURP-4, SEND-2",
    Step.RETROACTIVE: "START-1, RESP-1, RES-2",
}


class DecommissionCheck(models.TextChoices):
    """What must be done before an account counts as decommissioned (DECOM-1/2, REC-5)."""

    FINAL_SCREENSHOT = "final_screenshot", _("A final screenshot of the start page is taken and kept (REC-5)")
    COMMENTS_OFF = "comments_off", _("Comments and questions are switched off where the platform allows (DECOM-2)")
    CONTENT_ARCHIVED = "content_archived", _("The content is archived")
    ACCOUNT_CLOSED = "account_closed", _("The account is deleted or locked on the platform")
    REGISTRY_TOLD = "registry_told", _("The unit's registry is told")
