import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import IDENTITY_FIELDS, PURPOSE_FIELDS, RESOURCE_FIELDS, Platform, SocialAccount
from accounts.urlparse import UnrecognisedURL, recognise
from org.fields import PersonField

# Platform and handle are recognised from the pasted address (clean_url), not entered.
ADDRESS_FIELDS = ("platform", "handle")
TEXTAREAS = {
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


def registry_address(raw: str, *, exclude_pk=None, platform: Platform | None = None):
    """Recognise a pasted profile address: (Platform, handle, canonical url), or a ValidationError
    that says what is wrong — including which account already has the address."""
    try:
        found = recognise(raw, platform.slug if platform else None)
    except UnrecognisedURL as exc:
        raise forms.ValidationError(str(exc)) from None
    found_platform = Platform.objects.filter(slug=found.platform).first()
    if found_platform is None:
        raise forms.ValidationError(_("This platform is not in the registry yet."))
    existing = SocialAccount.objects.filter(platform=found_platform, handle=found.handle).exclude(pk=exclude_pk).first()
    if existing:
        raise forms.ValidationError(
            _("This account is already registered as “%(name)s” (number %(pk)s).")
            % {"name": existing.name, "pk": existing.pk}
        )
    return found_platform, found.handle, found.url


class OwnerDeputyFormMixin(forms.Form):
    """The owner and the deputy of an account: two active members of staff, never the same
    person (RES-2)."""

    owner = PersonField(
        label=_("Account owner"),
        help_text=_("Monitors the account every day (RES-2, MON-1)."),
    )
    deputy = PersonField(
        label=_("Deputy"),
        help_text=_("Stands in for the owner; cannot be the owner (RES-2)."),
    )

    def clean(self):
        cleaned = super().clean()
        owner, deputy = cleaned.get("owner"), cleaned.get("deputy")
        if owner and deputy and owner == deputy:
            self.add_error("deputy", _("The deputy cannot be the account owner (RES-2)."))
        return cleaned


class SocialAccountForm(OwnerDeputyFormMixin, forms.ModelForm):
    """Register or edit an account. The pasted profile address gives platform and handle; the
    view passes cleaned_data to accounts.services, never form.save()."""

    url = forms.URLField(label=_("profile address"), max_length=500, assume_scheme="https")
    strategy_link = forms.URLField(label=_("link to strategy"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SocialAccount
        fields = (*(f for f in IDENTITY_FIELDS if f not in ADDRESS_FIELDS), *PURPOSE_FIELDS, *RESOURCE_FIELDS)
        widgets = TEXTAREAS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = _("Paste the address of the account's profile page; the platform is recognised.")
        self.fields["unit"].queryset = self.fields["unit"].queryset.select_related(None).open().order_by("path")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The account"), "name", "url", "unit", "classification"),
            Fieldset(_("Purpose and goals"), *PURPOSE_FIELDS),
            Fieldset(_("Resources and responsibility"), *RESOURCE_FIELDS, "owner", "deputy"),
            Submit("save", _("Save")),
        )

    def clean_url(self):
        platform, handle, url = registry_address(self.cleaned_data["url"], exclude_pk=self.instance.pk)
        self.cleaned_data["platform"], self.cleaned_data["handle"] = platform, handle
        return url

    def _post_clean(self):
        # Uniqueness of platform + handle is checked in clean_url with a message naming the
        # account; the model's own validation runs in the service.
        pass

    def service_data(self) -> dict:
        """The fields accounts.services takes, from cleaned_data."""
        data = {k: self.cleaned_data[k] for k in self._meta.fields}
        for name in (*ADDRESS_FIELDS, "owner", "deputy"):
            data[name] = self.cleaned_data[name]
        return data


# A stated identifier (e.g. a WeChat ID): letters, digits, dots, dashes and underscores.
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,99}")


class AddressForm(forms.Form):
    """Record the address of an approved account, rename an account or change its address.

    On a platform without an address rule (WeChat: no public profile address) the account is
    recorded by a stated identifier instead (issue 14, the "address without handle" form): it is
    the account's handle, and the account has no address."""

    name = forms.CharField(
        label=_("Account name"),
        max_length=200,
        help_text=_("The name must say which part of KI is the sender (SEND-2)."),
    )
    url = forms.URLField(
        label=_("Profile address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Paste the address of the account's profile page."),
    )

    def __init__(self, *args, account: SocialAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        platform = account.platform
        if not platform.has_address_rule:
            del self.fields["url"]
            self.fields["identifier"] = forms.CharField(
                label=platform.identifier_label or _("Identifier on the platform"),
                max_length=100,
                help_text=_("%(platform)s has no profile addresses: give the account's identifier on it.")
                % {"platform": platform.name},
            )
            self.initial.setdefault("identifier", account.handle)

    def clean_url(self):
        platform, handle, url = registry_address(
            self.cleaned_data["url"], exclude_pk=self.account.pk, platform=self.account.platform
        )
        self.cleaned_data["platform"], self.cleaned_data["handle"] = platform, handle
        return url

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip().removeprefix("@")
        if not IDENTIFIER_RE.fullmatch(identifier):
            raise forms.ValidationError(_("Use only letters, digits, dots, dashes and underscores."))
        handle, platform = identifier.lower(), self.account.platform
        existing = SocialAccount.objects.filter(platform=platform, handle=handle).exclude(pk=self.account.pk).first()
        if existing:
            raise forms.ValidationError(
                _("This account is already registered as “%(name)s” (number %(pk)s).")
                % {"name": existing.name, "pk": existing.pk}
            )
        self.cleaned_data.update(platform=platform, handle=handle, url="")
        return identifier

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "url", "platform", "handle")}
