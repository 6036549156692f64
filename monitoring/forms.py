from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from monitoring.choices import ACCESSIBILITY_QUESTIONS, AccessibilityAnswer, CoverMeasure
from org.fields import PersonField
from org.models import Absence, User


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ACC-1, ACC-2: the accessibility questions, each answered yes / partly / no / not applicable.
        for name, question, clause in ACCESSIBILITY_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=format_lazy("{} ({})", question, clause), choices=AccessibilityAnswer.choices
            )


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


class CoverForm(forms.Form):
    """Temporary cover for a period (MON-2, DECOM-2): a stand-in, the communications department,
    or comments switched off on the platform."""

    measure = forms.ChoiceField(label=_("How is the account covered?"), choices=CoverMeasure, widget=forms.RadioSelect)
    stand_in = PersonField(
        label=_("Stand-in"),
        required=False,
        queryset=User.objects.filter(is_active=True, left_on__isnull=True),
        help_text=_("A colleague who monitors the account in the period (when a stand-in is chosen above)."),
    )
    first_day = forms.DateField(label=_("First day"), widget=DateInput)
    last_day = forms.DateField(label=_("Last day"), widget=DateInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day cannot be before the first day."))
        if cleaned.get("measure") == CoverMeasure.STAND_IN and not cleaned.get("stand_in"):
            self.add_error("stand_in", _("Name the stand-in."))
        return cleaned
