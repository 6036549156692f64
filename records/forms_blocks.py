"""Forms for the blocking log (CONT-1, REC-1) and the media consent register (MEDIA-1..3).

They shape input for records.blocks and records.consents; the services decide.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.uploads import IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE, checked_upload
from core.widgets import DateInput
from records import consents
from records.choices import BlockAction, Category, ConsentForm, WithdrawalChannel
from records.forms_moderation import DateTimeLocalInput


class BlockForm(forms.Form):
    visitor = forms.CharField(
        label=_("Visitor's public identity on the platform"),
        max_length=200,
        help_text=_("The name or handle the platform shows, e.g. @name."),
    )
    visitor_url = forms.URLField(label=_("Link to the visitor's profile"), max_length=500, required=False)
    action = forms.ChoiceField(label=_("Action"), choices=BlockAction.choices, initial=BlockAction.BLOCK)
    reason = forms.ChoiceField(label=_("Reason (CONT-1 or the account's rules)"), choices=Category.choices)
    reason_note = forms.CharField(
        label=_("Note on the reason"),
        max_length=500,
        required=False,
        help_text=_(
            "Required for a breach of the account's rules: say which rule. Do not repeat the visitor's posts here."
        ),
    )
    blocked_at = forms.DateTimeField(
        label=_("When the visitor was blocked"),
        widget=DateTimeLocalInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocked_at"].initial = lambda: timezone.now().replace(second=0, microsecond=0)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "visitor", "visitor_url", "action", "reason", "reason_note", "blocked_at", Submit("record", _("Record"))
        )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Category.ACCOUNT_RULES and not data.get("reason_note", "").strip():
            self.add_error("reason_note", _("Say which of the account's rules the visitor broke."))
        return data


class MediaConsentForm(forms.Form):
    """Record a consent. clean_document checks the file once and hands on a CheckedFile, so a
    hostile file is a form error and nothing is written."""

    subject = forms.CharField(
        label=_("Person or group"),
        max_length=200,
        help_text=_("For a group, describe it, e.g. “the audience at the lecture”."),
    )
    consent_form = forms.ChoiceField(label=_("Form of consent"), choices=ConsentForm.choices)
    given_on = forms.DateField(label=_("Date of the consent"), widget=DateInput)
    publication = forms.CharField(
        label=_("Publication"), max_length=300, help_text=_("Where and when the photo or film is published.")
    )
    photographer = forms.CharField(label=_("Photographer"), max_length=200)
    credit = forms.CharField(
        label=_("Credit"),
        max_length=200,
        help_text=_("How the photographer is credited, or that it was agreed not to credit them (MEDIA-3)."),
    )
    photographer_consents = forms.BooleanField(
        label=_("The photographer agrees to publication in social media (MEDIA-3)"),
        error_messages={"required": consents.PHOTOGRAPHER_MUST_CONSENT},
    )
    document = forms.FileField(
        label=_("Written consent"),
        required=False,
        help_text=_("Optional: a PDF, or a PNG, JPEG or WebP image; at most 10 MB. Image metadata is removed."),
        widget=forms.FileInput(attrs={"accept": ",".join((*IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE))}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "subject",
            "consent_form",
            "given_on",
            "publication",
            "photographer",
            "credit",
            "photographer_consents",
            "document",
            Submit("record", _("Record")),
        )

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the consent cannot be in the future."))
        return given_on

    def clean_document(self):
        document = self.cleaned_data.get("document")
        return checked_upload(document) if document else None


class ConsentWithdrawForm(forms.Form):
    """A consent withdrawn (MEDIA-1): when, and how the person told KI. Laid out by the template,
    one per consent, so each field's id carries the consent's number."""

    withdrawn_on = forms.DateField(label=_("Date of the withdrawal"), widget=DateInput)
    via = forms.ChoiceField(label=_("How it was withdrawn"), choices=WithdrawalChannel.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Optional: what is affected, e.g. which posts were taken down."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate
        for name, field in self.fields.items():
            small = "form-select form-select-sm" if name == "via" else "form-control form-control-sm"
            field.widget.attrs["class"] = small
