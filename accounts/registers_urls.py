"""The registers across accounts (namespace `registers`, accounts.views_registers)."""

from django.urls import path

from accounts import views_registers as views

app_name = "registers"
urlpatterns = [
    path("", views.RegisterIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.RegisterView.as_view(), name="register"),
    path("<slug:slug>/<int:pk>/reference/", views.RegisterReferenceView.as_view(), name="reference"),
]
