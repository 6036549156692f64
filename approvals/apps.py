from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        # The decision records' register and the registrar's queue (accounts.registers).
        from approvals import registers

        registers.setup()
