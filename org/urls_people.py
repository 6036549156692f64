from django.urls import path

from org import views_people as views

app_name = "people"
urlpatterns = [
    path("", views.PeopleListView.as_view(), name="list"),
    path("new/", views.PersonCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="detail"),
    path("<int:pk>/roles/", views.PersonRoleView.as_view(), name="role"),
    path("search/", views.person_search_view, name="search"),
]
