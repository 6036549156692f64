"""Forms for removed posts (CONT-1/2, REC-3/4) and questions and comments (ANS-1..3, REC-2/3).

They shape input for records.services; the services decide. Times are typed in Stockholm time,
whatever time zone the browser or the request is in.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import SnapshotKind
from accounts.uploads import IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE, checked_upload
from org.calendar import STOCKHOLM
from records.choices import Category, HandOff, InquiryKind, Poster

EVIDENCE_ACCEPT = ",".join((*IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE))


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker: `<input type="datetime-local">` with the value it expects."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=format)


class StockholmDateTimeField(forms.DateTimeField):
    """A date and time from an <input type="datetime-local">, read as Europe/Stockholm wall-clock
    time. A time that does not exist or occurs twice there (the DST changes) is a form error."""

    widget = DateTimeLocalInput

    def to_python(self, value):
        with timezone.override(STOCKHOLM):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(STOCKHOLM):
            return super().prepare_value(value)


def _now_to_the_minute() -> datetime.datetime:
    return timezone.localtime(timezone.now(), STOCKHOLM).replace(second=0, microsecond=0)


def _checked_or_none(uploaded):
    return checked_upload(uploaded) if uploaded else None


def _evidence_field(label, *, required: bool, help_text) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )


class IncidentForm(forms.Form):
    """Log a removed post or comment with its dated screenshots (CONT-2, REC-4). Each file is
    checked here (accounts.uploads.checked_upload) and handed on as a CheckedFile."""

    seen_at = StockholmDateTimeField(label=_("Seen"), help_text=_("When the post was first seen (Stockholm time)."))
    removed_at = StockholmDateTimeField(label=_("Removed"), help_text=_("When it was removed (Stockholm time)."))
    link = forms.URLField(label=_("Link to the post"), max_length=500, required=False, assume_scheme="https")
    poster = forms.ChoiceField(label=_("Posted by"), choices=Poster.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label=_("Why it was removed (CONT-1)"), choices=Category.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Describe what happened in a few words, without repeating the content: the content itself "
            "belongs in the screenshot, which only those responsible for the account can see."
        ),
    )
    post_screenshot = _evidence_field(
        _("Screenshot of the post"),
        required=True,
        help_text=_("A PNG, JPEG or WebP image, or a PDF; at most 10 MB. Image metadata is removed."),
    )
    reply_screenshot = _evidence_field(
        _("Screenshot of KI's reply"),
        required=False,
        help_text=_("If KI replied to the post (REC-4). The same formats."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The post"), "seen_at", "removed_at", "link", "poster", "category", "description"),
            Fieldset(_("Screenshots"), "post_screenshot", "reply_screenshot"),
            Submit("log", _("Log the removed post")),
        )

    def clean_post_screenshot(self):
        return checked_upload(self.cleaned_data["post_screenshot"])

    def clean_reply_screenshot(self):
        return _checked_or_none(self.cleaned_data["reply_screenshot"])

    def clean(self):
        cleaned = super().clean()
        seen, removed = cleaned.get("seen_at"), cleaned.get("removed_at")
        if seen and removed and removed < seen:
            self.add_error("removed_at", _("A post cannot be removed before it was seen."))
        return cleaned

    def service_data(self) -> dict:
        """Keyword arguments for records.services.incident_log."""
        data = self.cleaned_data
        screenshots = [(SnapshotKind.REMOVED_POST, data["post_screenshot"])]
        if data["reply_screenshot"]:
            screenshots.append((SnapshotKind.KI_REPLY, data["reply_screenshot"]))
        return {
            "seen_at": data["seen_at"],
            "removed_at": data["removed_at"],
            "link": data["link"],
            "poster": data["poster"],
            "category": data["category"],
            "description": data["description"],
            "screenshots": screenshots,
        }


class HandOffForm(forms.Form):
    """Send the record to the unit's registry, or keep it in the portal's archive (CONT-2, REC-4)."""

    to = forms.ChoiceField(choices=HandOff.choices)


class ReferenceForm(forms.Form):
    """The registry's reference number (diarienummer), entered when it comes back."""

    reference = forms.CharField(label=_("Registry reference number"), max_length=100)


class InquiryForm(forms.Form):
    """Log a question or comment that needs action (ANS-1..3, REC-2/3)."""

    received_at = StockholmDateTimeField(
        label=_("Received"),
        help_text=_("When it arrived on the platform (Stockholm time). The due time is counted from this."),
    )
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=InquiryKind.choices,
        help_text=_("Criticism of KI is routed to the responsible manager, who is told (ANS-2)."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What is asked or said, in a few words."),
    )
    needs_registration = forms.BooleanField(
        label=_("To be registered"),
        required=False,
        help_text=_(
            "It requires action, e.g. it is critical of KI or breaks laws or rules (REC-3). Criticism and "
            "complaints are always registered."
        ),
    )

    post_screenshot = _evidence_field(
        _("Screenshot of the question or comment"),
        required=False,
        help_text=_(
            "For one that is registered (REC-3, REC-4): a PNG, JPEG or WebP image, or a PDF; at most 10 MB. "
            "Image metadata is removed."
        ),
    )
    reply_screenshot = _evidence_field(
        _("Screenshot of KI's reply"),
        required=False,
        help_text=_("If KI has already replied (REC-4). The same formats."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The question or comment"), "received_at", "link", "kind", "summary", "needs_registration"),
            Fieldset(_("Screenshots"), "post_screenshot", "reply_screenshot"),
            Submit("log", _("Log the question")),
        )

    def clean_post_screenshot(self):
        return _checked_or_none(self.cleaned_data["post_screenshot"])

    def clean_reply_screenshot(self):
        return _checked_or_none(self.cleaned_data["reply_screenshot"])

    def service_data(self) -> dict:
        """Keyword arguments for records.services.inquiry_log."""
        data = dict(self.cleaned_data)
        post, reply = data.pop("post_screenshot"), data.pop("reply_screenshot")
        shots = ((SnapshotKind.INQUIRY, post), (SnapshotKind.KI_REPLY, reply))
        data["screenshots"] = [(kind, checked) for kind, checked in shots if checked]
        return data


class InquiryAnswerForm(forms.Form):
    """When and how a question or comment was answered (ANS-1, ANS-3)."""

    answered_at = StockholmDateTimeField(label=_("Answered"), help_text=_("Stockholm time."))
    reply_summary = forms.CharField(
        label=_("Summary of the reply"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Replies are professional, factual and open (ANS-3)."),
    )
    reply_screenshot = _evidence_field(
        _("Screenshot of KI's reply"),
        required=False,
        help_text=_("Optional (REC-4): a PNG, JPEG or WebP image, or a PDF; at most 10 MB."),
    )

    def clean_reply_screenshot(self):
        return _checked_or_none(self.cleaned_data["reply_screenshot"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One form per open question, laid out by the template, which names each button after its question.
        self.fields["answered_at"].initial = _now_to_the_minute
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
