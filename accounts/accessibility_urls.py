"""The accessibility statement and its reports (issue 15)."""

from django.urls import path

from accounts import accessibility_views

app_name = "accessibility"
urlpatterns = [
    path("", accessibility_views.StatementView.as_view(), name="statement"),
    path("reports/", accessibility_views.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/answer/", accessibility_views.ReportAnswerView.as_view(), name="report-answer"),
]
