"""Forms for requests for public records (REC-1) and for weeding (WEED-1/2).

They shape input for records.disclosure and records.weeding; the services decide.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# The request form offers at most this many accounts found by the search.
ACCOUNT_CHOICES = 50


def account_search(accounts, find: str):
    """The accounts whose name, handle or address contains the text; none for no text."""
    find = find.strip()
    if not find:
        return accounts.none()
    return accounts.filter(Q(name__icontains=find) | Q(handle__icontains=find) | Q(url__icontains=find))


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
    accounts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Accounts"),
        queryset=SocialAccount.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, user, find: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["accounts"]
        # Any account the user sees may be chosen (the field validates against all of them),
        # but the list offers only those the search found and those already chosen: never the
        # whole inventory, which would make the page grow with it.
        field.queryset = social_account_list(user=user).prefetch_related(None).order_by("name", "pk")
        chosen = [
            pk for pk in (self.data.getlist(self.add_prefix("accounts")) if self.is_bound else []) if pk.isdigit()
        ]
        found = list(account_search(field.queryset, find).values_list("pk", flat=True)[:ACCOUNT_CHOICES])
        offered = field.queryset.filter(pk__in=[*chosen, *found])
        field.widget.choices = [(a.pk, field.label_from_instance(a)) for a in offered]
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
