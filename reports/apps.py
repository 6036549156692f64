from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts import extensions
        from records import extensions as records_extensions
        from reports import exports, kept, registers, report_files, views_exports, views_registers  # noqa: F401 - report_files registers "compliance"

        # The export producers for large files made as jobs (reports.jobs).
        exports.register()
        registers.register_job_kind()
        # Export buttons on the inventory page, without accounts importing reports.
        if views_exports.inventory_actions not in extensions.inventory_actions:
            extensions.inventory_actions.append(views_exports.inventory_actions)
        # A unit's response times from the kept report figures (records.extensions, issue 12).
        if kept.kept_response_figures not in records_extensions.unit_response_figures:
            records_extensions.unit_response_figures.append(kept.kept_response_figures)
        # Export buttons on the register pages (accounts.registers).
        if views_registers.register_actions not in extensions.register_actions:
            extensions.register_actions.append(views_registers.register_actions)
