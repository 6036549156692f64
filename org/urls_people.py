from django.urls import path

from org import views_people as views

app_name = "people"
urlpatterns = [
    path("search/", views.person_search_view, name="search"),
]
