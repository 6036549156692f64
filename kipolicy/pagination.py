"""The API's pagination (settings.REST_FRAMEWORK). A module of its own because DRF loads it while
its views are imported, so it must not import views (kipolicy.api, the router, does)."""

from rest_framework.pagination import CursorPagination as _CursorPagination


class CursorPagination(_CursorPagination):
    """Newest first, by id: stable while rows are added, and every page costs the same."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
