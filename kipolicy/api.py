"""The REST API: one router for every app's viewsets (each app keeps them in its own api.py)."""

from rest_framework.pagination import CursorPagination as _CursorPagination


class CursorPagination(_CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500


urlpatterns = []
