from django.urls import path

from org import views as views

app_name = "org"
urlpatterns = [
    path("", views.UnitListView.as_view(), name="unit-list"),
    path("new/", views.UnitCreateView.as_view(), name="unit-create"),
    path("import/", views.UnitImportView.as_view(), name="unit-import"),
    path("import/confirm/", views.UnitImportConfirmView.as_view(), name="unit-import-confirm"),
    path("<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit-update"),
    path("<int:pk>/manager/", views.UnitManagerView.as_view(), name="unit-manager"),
    path("<int:pk>/move/", views.UnitMoveView.as_view(), name="unit-move"),
    path("<int:pk>/rename/", views.UnitRenameView.as_view(), name="unit-rename"),
    path("<int:pk>/close/", views.UnitCloseView.as_view(), name="unit-close"),
]
