from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Social media accounts")

    def ready(self):
        # The unit page (org) shows the accounts of the unit's subtree, and how many are below each
        # unit under it, and a person's accounts on the People pages, through org's hooks.
        from accounts.services import social_accounts_unit_close
        from accounts.views import person_accounts_panel, subunit_account_counts, unit_accounts_panel
        from org import extensions

        extensions.unit_panels.append(unit_accounts_panel)
        extensions.subunit_columns.append(subunit_account_counts)
        # A leaver (issue 13): their managers and comms are told, and hand over on
        # /people/<id>/handover/ (people:handover), a page org serves through its hook.
        from accounts.leavers import leaver_handovers_cancel, leaver_notify
        from accounts.views_handover import leaver_handover_view

        extensions.person_left_hooks.append(leaver_notify)
        extensions.person_left_hooks.append(leaver_handovers_cancel)
        extensions.person_pages["handover"] = leaver_handover_view
        # The People pages' person page shows the accounts the person holds (issue 13).
        extensions.person_panels.append(person_accounts_panel)
        # Closing a unit (org.services.unit_close) moves its accounts to the successor.
        extensions.unit_close_hooks.append(social_accounts_unit_close)
        # Publishers and the yearly access review (START-1, issue 15): a panel on the account
        # page and the owner's and manager's to-do sections.
        from accounts import access_selectors
        from accounts import extensions as account_extensions
        from accounts.views_access import access_panel, partner_inventory_action

        account_extensions.detail_panels.append(access_panel)
        account_extensions.todo_providers.append(access_selectors.todo_access)
        account_extensions.todo_providers.append(access_selectors.todo_publishers_to_confirm)
        # A publisher who leaves KI: the owners are asked to remove the access (START-1).
        from accounts.access import publisher_left_notify

        extensions.person_left_hooks.append(publisher_left_notify)
        # PURP-4: the list of collaboration partners, kept by comms, linked from the inventory.
        account_extensions.inventory_actions.append(partner_inventory_action)
        # The accounts in the search across everything (issue 14, core.search).
        from accounts import search

        search.register()
