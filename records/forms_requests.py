"""Forms for requests for public records (REC-1) and for weeding (WEED-1/2).

They shape input for records.disclosure and records.weeding; the services decide.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.fields import AccountMultipleField
from accounts.models import SocialAccount
from accounts.selectors import social_account_list
from core.widgets import DateInput
from records.forms_moderation import DateTimeLocalInput


class _PeriodForm(forms.Form):
    """A period of days, [period_start, period_end], that cannot end before it starts."""

    period_start = forms.DateField(label=gettext_lazy("From"), widget=DateInput)
    period_end = forms.DateField(label=gettext_lazy("Until"), widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class RecordsRequestForm(_PeriodForm):
    """A request as received: when, from whom (as given), what, and the accounts and period it covers."""

    field_order = ["received_at", "requester", "asked_for", "accounts", "period_start", "period_end"]

    received_at = forms.DateTimeField(label=gettext_lazy("Received"), widget=DateTimeLocalInput)
    requester = forms.CharField(
        label=gettext_lazy("Requester, as given"),
        max_length=200,
        help_text=gettext_lazy("Anyone may ask anonymously; write what the requester gave."),
    )
    asked_for = forms.CharField(label=gettext_lazy("What is asked for"), widget=forms.Textarea(attrs={"rows": 3}))
    accounts = AccountMultipleField(label=gettext_lazy("Accounts"), queryset=SocialAccount.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any account the user sees may be chosen; the picker searches them (/accounts/search/)
        # and renders only those chosen, so the page does not grow with the inventory.
        self.fields["accounts"].queryset = social_account_list(user=user).order_by("name", "pk")
        self.fields["received_at"].initial = lambda: timezone.localtime().replace(second=0, microsecond=0)


class RequestCloseForm(forms.Form):
    """Closing a request lifts its legal hold: who did it is the actor, why is this reason. The
    service refuses a missing reason (records_request_close), so the message is said once."""

    reason = forms.CharField(
        label=gettext_lazy("Why is the request closed?"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "required": True}),
        help_text=gettext_lazy("For example: answered and the material handed out on 2 May, or withdrawn."),
    )


class WeedingForm(_PeriodForm):
    basis = forms.CharField(
        label=gettext_lazy("Basis"),
        max_length=300,
        help_text=gettext_lazy("The decision that allows weeding, e.g. the weeding rules and their reference number."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the screenshots dated in the period are deleted for good."),
    )


class RetentionForm(forms.Form):
    research_value = forms.BooleanField(label=gettext_lazy("Has future research value"), required=False)
    public_interest = forms.BooleanField(label=gettext_lazy("Public interest in access"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
