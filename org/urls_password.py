"""Local accounts' passwords (org.views_password): Django's URL names, so that its views find
each other (password_reset_done, password_reset_complete, password_change_done)."""

from django.urls import path

from org import views_password as views

urlpatterns = [
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
