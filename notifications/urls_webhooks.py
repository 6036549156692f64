"""Webhook endpoints and their delivery logs (issue 14, docs/webhooks.md)."""

from django.urls import path

from notifications import views_webhooks

app_name = "webhooks"
urlpatterns = [
    path("", views_webhooks.EndpointListView.as_view(), name="list"),
    path("new/", views_webhooks.EndpointCreateView.as_view(), name="create"),
    path("<int:pk>/", views_webhooks.EndpointDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views_webhooks.EndpointUpdateView.as_view(), name="update"),
    path("<int:pk>/enable/", views_webhooks.EndpointActiveView.as_view(), name="enable"),
    path("<int:pk>/disable/", views_webhooks.EndpointDisableView.as_view(), name="disable"),
]
