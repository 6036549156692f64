from django.urls import path

from accounts import views, views_search

app_name = "accounts"
urlpatterns = [
    path("", views.InventoryView.as_view(), name="inventory"),
    path("mine/", views.MyAccountsView.as_view(), name="mine"),
    path("search/", views_search.account_search_view, name="search"),
    path("new/", views.AccountCreateView.as_view(), name="create"),
    path("import/", views.AccountImportView.as_view(), name="import"),
    path("import/confirm/", views.AccountImportConfirmView.as_view(), name="import-confirm"),
    path("<int:pk>/", views.AccountDetailView.as_view(), name="detail"),
    path("<int:pk>/history/", views.AccountHistoryView.as_view(), name="history"),
    path("<int:pk>/edit/", views.AccountUpdateView.as_view(), name="update"),
]
