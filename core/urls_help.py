from django.urls import path

from core import help as views

app_name = "help"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("guidelines/", views.help_guidelines, name="guidelines"),
    path("<slug:role>/", views.help_role, name="role"),
]
