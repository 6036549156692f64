from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from org.models import Absence


class CheckInForm(forms.Form):
    """'Monitored today': one account or all of them, with an optional note (MON-1)."""

    account = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        help_text=_("Comments handled, posts removed …"),
    )
    latest_post_on = forms.DateField(label=_("Date of the latest post (optional)"), required=False, widget=DateInput)


class FollowUpForm(forms.Form):
    period_end = forms.DateField(label=_("Period up to"), widget=DateInput)
    figures = forms.CharField(
        label=_("Figures"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Reach, followers, engagement, questions answered …"),
    )
    assessment = forms.CharField(label=_("Assessment against the goals"), widget=forms.Textarea(attrs={"rows": 3}))
    continue_account = forms.BooleanField(label=_("The account should continue"), required=False, initial=True)


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ("first_day", "last_day", "note")
        widgets = {"first_day": DateInput, "last_day": DateInput}

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        return cleaned

    def _post_clean(self):  # the person is the user; the service validates the model
        pass
