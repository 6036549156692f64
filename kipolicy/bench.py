"""Bench mode only (kipolicy.settings_bench, used by bench/http_pages.py and bench/load.py): a middleware
that counts each request's SQL statements into an ``X-Query-Count`` header, and a trivial view that
answers a fixed 200, the baseline the pages are compared with. Neither is in kipolicy.settings or
kipolicy.urls: a production installation never counts queries and has no such address
(tests/test_bench_mode.py)."""

from django.db import connections
from django.http import HttpResponse

QUERY_COUNT_HEADER = "X-Query-Count"


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    """Outermost middleware: every statement of the request (sessions, authentication, axes, the
    view, the template) on every database connection. A streamed body's queries run after the
    header is sent and are not counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERY_COUNT_HEADER] = str(counter.count)
        return response


def trivial_view(request):
    """A fixed 200 through the whole middleware stack: what any page costs before its own work."""
    return HttpResponse(b"ok", content_type="text/plain")
