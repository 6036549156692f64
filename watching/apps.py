from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchingConfig(AppConfig):
    """Watching without typing (issue 17): collectors of public profiles and start-page capture."""

    name = "watching"
    verbose_name = _("Watching public profiles")

    def ready(self):
        from accounts import extensions
        from watching import capture_tasks, capture_views  # noqa: F401 (registers the capture tasks)

        extensions.detail_panels.append(capture_views.capture_panel)
