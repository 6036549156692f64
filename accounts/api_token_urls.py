from django.urls import path

from accounts import api_token_views as views

app_name = "api-tokens"
urlpatterns = [
    path("", views.ApiTokenListView.as_view(), name="list"),
    path("<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="revoke"),
]
