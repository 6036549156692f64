"""Impostor cases (issue 14, feature row 29): a visitor's report that an account pretends to be
KI, and the communications department's handling of it (SEND-1: it must be clear who stands
behind an account; an account that claims KI as sender and is not KI's is an impostor).

One open case per address: reports of the same address while its case is open are added to it.
Imported into records.models, so Django finds them in the records app."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import BaseModel
from records.choices import CaseOutcome, CaseStatus, CaseVerdict


class ImpostorCase(BaseModel):
    """An address reported as possibly pretending to be KI, and what comms did about it."""

    key = models.CharField(max_length=320, editable=False)  # what "the same address" means (impostors.case_key)
    address = models.CharField(_("address or handle"), max_length=300)
    platform_slug = models.CharField(_("platform"), max_length=40, blank=True)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    status = models.CharField(_("state"), max_length=20, choices=CaseStatus, default=CaseStatus.NEW)
    verdict = models.CharField(_("triage"), max_length=20, choices=CaseVerdict, blank=True)
    triage_note = models.CharField(_("triage note"), max_length=1000, blank=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    takedown_requested_on = models.DateField(_("takedown requested"), null=True, blank=True)
    platform_reference = models.CharField(_("platform's reference"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CaseOutcome, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=1000, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    listed_publicly = models.BooleanField(_("listed publicly as not official"), default=False)
    listed_at = models.DateTimeField(_("listed publicly"), null=True, blank=True)
    reports_count = models.PositiveIntegerField(_("reports"), default=0)
    # The last thing comms did (or the first report): the impostor-case-stale rule reads it.
    last_action_at = models.DateTimeField(_("last action"))

    class Meta:
        verbose_name = _("impostor case")
        verbose_name_plural = _("impostor cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="records_case_status_valid"),
            models.CheckConstraint(
                condition=Q(verdict="") | Q(verdict__in=CaseVerdict.values), name="records_case_verdict_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=CaseOutcome.values), name="records_case_outcome_valid"
            ),
            # Reports of an address while its case is open go to that case.
            models.UniqueConstraint(
                fields=["key"], condition=~Q(status=CaseStatus.CLOSED), name="records_case_one_open_per_address"
            ),
        ]
        indexes = [
            # The list page, by state, newest first; the stale rule by last action.
            models.Index(fields=["status", "-created_at", "-id"], name="records_case_page"),
            models.Index(fields=["last_action_at"], name="records_case_open", condition=~Q(status=CaseStatus.CLOSED)),
            # The directory's answer and the public list: listed impostors by address.
            models.Index(fields=["key"], name="records_case_listed", condition=Q(listed_publicly=True)),
        ]

    def __str__(self):
        return self.address


class ImpostorReport(BaseModel):
    """One visitor's report, as given. No personal data is asked for; the contact is optional."""

    case = models.ForeignKey(ImpostorCase, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("what made you doubt"), max_length=2000)
    contact = models.CharField(_("contact (optional)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("impostor report")
        verbose_name_plural = _("impostor reports")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case}: {self.created_at:%Y-%m-%d}"
