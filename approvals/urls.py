from django.urls import path

from approvals import views

app_name = "approvals"
urlpatterns = [
    path("todo/", views.TodoView.as_view(), name="todo"),
    path("retroactive/", views.RetroactiveBulkView.as_view(), name="retroactive-bulk"),
    path("todo/<slug:section>/", views.TodoSectionView.as_view(), name="todo-section"),
    path("requests/new/", views.RequestCreateView.as_view(), name="request-create"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("requests/<int:pk>/edit/", views.RequestUpdateView.as_view(), name="request-update"),
    path("requests/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("requests/<int:pk>/decide/", views.ManagerDecideView.as_view(), name="decide"),
    path("requests/<int:pk>/sign-off/", views.CommsDecideView.as_view(), name="sign-off"),
    path("requests/<int:pk>/retroactive/", views.RetroactiveDecideView.as_view(), name="retroactive"),
    path("requests/<int:pk>/address/", views.AddressView.as_view(), name="address"),
    path("requests/<int:pk>/sender-checklist/", views.SenderChecklistView.as_view(), name="sender-checklist"),
    path("requests/<int:pk>/go-live/", views.GoLiveView.as_view(), name="go-live"),
    path("requests/<int:pk>/decommission/", views.DecommissionStartView.as_view(), name="decommission"),
    path(
        "requests/<int:pk>/decommission/checklist/",
        views.DecommissionChecklistView.as_view(),
        name="decommission-checklist",
    ),
    path("requests/<int:pk>/handover/", views.HandoverProposeView.as_view(), name="handover"),
    path("requests/<int:pk>/deputy/", views.DeputyChangeView.as_view(), name="deputy"),
    path("handovers/<int:pk>/answer/", views.HandoverAnswerView.as_view(), name="handover-answer"),
    path("decisions/<int:pk>/pdf/", views.DecisionPdfView.as_view(), name="decision-pdf"),
    path("decisions/<int:pk>/reference/", views.DecisionReferenceView.as_view(), name="decision-reference"),
]
