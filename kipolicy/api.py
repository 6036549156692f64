"""The REST API: one router for every app's viewsets (each app keeps them in its own api.py), the
OpenAPI schema and its interactive documentation (Swagger UI served from static/, no CDN).
docs/api.md describes it."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.api import SocialAccountViewSet
from approvals.api import DecisionRegisterViewSet
from monitoring.api import CheckInViewSet, FindingViewSet
from org.api import UnitViewSet
from records.api import (
    BlockRegisterViewSet,
    IncidentRegisterViewSet,
    InquiryRegisterViewSet,
    MediaConsentRegisterViewSet,
    RecordsRequestRegisterViewSet,
)
from reports.api import ComplianceView


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI whose start script is a static file (static/js/swagger-ui-init.js), not inline
    code: the Content-Security-Policy allows scripts only from the portal's own files."""

    template_name = "api/swagger_ui.html"


class Router(DefaultRouter):
    include_root_view = False  # the documentation at docs/ is the index


router = Router()
router.register("units", UnitViewSet, basename="unit")
router.register("accounts", SocialAccountViewSet, basename="account")
router.register("findings", FindingViewSet, basename="finding")
router.register("checkins", CheckInViewSet, basename="checkin")
# The registers across accounts (read-only, issue 14), with the register pages' filters.
router.register("removed-posts", IncidentRegisterViewSet, basename="removed-post")
router.register("questions", InquiryRegisterViewSet, basename="question")
router.register("blocks", BlockRegisterViewSet, basename="block")
router.register("media-consents", MediaConsentRegisterViewSet, basename="media-consent")
router.register("records-requests", RecordsRequestRegisterViewSet, basename="records-request")
router.register("decisions", DecisionRegisterViewSet, basename="decision")

app_name = "api"
urlpatterns = [
    *router.urls,
    path("compliance/", ComplianceView.as_view(), name="compliance"),
    # Both need a logged-in user (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]): the schema answers
    # 401 to anyone else, the documentation page sends a browser to the login page.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", login_required(SwaggerView.as_view(url_name="api:schema")), name="docs"),
]
