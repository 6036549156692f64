from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Platform, SocialAccount
from accounts.urlparse import UnrecognisedURL, recognise

PURPOSE_FIELDS = (
    "purpose",
    "goal",
    "strategy_link",
    "operational_benefit",
    "audience_benefit",
    "target_audiences",
    "success_measures",
)
RESOURCE_FIELDS = ("resource_assessment", "hours_per_week", "holiday_cover")


class SocialAccountForm(forms.ModelForm):
    """Register or edit an account. The pasted profile address gives platform and handle; the
    view passes cleaned_data to accounts.services, never form.save()."""

    owner = forms.ModelChoiceField(label=_("Account owner"), queryset=get_user_model().objects.filter(is_active=True))
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=get_user_model().objects.filter(is_active=True))

    class Meta:
        model = SocialAccount
        fields = ("name", "url", "unit", "classification", *PURPOSE_FIELDS, *RESOURCE_FIELDS)
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in (
                "purpose",
                "goal",
                "operational_benefit",
                "audience_benefit",
                "target_audiences",
                "success_measures",
                "resource_assessment",
                "holiday_cover",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].required = True
        self.fields["url"].assume_scheme = "https"
        self.fields["url"].help_text = _("Paste the address of the account's profile page; the platform is recognised.")
        self.fields["unit"].queryset = self.fields["unit"].queryset.select_related(None).order_by("path")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The account"), "name", "url", "unit", "classification"),
            Fieldset(_("Purpose and goals"), *PURPOSE_FIELDS),
            Fieldset(_("Resources and responsibility"), *RESOURCE_FIELDS, "owner", "deputy"),
            Submit("save", _("Save")),
        )

    def clean_url(self):
        raw = self.cleaned_data["url"]
        try:
            found = recognise(raw)
        except UnrecognisedURL as exc:
            raise forms.ValidationError(str(exc)) from None
        self.recognised = found
        platform = Platform.objects.filter(slug=found.platform).first()
        if platform is None:
            raise forms.ValidationError(_("This platform is not in the registry yet."))
        clash = SocialAccount.objects.filter(platform=platform, handle=found.handle)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        existing = clash.first()
        if existing:
            raise forms.ValidationError(
                _("This account is already registered as “%(name)s” (number %(pk)s).")
                % {"name": existing.name, "pk": existing.pk}
            )
        self.cleaned_data["platform"] = platform
        self.cleaned_data["handle"] = found.handle
        return found.url

    def clean(self):
        cleaned = super().clean()
        owner, deputy = cleaned.get("owner"), cleaned.get("deputy")
        if owner and deputy and owner == deputy:
            self.add_error("deputy", _("The deputy cannot be the account owner (RES-2)."))
        return cleaned

    def _post_clean(self):
        # Uniqueness of platform + handle is checked in clean_url with a message naming the
        # account; the model's own validation runs in the service.
        pass

    def service_data(self) -> dict:
        """The fields accounts.services takes, from cleaned_data."""
        data = {k: self.cleaned_data[k] for k in self._meta.fields}
        data["platform"] = self.cleaned_data["platform"]
        data["handle"] = self.cleaned_data["handle"]
        data["owner"] = self.cleaned_data["owner"]
        data["deputy"] = self.cleaned_data["deputy"]
        return data
