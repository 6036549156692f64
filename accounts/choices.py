from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_MANAGER = "awaiting_manager", _("Awaiting manager")
    AWAITING_COMMS = "awaiting_comms", _("Awaiting communications department")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    DECOMMISSIONING = "decommissioning", _("Being decommissioned")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


S = AccountStatus

# The lifecycle (DESIGN.md), declared once as data: the only moves the lifecycle service allows.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.AWAITING_MANAGER}),
    S.AWAITING_MANAGER: frozenset({S.AWAITING_COMMS, S.RETURNED, S.REJECTED}),
    S.AWAITING_COMMS: frozenset({S.APPROVED, S.RETURNED, S.REJECTED}),
    S.RETURNED: frozenset({S.AWAITING_MANAGER}),
    S.REJECTED: frozenset(),
    S.APPROVED: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.DECOMMISSIONING}),
    S.DECOMMISSIONING: frozenset({S.DECOMMISSIONED, S.ACTIVE}),
    S.DECOMMISSIONED: frozenset(),
}

# States in which an account exists on its platform and must be governed.
LIVE_STATUSES = frozenset({S.ACTIVE, S.DECOMMISSIONING})
# States of a request that has not yet been decided.
PENDING_STATUSES = frozenset({S.DRAFT, S.AWAITING_MANAGER, S.AWAITING_COMMS, S.RETURNED})


class Classification(models.TextChoices):
    OFFICIAL = "official", _("Official KI channel")
    # PRIV-3: student ambassadors post on KI's behalf but are not official spokespersons.
    STUDENT_AMBASSADOR = "student_ambassador", _("Student ambassador account")


class Role(models.TextChoices):
    OWNER = "owner", _("Account owner")
    DEPUTY = "deputy", _("Deputy")
