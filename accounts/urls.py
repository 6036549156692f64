from django.urls import path

from accounts import views, views_access, views_search

app_name = "accounts"
urlpatterns = [
    path("", views.InventoryView.as_view(), name="inventory"),
    path("mine/", views.MyAccountsView.as_view(), name="mine"),
    path("search/", views_search.account_search_view, name="search"),
    path("new/", views.AccountCreateView.as_view(), name="create"),
    path("import/", views.AccountImportView.as_view(), name="import"),
    path("import/confirm/", views.AccountImportConfirmView.as_view(), name="import-confirm"),
    path("partners/", views_access.partner_list_view, name="partners"),
    path("partners/<int:pk>/", views_access.partner_list_view, name="partner-update"),
    path("<int:pk>/", views.AccountDetailView.as_view(), name="detail"),
    path("<int:pk>/history/", views.AccountHistoryView.as_view(), name="history"),
    path("<int:pk>/edit/", views.AccountUpdateView.as_view(), name="update"),
    # Publishers and the yearly access review (START-1, PRIV-2, issue 15).
    path("<int:pk>/access/", views_access.access_view, name="access"),
    path("<int:pk>/access/add/", views_access.publisher_add_view, name="publisher-add"),
    path("<int:pk>/access/review/", views_access.access_review_view, name="access-review"),
    path("<int:pk>/access/<int:publisher_pk>/decide/", views_access.publisher_decide_view, name="publisher-decide"),
    path("<int:pk>/access/<int:publisher_pk>/remove/", views_access.publisher_remove_view, name="publisher-remove"),
]
