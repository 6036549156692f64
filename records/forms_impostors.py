"""Forms for impostor cases (issue 14): the public report and comms' steps on a case. They shape
input for records.impostors; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput, Select
from records.choices import CaseOutcome, CaseStatus, CaseVerdict


class ImpostorReportForm(forms.Form):
    """The public report: no login, no personal data required."""

    address = forms.CharField(
        label=_("Address or handle of the account"),
        max_length=300,
        help_text=_("For example https://www.instagram.com/name or @name."),
    )
    reason = forms.CharField(
        label=_("What made you doubt that it is KI's?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact = forms.CharField(
        label=_("Your e-mail or phone (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if we may contact you with questions. You need not give your name."),
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *CaseStatus.choices], widget=Select
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select"


class CaseTriageForm(forms.Form):
    verdict = forms.ChoiceField(label=_("What is the account?"), choices=CaseVerdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class CaseTakedownForm(forms.Form):
    requested_on = forms.DateField(label=_("Takedown requested on"), widget=DateInput, initial=timezone.localdate)
    platform_reference = forms.CharField(label=_("The platform's reference"), max_length=200, required=False)


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CaseOutcome.choices, widget=forms.RadioSelect)
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
