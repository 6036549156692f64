from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Social media accounts")

    def ready(self):
        # The unit page (org) shows the accounts of the unit's subtree through org's hook.
        from accounts.views import unit_accounts_panel
        from org import extensions

        extensions.unit_panels.append(unit_accounts_panel)
