from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Social media accounts")

    def ready(self):
        # The unit page (org) shows the accounts of the unit's subtree, and how many are below each
        # unit under it, through org's hooks.
        from accounts.services import social_accounts_unit_close
        from accounts.views import subunit_account_counts, unit_accounts_panel
        from org import extensions

        extensions.unit_panels.append(unit_accounts_panel)
        extensions.subunit_columns.append(subunit_account_counts)
        # Closing a unit (org.services.unit_close) moves its accounts to the successor.
        extensions.unit_close_hooks.append(social_accounts_unit_close)
