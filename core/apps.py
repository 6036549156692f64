from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What is shared and knows no domain: error types and their one translation to HTTP, the
    record PDF renderer, charts, the CSV/XLSX formula guard, widgets, file clean-up."""

    name = "core"
    verbose_name = "Core"
