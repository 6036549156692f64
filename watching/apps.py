from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchingConfig(AppConfig):
    """Watching without typing (issue 17): collectors of public profiles and start-page capture."""

    name = "watching"
    verbose_name = _("Watching public profiles")

    def ready(self):
        # watching sits above monitoring and records: it adds its rules to the catalogue, and its
        # panels (what was seen, the start-page capture) to the account page (DESIGN.md).
        from accounts import extensions
        from watching import capture_tasks, capture_views, panels, rules  # noqa: F401 (tasks, rules)

        extensions.detail_panels.append(panels.observation_panel)
        extensions.detail_panels.append(capture_views.capture_panel)
