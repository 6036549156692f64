from django.urls import path

from accounts import snapshot_views as views

app_name = "snapshots"
urlpatterns = [
    path("accounts/<int:pk>/snapshots/", views.SnapshotListView.as_view(), name="list"),
    path("snapshots/<int:pk>/file/", views.SnapshotFileView.as_view(), name="file"),
]
