from django.urls import path

from org import views_tokens as views

app_name = "api-tokens"
urlpatterns = [
    path("", views.ApiTokenListView.as_view(), name="list"),
    path("<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="revoke"),
]
