"""Forms of the access page (START-1, PRIV-2, issue 15): add a publisher, confirm or decline one,
record a removal, and the owner's yearly access review. The views pass cleaned_data to
accounts.access; the services check everything again."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import PlatformRole
from org.fields import PersonField
from org.models import User


class DateInput(forms.DateInput):
    input_type = "date"


class PublisherForm(forms.Form):
    person = PersonField(
        label=_("Person at KI"),
        required=False,
        queryset=User.objects.filter(is_active=True, left_on__isnull=True),
        help_text=_("A member of KI staff: an editor, a moderator, a student ambassador."),
    )
    agency_name = forms.CharField(
        label=_("Or an external agency"), max_length=200, required=False, help_text=_("The agency's name.")
    )
    agency_contact = forms.CharField(
        label=_("Agency contact"),
        max_length=300,
        required=False,
        help_text=_("The agency's contact person, with e-mail or telephone."),
    )
    platform_role = forms.ChoiceField(label=_("Role on the platform"), choices=PlatformRole.choices)
    ends_on = forms.DateField(
        label=_("Access ends on"),
        required=False,
        widget=DateInput,
        help_text=_("For temporary access (a campaign, a student ambassador's term); empty if it does not end."),
    )

    def clean(self):
        cleaned = super().clean()
        person, agency = cleaned.get("person"), (cleaned.get("agency_name") or "").strip()
        if person is None and not agency and "person" not in self.errors:
            raise forms.ValidationError(_("Choose a person at KI or name an external agency."))
        if person is not None and agency:
            raise forms.ValidationError(_("Choose a person at KI or name an external agency, not both."))
        if agency and not (cleaned.get("agency_contact") or "").strip():
            self.add_error("agency_contact", _("Give the agency's contact person and how to reach them."))
        ends_on = cleaned.get("ends_on")
        if ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("The end date has already passed."))
        return cleaned


class PublisherDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Decision"),
        choices=(("yes", _("Confirm the access")), ("no", _("Decline"))),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    acts_for_ki = forms.BooleanField(
        label=_("The publisher acts for KI in this channel, not as a private person (PRIV-2)."),
        required=False,
    )
    note = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you decline."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("confirm") is True and not cleaned.get("acts_for_ki"):
            self.add_error("acts_for_ki", _("Confirm that the publisher acts for KI and not as a private person."))
        if cleaned.get("confirm") is False and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the publisher is declined."))
        return cleaned


class PublisherRemoveForm(forms.Form):
    removed_on = forms.DateField(
        label=_("Access removed on the platform on"), widget=DateInput, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_removed_on(self):
        removed_on = self.cleaned_data["removed_on"]
        if removed_on > timezone.localdate():
            raise forms.ValidationError(_("Record the removal once it is done, not in advance."))
        return removed_on


class AccessReviewForm(forms.Form):
    still_needed = forms.BooleanField(label=_("Everyone on the list still needs access to the account."))
    still_at_ki = forms.BooleanField(
        label=_("Everyone on the list is still at KI (or works for the named agency on KI's behalf).")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PartnerForm(forms.Form):
    """A collaboration partner on the list comms keeps (PURP-4)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    is_active = forms.BooleanField(
        label=_("Current partner"), required=False, initial=True, help_text=_("Only current partners can be chosen.")
    )
