from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Moderation and public records")

    def ready(self):
        # records sits above monitoring and adds its rules to the catalogue (DESIGN.md).
        from accounts import extensions
        from org import extensions as org_extensions
        from records import blocks, rules, search, todo, views_moderation  # noqa: F401

        extensions.detail_panels.append(views_moderation.moderation_panel)
        org_extensions.unit_panels.append(views_moderation.unit_inquiries_panel)
        extensions.todo_providers.append(todo.routed_criticism)
        search.register()  # records in the search across everything (issue 14, core.search)
