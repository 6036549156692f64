"""The public directory (no login): the page, the list as JSON and CSV, and the check as JSON."""

from django.urls import path

from accounts import directory_views

app_name = "directory"
urlpatterns = [
    path("", directory_views.DirectoryView.as_view(), name="index"),
    path("accounts.json", directory_views.DirectoryJsonView.as_view(), name="accounts-json"),
    path("accounts.csv", directory_views.DirectoryCsvView.as_view(), name="accounts-csv"),
    path("check.json", directory_views.CheckJsonView.as_view(), name="check-json"),
]
