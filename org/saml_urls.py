"""/saml2/: SAML 2.0 sign-in through SWAMID (org/saml.py); 404 while SAML_ENABLED is off."""

from django.urls import path

from org import saml

urlpatterns = [
    path("login/", saml.LoginView.as_view(), name="saml2_login"),
    path("acs/", saml.AssertionConsumerServiceView.as_view(), name="saml2_acs"),
    path("logout/", saml.LogoutInitView.as_view(), name="saml2_logout"),
    path("ls/", saml.LogoutView.as_view(), name="saml2_ls"),
    path("ls/post/", saml.LogoutView.as_view(), name="saml2_ls_post"),
    path("metadata/", saml.MetadataView.as_view(), name="saml2_metadata"),
]
