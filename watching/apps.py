from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchingConfig(AppConfig):
    """Watching without typing (issue 17): collectors of public profiles and start-page capture."""

    name = "watching"
    verbose_name = _("Watching public profiles")
