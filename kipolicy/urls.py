from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from core.views import favicon
from core.views_search import SearchView
from org.logins_local import LoginView
from org.views_profile import ProfileView

# Under /api/ a 404 answers JSON, not the HTML page (issue 14, core.views.page_not_found).
handler404 = "core.views.page_not_found"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:inventory", permanent=False)),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("org.urls_password")),
    path("oidc/", include("org.urls_oidc")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("units/", include("org.urls")),
    path("platforms/", include("accounts.platform_urls")),
    path("people/", include("org.urls_people")),
    path("", include("approvals.urls")),
    path("", include("monitoring.urls")),
    path("", include("accounts.snapshot_urls")),
    path("", include("records.urls")),
    path("registers/", include("accounts.registers_urls")),
    path("", include("watching.capture_urls")),
    path("reports/", include("reports.urls")),
    path("directory/", include("accounts.directory_urls")),
    path("webhooks/", include("notifications.urls_webhooks")),
    path("accessibility/", include("accounts.accessibility_urls")),
    path("favicon.ico", favicon),
    path("api/v1/", include("kipolicy.api")),
    path("profile/", ProfileView.as_view(), name="profile"),
    path("profile/api-tokens/", include("org.urls_tokens")),
    path("help/", include("core.urls_help")),
    path("search/", SearchView.as_view(), name="search"),  # across everything (issue 14, core.search)
    path("admin/", admin.site.urls),
    path("health/", include("kipolicy.health")),
]

# --- Single sign-on: SAML 2.0 through SWAMID (issue 13, org/saml.py) ---------------------------
# /saml2/login/ (saml2_login), /saml2/acs/ (saml2_acs), /saml2/metadata/ (saml2_metadata), and
# djangosaml2's logout endpoints; each answers 404 while SAML_ENABLED is off.
urlpatterns += [path("saml2/", include("org.saml_urls"))]
# --- end of SAML -------------------------------------------------------------------------------
