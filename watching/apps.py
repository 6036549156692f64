from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchingConfig(AppConfig):
    """Watching without typing (issue 17): collectors of public profiles and start-page capture."""

    name = "watching"
    verbose_name = _("Watching public profiles")

    def ready(self):
        # watching sits above monitoring and records: it adds its rules to the catalogue and its
        # panel to the account page (DESIGN.md).
        from accounts import extensions
        from watching import panels, rules  # noqa: F401

        extensions.detail_panels.append(panels.observation_panel)
