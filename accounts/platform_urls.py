from django.urls import path

from accounts import platform_views as views

app_name = "platforms"
urlpatterns = [
    path("", views.PlatformListView.as_view(), name="list"),
    path("new/", views.PlatformCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PlatformDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PlatformUpdateView.as_view(), name="update"),
]
