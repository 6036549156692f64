from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from accounts import extensions
        from monitoring import (  # noqa: F401  access_rules and platform_rules register their rules
            access_rules,
            cover,
            platform_rules,
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
        # A predicted coverage gap asks its owner and manager for cover (MON-2, DECOM-2).
        extensions.todo_providers.append(cover.cover_needed)
        # A publisher who leaves opens access-not-removed at once (issue 15, START-1).
        org_extensions.person_left_hooks.append(access_rules.leaver_access_findings_open)
