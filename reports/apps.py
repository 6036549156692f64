from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts import extensions
        from reports import exports, report_files, views_exports  # noqa: F401 - report_files registers "compliance"

        # The export producers for large files made as jobs (reports.jobs).
        exports.register()
        # Export buttons on the inventory page, without accounts importing reports.
        if views_exports.inventory_actions not in extensions.inventory_actions:
            extensions.inventory_actions.append(views_exports.inventory_actions)
