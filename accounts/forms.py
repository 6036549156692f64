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


def identifier_handle(raw: str, *, platform: Platform, exclude_pk=None) -> str:
    """The handle of an account on a platform without profile addresses (issue 14, WeChat): its
    stated identifier, lower-cased, unique on the platform; or a ValidationError saying why not."""
    identifier = raw.strip().removeprefix("@")
    if not IDENTIFIER_RE.fullmatch(identifier):
        raise forms.ValidationError(_("Use only letters, digits, dots, dashes and underscores."))
    handle = identifier.lower()
    existing = SocialAccount.objects.filter(platform=platform, handle=handle).exclude(pk=exclude_pk).first()
    if existing:
        raise forms.ValidationError(
            _("This account is already registered as “%(name)s” (number %(pk)s).")
            % {"name": existing.name, "pk": existing.pk}
        )
    return handle


def identifier_field(platform: Platform | None = None, **kwargs) -> forms.CharField:
    label = platform.identifier_label if platform and platform.identifier_label else _("Identifier on the platform")
    return forms.CharField(label=label, max_length=100, **kwargs)


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

    url = forms.URLField(label=_("profile address"), max_length=500, assume_scheme="https", required=False)
    # Issue 14: an account on a platform without profile addresses (WeChat) is registered by its
    # stated identifier instead of an address.
    no_address_platform = forms.ModelChoiceField(
        label=_("Or: a platform without profile addresses"),
        queryset=Platform.objects.filter(builtin_rule="", handle_pattern="").order_by("name"),
        required=False,
    )
    identifier = identifier_field(required=False, help_text=_("With a platform without profile addresses."))
    strategy_link = forms.URLField(label=_("link to strategy"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SocialAccount
        fields = (*(f for f in IDENTITY_FIELDS if f not in ADDRESS_FIELDS), *PURPOSE_FIELDS, *RESOURCE_FIELDS)
        widgets = TEXTAREAS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].help_text = _("Paste the address of the account's profile page; the platform is recognised.")
        self.fields["unit"].queryset = self.fields["unit"].queryset.select_related(None).open().order_by("path")
        platform = self.instance.platform if self.instance.platform_id else None
        if platform is not None and not platform.has_address_rule:
            self.initial.setdefault("no_address_platform", platform.pk)
            self.initial.setdefault("identifier", self.instance.handle)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("The account"), "name", "url", "no_address_platform", "identifier", "unit", "classification"),
            Fieldset(_("Purpose and goals"), *PURPOSE_FIELDS),
            Fieldset(_("Resources and responsibility"), *RESOURCE_FIELDS, "owner", "deputy"),
            Submit("save", _("Save")),
        )

    def clean_url(self):
        if not self.cleaned_data["url"]:
            return ""
        platform, handle, url = registry_address(self.cleaned_data["url"], exclude_pk=self.instance.pk)
        self.cleaned_data["platform"], self.cleaned_data["handle"] = platform, handle
        return url

    def clean(self):
        cleaned = super().clean()
        platform, identifier = cleaned.get("no_address_platform"), cleaned.get("identifier", "").strip()
        if cleaned.get("url") or "url" in self.errors:
            return cleaned
        if platform is None or not identifier:
            self.add_error(
                "url",
                _("Paste the profile address, or choose a platform without profile addresses and give the identifier."),
            )
            return cleaned
        try:
            handle = identifier_handle(identifier, platform=platform, exclude_pk=self.instance.pk)
        except forms.ValidationError as exc:
            self.add_error("identifier", exc)
            return cleaned
        cleaned.update(platform=platform, handle=handle, url="")
        return cleaned

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
            self.fields["identifier"] = identifier_field(
                platform,
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
        platform = self.account.platform
        handle = identifier_handle(self.cleaned_data["identifier"], platform=platform, exclude_pk=self.account.pk)
        self.cleaned_data.update(platform=platform, handle=handle, url="")
        return handle

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "url", "platform", "handle")}
