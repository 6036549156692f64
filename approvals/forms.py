from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.forms import PURPOSE_FIELDS, RESOURCE_FIELDS, TEXTAREAS, OwnerDeputyFormMixin
from accounts.models import VALUES_FIELDS, CollaborationPartner, Platform, SocialAccount
from approvals.choices import Outcome
from org.fields import PersonField


class RequestForm(OwnerDeputyFormMixin, forms.ModelForm):
    """A request for a new account (START-1, PURP-1..3, RES-1, RES-2). Saved as a draft; sending
    it is a separate step that checks everything is filled in."""

    strategy_link = forms.URLField(label=_("link to strategy"), max_length=500, required=False, assume_scheme="https")
    # PURP-4: a required checkbox; the service records it with the request.
    core_values_confirmed = forms.BooleanField(
        label=_("The use of the account fits KI's core values and concerns KI's activities or its official partners."),
        required=True,
        error_messages={"required": _("Confirm that the use fits KI's core values (PURP-4).")},
    )

    class Meta:
        model = SocialAccount
        fields = ("unit", "platform", "name", "classification", *PURPOSE_FIELDS, *RESOURCE_FIELDS, *VALUES_FIELDS)
        widgets = TEXTAREAS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.open().order_by("path")
        # PURP-4: the partners comms keeps current (the one already chosen stays choosable).
        chosen = Q(pk=self.instance.partner_id) if self.instance.partner_id else Q(pk__in=[])
        self.fields["partner"].queryset = CollaborationPartner.objects.filter(Q(is_active=True) | chosen)
        # One of the two is needed to send (PURP-4): marked like the other fields needed to send.
        for name in ("ki_activity", "partner"):
            self.fields[name].label = f"{self.fields[name].label} *"
        self.fields["partner"].help_text = _(
            "Name a KI activity or choose an organisation KI officially collaborates with (PURP-4). "
            "Missing from the list? Ask the communications department."
        )

        # Only the platforms the catalogue allows for new accounts (issue 14), and a draft's own.
        self.fields["platform"].queryset = Platform.objects.filter(
            Q(allowed_for_new=True) | Q(pk=self.instance.platform_id)
        ).order_by("name")
        for name in (
            "goal",
            "operational_benefit",
            "audience_benefit",
            "success_measures",
            "resource_assessment",
            "hours_per_week",
            "holiday_cover",
        ):
            # Required to send, not to save a draft: marked so the requester knows.
            self.fields[name].label = f"{self.fields[name].label} *"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("The account"), "unit", "platform", "name", "classification"),
            Fieldset(_("Purpose and goals"), *PURPOSE_FIELDS, *VALUES_FIELDS),
            Fieldset(_("Resources and responsibility"), *RESOURCE_FIELDS, "owner", "deputy"),
        )

    def _post_clean(self):
        # Validated by the service (accounts.services), which the view calls with cleaned_data.
        pass

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in (*self._meta.fields, "owner", "deputy")}


class SubmitForm(forms.Form):
    guidelines_read = forms.BooleanField(
        label=_("I have read KI's guidelines for social media and act on behalf of KI, not as a private person."),
        required=True,
    )


# What the decider does (the Decision records the result: Approved, Returned, Rejected).
DECISION_ACTIONS = [
    (Outcome.APPROVE, _("Approve")),
    (Outcome.RETURN, _("Return for changes")),
    (Outcome.REJECT, _("Reject")),
]


class DecisionForm(forms.Form):
    """A manager's or the communications department's decision. `seen_status` is the state the
    decider saw: if someone else decided meanwhile, the service refuses."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=DECISION_ACTIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return or reject the request."),
    )
    seen_status = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") in (Outcome.RETURN, Outcome.REJECT) and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Give a reason the requester can act on."))
        return cleaned


class BulkRetroactiveForm(forms.Form):
    """One retroactive decision for the accounts ticked on the bulk page (issue 13, START-1).
    The accounts come as the checkboxes "accounts" (their numbers); the view scopes them."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Outcome.APPROVE, _("Approve")), (Outcome.REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject. The same comment is recorded on every decision."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.REJECT and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say why the accounts are rejected."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the account to be decommissioned?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ChecklistForm(forms.Form):
    """Tick items of a checklist; the choices are those that apply to the account."""

    items = forms.MultipleChoiceField(label=_("Done"), widget=forms.CheckboxSelectMultiple, required=True)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Registry reference number"),
        max_length=100,
        error_messages={"required": _("Enter the reference number.")},
    )


class PersonForm(forms.Form):
    """Choose a member of staff: the new owner of a handover, or a new deputy."""

    person = PersonField(label=_("Person"))
    note = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=(("yes", _("Accept")), ("no", _("Decline"))),
        coerce=lambda v: v == "yes",
        error_messages={"required": _("Choose accept or decline."), "invalid_choice": _("Choose accept or decline.")},
    )
