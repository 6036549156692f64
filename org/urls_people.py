from django.urls import path

from org import extensions, views_leavers
from org import views_people as views

app_name = "people"
urlpatterns = [
    path("", views.PeopleListView.as_view(), name="list"),
    path("new/", views.PersonCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="detail"),
    path("<int:pk>/roles/", views.PersonRoleView.as_view(), name="role"),
    path("search/", views.person_search_view, name="search"),
    # Leavers (issue 13): marking a person as left, and the bulk handover of their accounts, a page
    # that accounts serves through org.extensions.person_pages (org may not import accounts).
    path("<int:pk>/leave/", views_leavers.person_leave_view, name="leave"),
    path("<int:pk>/handover/", extensions.person_page("handover"), name="handover"),
]
