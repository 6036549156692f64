"""/oidc/: OpenID Connect sign-in (org/oidc.py). Routed whatever OIDC_ENABLED says; the views
answer 404 while it is off. The names are mozilla-django-oidc's."""

from django.urls import path

from org.oidc import OIDCCallbackView, OIDCRequestView

urlpatterns = [
    path("authenticate/", OIDCRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
