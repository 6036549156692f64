from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Moderation and public records")

    def ready(self):
        # records sits above monitoring and adds its rules to the catalogue (DESIGN.md).
        from records import blocks, rules  # noqa: F401
