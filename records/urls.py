"""The records pages (namespace `records`): removed posts and questions (views_moderation), the
blocking log, consents and the visitor notice (views_blocks), requests for public records and
weeding (views_requests)."""

from django.urls import path

from records import views_blocks, views_moderation, views_requests
from records.models import Incident, Inquiry

app_name = "records"
urlpatterns = [
    # Removed posts and questions
    path("accounts/<int:pk>/removed-posts/", views_moderation.IncidentListView.as_view(), name="incidents"),
    path(
        "accounts/<int:pk>/removed-posts/<int:record_pk>/hand-off/",
        views_moderation.RecordHandOffView.as_view(model=Incident, list_name="records:incidents"),
        name="incident-hand-off",
    ),
    path(
        "accounts/<int:pk>/removed-posts/<int:record_pk>/reference/",
        views_moderation.RecordReferenceView.as_view(model=Incident, list_name="records:incidents"),
        name="incident-reference",
    ),
    path(
        "accounts/<int:pk>/removed-posts/<int:record_pk>/record.pdf",
        views_moderation.RecordPdfView.as_view(model=Incident),
        name="incident-pdf",
    ),
    path(
        "accounts/<int:pk>/questions/<int:record_pk>/record.pdf",
        views_moderation.RecordPdfView.as_view(model=Inquiry),
        name="inquiry-pdf",
    ),
    path("accounts/<int:pk>/questions/", views_moderation.InquiryListView.as_view(), name="inquiries"),
    path(
        "accounts/<int:pk>/questions/<int:record_pk>/answer/",
        views_moderation.InquiryAnswerView.as_view(),
        name="inquiry-answer",
    ),
    path(
        "accounts/<int:pk>/questions/<int:record_pk>/hand-off/",
        views_moderation.RecordHandOffView.as_view(model=Inquiry, list_name="records:inquiries"),
        name="inquiry-hand-off",
    ),
    path(
        "accounts/<int:pk>/questions/<int:record_pk>/reference/",
        views_moderation.RecordReferenceView.as_view(model=Inquiry, list_name="records:inquiries"),
        name="inquiry-reference",
    ),
    path("units/<int:pk>/questions/", views_moderation.UnitInquiryFiguresView.as_view(), name="unit-inquiries"),
    # Blocking log, media consents, visitor notice
    path("accounts/<int:pk>/blocks/", views_blocks.BlockListView.as_view(), name="blocks"),
    path("blocks/<int:pk>/review/", views_blocks.BlockReviewView.as_view(), name="block-review"),
    path("blocks/<int:pk>/unblock/", views_blocks.BlockUnblockView.as_view(), name="block-unblock"),
    path("accounts/<int:pk>/consents/", views_blocks.ConsentListView.as_view(), name="consents"),
    path("consents/<int:pk>/document/", views_blocks.ConsentDocumentView.as_view(), name="consent-document"),
    path("consents/<int:pk>/withdraw/", views_blocks.ConsentWithdrawView.as_view(), name="consent-withdraw"),
    path("accounts/<int:pk>/visitor-notice/", views_blocks.VisitorNoticeView.as_view(), name="visitor-notice"),
    # Requests for public records and weeding
    path("records-requests/", views_requests.RequestListView.as_view(), name="request-list"),
    path("records-requests/<int:pk>/", views_requests.RequestDetailView.as_view(), name="request-detail"),
    path("records-requests/<int:pk>/bundle/", views_requests.BundleMakeView.as_view(), name="request-bundle-make"),
    path(
        "records-requests/<int:pk>/bundle/download/", views_requests.BundleDownloadView.as_view(), name="request-bundle"
    ),
    path("records-requests/<int:pk>/close/", views_requests.RequestCloseView.as_view(), name="request-close"),
    path("accounts/<int:pk>/weeding/", views_requests.WeedingView.as_view(), name="weeding"),
    path("accounts/<int:pk>/weeding/retention/", views_requests.RetentionView.as_view(), name="retention"),
]

# Impostor reports and cases (issue 14): the public report form and list, comms' cases
from records import views_impostors  # noqa: E402

urlpatterns += [
    path("impostors/report/", views_impostors.ImpostorReportView.as_view(), name="impostor-report"),
    path("impostors/report/thanks/", views_impostors.ImpostorThanksView.as_view(), name="impostor-report-thanks"),
    path("impostors/", views_impostors.ImpostorListedView.as_view(), name="impostors-listed"),
    path("impostor-cases/", views_impostors.CaseListView.as_view(), name="impostor-cases"),
    path("impostor-cases/<int:pk>/", views_impostors.CaseDetailView.as_view(), name="impostor-case"),
    path("impostor-cases/<int:pk>/triage/", views_impostors.CaseTriageView.as_view(), name="impostor-case-triage"),
    path(
        "impostor-cases/<int:pk>/takedown/", views_impostors.CaseTakedownView.as_view(), name="impostor-case-takedown"
    ),
    path("impostor-cases/<int:pk>/close/", views_impostors.CaseCloseView.as_view(), name="impostor-case-close"),
    path("impostor-cases/<int:pk>/list/", views_impostors.CaseListPubliclyView.as_view(), name="impostor-case-list"),
    path("impostor-cases/<int:pk>/unlist/", views_impostors.CaseUnlistView.as_view(), name="impostor-case-unlist"),
]
