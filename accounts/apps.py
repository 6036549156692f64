from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Social media accounts")

    def ready(self):
        # The unit page (org) shows the accounts of the unit's subtree, and how many are below each
        # unit under it, and a person's accounts on the People pages, through org's hooks.
        from accounts.views import person_accounts_panel, subunit_account_counts, unit_accounts_panel
        from org import extensions

        extensions.unit_panels.append(unit_accounts_panel)
        extensions.subunit_columns.append(subunit_account_counts)
        # The People pages' person page shows the accounts the person holds (issue 13).
        extensions.person_panels.append(person_accounts_panel)
