"""Bench mode only (kipolicy.settings_bench): the portal's addresses plus the trivial view."""

from django.urls import path

from kipolicy.bench import trivial_view
from kipolicy.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("__bench__/trivial/", trivial_view, name="bench-trivial"), *portal_urlpatterns]
