from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.choices import Outcome, Step
from org.models import BaseModel


class Submission(BaseModel):
    """A request sent for decision: who sent it, when, and that they had read the guidelines
    (START-1). A request returned and sent again has one row per sending."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    guidelines_read = models.BooleanField(_("has read the guidelines"))

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(guidelines_read=True), name="approvals_guidelines_read"),
        ]

    def __str__(self):
        return f"{self.account} ({self.created_at:%Y-%m-%d})"


class Decision(BaseModel):
    """A dated decision on an account: the manager's (START-1, RESP-1), the communications
    department's sign-off (START-2) or a retroactive approval of an imported account. It is the
    decision record that goes to the unit's registry; the registry's reference number is
    entered when it comes back."""

    account = models.ForeignKey(
        "accounts.SocialAccount", verbose_name=_("account"), on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by_repr = models.CharField(_("decided by"), max_length=200)
    clauses = models.CharField(_("clauses"), max_length=200)
    # The account's unit when the decision was made (kept when the unit is later closed or merged,
    # so reports of past periods show the unit as it was), its name then, and the registry the
    # record went to.
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit at the time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_repr = models.CharField(_("unit"), max_length=300)
    registry_email = models.EmailField(_("sent to registry"), blank=True)
    registry_reference = models.CharField(_("registry reference number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(step__in=Step.values), name="approvals_step_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="approvals_outcome_valid"),
            # Returning or rejecting needs a reason the requester can act on.
            models.CheckConstraint(
                condition=Q(outcome=Outcome.APPROVE) | ~Q(comment=""), name="approvals_reason_given"
            ),
        ]
        indexes = [
            # "Not yet approved retroactively" (the to-do page, the retroactive approvals page): a
            # look-up in the few retroactive approvals, not a read of every decision (issue 12).
            models.Index(
                fields=["account"],
                condition=Q(step=Step.RETROACTIVE, outcome=Outcome.APPROVE),
                name="approvals_retroactive_approved",
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_outcome_display()} ({self.account})"

    def get_absolute_url(self):
        return reverse("approvals:decision-pdf", args=[self.pk])


class DecommissionConfirmation(BaseModel):
    """One item of the decommissioning checklist confirmed by someone (DECOM-1/2)."""

    account = models.ForeignKey(
        "accounts.SocialAccount", on_delete=models.PROTECT, related_name="decommission_confirmations"
    )
    item = models.CharField(_("item"), max_length=30)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    confirmed_by_repr = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("decommissioning step")
        verbose_name_plural = _("decommissioning steps")
        constraints = [models.UniqueConstraint("account", "item", name="approvals_decommission_once")]

    def __str__(self):
        return f"{self.account}: {self.item}"
