"""The public directory (no login): the page, the list as JSON and CSV, the check as JSON, and the
Atom feed of accounts that went live or were decommissioned."""

from django.urls import path

from accounts import directory_views
from accounts.directory_feed import DirectoryFeed
from core.throttles import rate_limit

app_name = "directory"
urlpatterns = [
    path("", directory_views.DirectoryView.as_view(), name="index"),
    path("accounts.json", directory_views.DirectoryJsonView.as_view(), name="accounts-json"),
    path("accounts.csv", directory_views.DirectoryCsvView.as_view(), name="accounts-csv"),
    path("check.json", directory_views.CheckJsonView.as_view(), name="check-json"),
    # Accounts that went live or were decommissioned, as Atom 1.0 (issue 14).
    path("feed.atom", rate_limit("directory")(DirectoryFeed()), name="feed"),
]
