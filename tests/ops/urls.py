"""Views for the operations tests: one that logs, one that raises (Sentry)."""

import logging

from django.http import HttpResponse
from django.urls import path

logger = logging.getLogger("kipolicy.test")


def logs(request):
    logger.info("hello from a view")
    return HttpResponse("ok")


def boom(request):
    raise RuntimeError("boom for sentry")


urlpatterns = [path("logs/", logs), path("boom/", boom)]
