"""The platform form (issue 14): comms edit a catalogue row; the view passes cleaned_data to
accounts.platform_services, which checks the address rule against its examples and saves."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform
from accounts.platform_services import PLATFORM_FIELDS
from accounts.urlparse import BUILTIN_RULES
from org.fields import PersonField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlatformForm(forms.ModelForm):
    domains = forms.CharField(
        label=_("Host names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. example.com; its subdomains www. and m. are included."),
    )
    builtin_rule = forms.ChoiceField(
        label=_("Built-in address rule"),
        required=False,
        help_text=_("The rules the catalogue started with. Leave empty to use a pattern."),
    )
    handle_pattern = forms.CharField(
        label=_("Address rule (regular expression)"),
        required=False,
        max_length=300,
        help_text=_(
            "Matched against the whole path of an address on the host names, e.g. /@(?P<handle>[a-z0-9_.]+). "
            "The named group handle is the account's handle."
        ),
    )
    url_template = forms.CharField(
        label=_("Profile address of a handle"),
        required=False,
        max_length=200,
        help_text=_("E.g. https://example.com/@{handle}; {handle} is replaced by the handle."),
    )
    examples = forms.CharField(
        label=_("Example addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: an address, a space and the handle it must give. Checked on every save."),
    )
    tos_reviewed_by = PersonField(label=_("Terms of service reviewed by"), required=False)

    class Meta:
        model = Platform
        fields = ("slug", *PLATFORM_FIELDS)
        widgets = {"tos_reviewed_on": DATE, "reviewed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["builtin_rule"].choices = [("", "—"), *((r, r) for r in BUILTIN_RULES)]
        self.fields["tos_url"].assume_scheme = "https"
        self.fields["dpia_url"].assume_scheme = "https"
        if self.instance.pk:
            del self.fields["slug"]  # accounts point to it; it never changes
            self.initial["domains"] = "\n".join(self.instance.domains)
            self.initial["examples"] = "\n".join(f"{a} {h}" for a, h in self.instance.examples)
        else:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Made from the name if left empty.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The platform"), *(["slug"] if "slug" in self.fields else []), "name", "allowed_for_new"),
            Fieldset(
                _("Profile addresses"),
                "domains",
                "builtin_rule",
                "handle_pattern",
                "url_template",
                "examples",
                "identifier_label",
            ),
            Fieldset(_("What the platform allows"), "can_disable_comments", "has_description", "content_retrievable"),
            Fieldset(_("How the portal watches its profiles"), "collector", "token_setting"),
            Fieldset(
                _("What KI must know before using it"),
                "tos_reviewed_on",
                "tos_reviewed_by",
                "tos_url",
                "data_location",
                "third_country_transfer",
                "dpia_url",
                "reviewed_on",
            ),
            Submit("save", _("Save")),
        )

    def clean_token_setting(self):
        """Issue 17: only a setting made for the purpose may be named, never another secret of the portal."""
        name = self.cleaned_data["token_setting"].strip()
        if name and not re.fullmatch(r"WATCHING_TOKEN_[A-Z0-9_]+", name):
            raise forms.ValidationError(_("The setting's name must start with WATCHING_TOKEN_ (capitals, digits, _)."))
        return name

    def clean_domains(self):
        return [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]

    def clean_examples(self):
        examples = []
        for line in self.cleaned_data["examples"].splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Write each example as an address, a space and the handle: “%(line)s”.") % {"line": line.strip()}
                )
            examples.append(parts)
        return examples

    def _post_clean(self):
        # Validated by accounts.platform_services, which the view calls with cleaned_data.
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}
