from django.urls import path

from reports import views_report

patterns = [
    path("", views_report.ReportView.as_view(), name="compliance"),
    path("compliance/download/", views_report.ReportDownloadView.as_view(), name="compliance-download"),
    path("delivered/<int:pk>/", views_report.DeliveredDownloadView.as_view(), name="delivered-download"),
]
