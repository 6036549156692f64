from django.urls import path

from reports import views_exports as views
from reports import views_registers
from reports.choices import ExportFormat

patterns = [
    path("exports/inventory.csv", views.InventoryExportView.as_view(fmt=ExportFormat.CSV), name="inventory-csv"),
    path("exports/inventory.xlsx", views.InventoryExportView.as_view(fmt=ExportFormat.XLSX), name="inventory-xlsx"),
    path(
        "exports/registers/<slug:slug>.csv",
        views_registers.RegisterExportView.as_view(fmt=ExportFormat.CSV),
        name="register-csv",
    ),
    path(
        "exports/registers/<slug:slug>.xlsx",
        views_registers.RegisterExportView.as_view(fmt=ExportFormat.XLSX),
        name="register-xlsx",
    ),
    path("exports/audit-trail/", views.AuditTrailExportView.as_view(), name="audit-trail"),
    path("exports/jobs/", views.JobListView.as_view(), name="job-list"),
    path("exports/jobs/<int:pk>/", views.JobDetailView.as_view(), name="job-detail"),
    path("exports/jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job-download"),
]
