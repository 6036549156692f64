from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Moderation and public records")

    def ready(self):
        # records sits above monitoring and adds its rules to the catalogue (DESIGN.md).
        from accounts import extensions
        from org import extensions as org_extensions
        from records import (  # noqa: F401
            blocks,
            impostor_rules,
            registers,
            rules,
            search,
            todo,
            views_impostors,
            views_moderation,
        )

        extensions.detail_panels.append(views_moderation.moderation_panel)
        org_extensions.unit_panels.append(views_moderation.unit_inquiries_panel)
        extensions.todo_providers.append(todo.routed_criticism)
        # The records' registers and the queues of the registrar and comms (accounts.registers).
        registers.setup()
        extensions.directory_answer_panels.append(views_impostors.impostor_answer_panel)
        extensions.directory_check_fields.append(views_impostors.impostor_check_fields)
        search.register()  # records in the search across everything (issue 14, core.search)
