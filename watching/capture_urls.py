from django.urls import path

from watching import capture_views as views

app_name = "capture"
urlpatterns = [
    path("accounts/<int:pk>/capture/", views.CaptureRequestView.as_view(), name="request"),
    path("captures/<int:pk>/warc/", views.CaptureWarcView.as_view(), name="warc"),
]
