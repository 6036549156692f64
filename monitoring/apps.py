from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from accounts import extensions
        from monitoring import (
            platform_rules,  # noqa: F401  registers platform-review-overdue (issue 14)
            selectors,
            services,
            views,
        )
        from org import extensions as org_extensions

        # Show findings on the account pages without accounts importing monitoring.
        extensions.list_annotators.append(selectors.annotate_open_findings)
        extensions.detail_panels.append(views.account_panel)
        # A leaver's accounts open no-owner / no-deputy at once (issue 13, RES-2).
        org_extensions.person_left_hooks.append(services.leaver_findings_open)
