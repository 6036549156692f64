"""The account picker: choosing accounts by search, for forms that may name any account the user
may see (the records request's accounts). Like org.fields.PersonField, the page holds only the
chosen accounts and the browser searches /accounts/search/ (accounts.views_search)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import SearchModelChoiceField, SearchModelMultipleChoiceField


def account_label(account) -> str:
    """An account as the pickers show it: name, platform and handle, and its number."""
    return f"{account.name} ({account.platform.name}: {account.handle}, {gettext('no.')} {account.pk})"


class AccountMultipleField(SearchModelMultipleChoiceField):
    """Choose several accounts from ``queryset`` (scope it to the user). Without JavaScript the
    text box takes account numbers, separated by commas."""

    fallback_hint = _("Type the numbers of the accounts, separated by commas.")
    default_error_messages = {
        "invalid_choice": _("No account that can be chosen here has the number “%(value)s”."),
        "invalid_pk_value": _("“%(pk)s” is not an account number."),
    }

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("search_url", reverse_lazy("accounts:search"))
        super().__init__(queryset=queryset, **kwargs)

    def display_queryset(self):
        return self.queryset.select_related("platform")

    def label_from_instance(self, obj):
        return account_label(obj)


class AccountField(SearchModelChoiceField):
    """Choose one account from ``queryset`` (scope it to the user): the registers' account filter.
    Without JavaScript the text box takes the account's number."""

    fallback_hint = _("Type the number of the account.")
    default_error_messages = {
        "invalid_choice": _("No account that can be chosen here has this number."),
    }

    def __init__(self, *, queryset, **kwargs):
        kwargs.setdefault("search_url", reverse_lazy("accounts:search"))
        super().__init__(queryset=queryset, **kwargs)

    def display_queryset(self):
        return self.queryset.select_related("platform")

    def label_from_instance(self, obj):
        return account_label(obj)
