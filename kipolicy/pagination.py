"""The API's pagination (settings.REST_FRAMEWORK). A module of its own because DRF loads it while
its views are imported, so it must not import views (kipolicy.api, the router, does)."""

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination as _CursorPagination


class CursorPagination(_CursorPagination):
    """Newest first, by id: stable while rows are added, and every page costs the same."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """page_size as the schema says (issue 14): a whole number from 1 to max_page_size, or
        absent for the default; anything else answers 400 instead of being silently replaced."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            message = gettext("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
