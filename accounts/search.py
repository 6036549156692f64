"""The accounts in the search across everything (issue 14, core.search): the accounts the user may
see (the inventory's scope) by name, handle, address or number."""

from django.utils.translation import gettext_lazy as _

from accounts.selectors import social_account_exact, social_account_matching
from core import search


def find_accounts(user, words):
    accounts = social_account_matching(user=user, words=words, fragments=("name", "handle", "url"))
    return accounts.select_related("platform", "unit").order_by("name", "pk")


def register() -> None:
    search.register(
        search.SearchKind(
            key="accounts",
            title=_("Accounts"),
            find=find_accounts,
            template="accounts/includes/_search_account.html",
            order=10,
            exact=social_account_exact,
        )
    )
