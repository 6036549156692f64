"""Pages for requests for public records (REC-1) and for weeding (WEED-1/2).

Requests are seen by those records.permissions.can_see_requests names (the communications
department, registrars and auditors; 403 for everyone else) and logged, bundled and closed (with a
reason, which lifts the legal hold) by those can_handle_requests names: comms and registrars. The
weeding page of an account is read by those who may see its evidence (comms, registrars, auditors,
the account's managers, owner and deputy) and written by comms; an account the user cannot see
answers 404. Every page here shows evidence and is never cached.

The services refuse on the same predicates; their refusals are translated by core.middleware
(NotAllowed → 403, ApplicationError → a message on the page the user came from) and core.views.
"""

import os

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from accounts.selectors import social_account_list
from core.pagination import paginate
from core.views import ServiceActionView, ServiceFormMixin
from records import disclosure, permissions, weeding
from records.bundle import bundle_scope
from records.choices import RequestStatus
from records.forms_requests import RecordsRequestForm, RequestCloseForm, RetentionForm, WeedingForm
from records.models import RecordsRequest
from records.views_moderation import EVIDENCE_NO_STORE

# Requests for public records


@EVIDENCE_NO_STORE
class RequestsPageMixin(LoginRequiredMixin):
    """Only those who may see requests for public records; 403 for others."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_see_requests(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RequestListView(RequestsPageMixin, ServiceFormMixin, FormView):
    """The requests, newest first, and the form to log a new one (403 for a POST from someone who
    may only look)."""

    template_name = "records/request_list.html"
    form_class = RecordsRequestForm
    success_message = gettext_lazy("The request was logged. Its accounts' material in the period is now on legal hold.")

    def post(self, request, *args, **kwargs):
        if not permissions.can_handle_requests(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return disclosure.records_request_log(
            actor=self.request.user,
            received_at=data["received_at"],
            requester=data["requester"],
            asked_for=data["asked_for"],
            account_ids=[a.pk for a in data["accounts"]],
            period_start=data["period_start"],
            period_end=data["period_end"],
        )

    def get_success_url(self):
        return reverse("records:request-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requests = RecordsRequest.objects.prefetch_related("accounts").order_by("-received_at", "-pk")
        context["page_obj"] = page = paginate(self.request, requests)
        context["requests"] = page.object_list
        context["may_log"] = permissions.can_handle_requests(self.request.user)
        return context


class RequestDetailView(RequestsPageMixin, DetailView):
    """A request: its scope, whether it holds material, what its bundle would contain, and the
    bundle itself."""

    template_name = "records/request_detail.html"
    context_object_name = "records_request"

    def get_queryset(self):
        return RecordsRequest.objects.select_related("logged_by").prefetch_related("accounts__platform")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        req, user = self.object, self.request.user
        scope = bundle_scope(req)
        context.update(
            is_open=req.status == RequestStatus.OPEN,
            may_weed=permissions.can_weed(user),
            may_make_bundle=permissions.can_make_bundle(user, req),
            may_close=permissions.can_close_request(user, req),
            close_form=RequestCloseForm(),
            closing=disclosure.records_request_closing(req),
            counts=[
                (_("Screenshots"), scope["snapshots"].count()),
                (_("Removed posts"), scope["incidents"].count()),
                (_("Questions and comments"), scope["inquiries"].count()),
                (_("Check-ins"), scope["checkins"].count()),
                (_("Audit events"), scope["audit_events"].count()),
            ],
        )
        return context


class _RequestAction(RequestsPageMixin, ServiceActionView):
    """A POST-only action on a request: 403 unless the user may take it (`allowed`, a predicate
    of records.permissions), one service call, its refusal shown on the request's page."""

    allowed = None

    def prepare(self):
        self.records_request = get_object_or_404(RecordsRequest, pk=self.kwargs["pk"])
        if not self.allowed(self.request.user, self.records_request):
            raise PermissionDenied

    def get_redirect_url(self):
        return reverse("records:request-detail", args=[self.records_request.pk])


class BundleMakeView(_RequestAction):
    allowed = staticmethod(permissions.can_make_bundle)

    def perform(self, form):
        req = disclosure.disclosure_bundle_make(actor=self.request.user, request_id=self.records_request.pk)
        messages.success(
            self.request,
            _("The disclosure bundle was made (SHA-256 %(sha256)s). It is marked for secrecy review.")
            % {"sha256": req.bundle_sha256},
        )


class RequestCloseView(_RequestAction):
    """Close the request and lift its legal hold, with the reason (required; recorded)."""

    allowed = staticmethod(permissions.can_close_request)
    form_class = RequestCloseForm
    success_message = gettext_lazy("The request was closed; its legal hold is lifted.")

    def perform(self, form):
        disclosure.records_request_close(
            actor=self.request.user, request_id=self.records_request.pk, reason=form.cleaned_data["reason"]
        )


class BundleDownloadView(RequestsPageMixin, View):
    """The stored bundle as a download; never cached, and the download is recorded. Without a
    bundle, the service's refusal is shown on the page the link was on (core.middleware)."""

    def get(self, request, pk):
        req = get_object_or_404(RecordsRequest, pk=pk)
        req, handle = disclosure.disclosure_bundle_open(actor=request.user, request_id=req.pk)
        response = FileResponse(
            handle, content_type="application/zip", as_attachment=True, filename=os.path.basename(req.bundle.name)
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# Weeding


@EVIDENCE_NO_STORE
class _AccountWeedingMixin(LoginRequiredMixin):
    """The account among those whose evidence the user may see (404 otherwise: evidence is never
    public); writing needs comms (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = get_object_or_404(
                social_account_list(user=request.user).select_related("platform", "unit"), pk=kwargs["pk"]
            )
            if not permissions.can_see_evidence(request.user, self.account):
                raise Http404
            if request.method == "POST" and not permissions.can_weed(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WeedingView(_AccountWeedingMixin, ServiceFormMixin, FormView):
    """An account's weeding decisions, its retention assessment and legal holds, and (for comms)
    the forms to decide."""

    template_name = "records/weeding_list.html"
    form_class = WeedingForm
    success_message = gettext_lazy("The weeding decision was recorded and the screenshots of the period deleted.")

    def perform(self, form):
        data = form.cleaned_data
        return weeding.weeding_decide(
            actor=self.request.user,
            account_id=self.account.pk,
            period_start=data["period_start"],
            period_end=data["period_end"],
            basis=data["basis"],
        )

    def get_success_url(self):
        return reverse("records:weeding", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.account
        retention = weeding.retention_of(account)
        context["page_obj"] = page = paginate(self.request, weeding.weeding_decisions(account))
        context.update(
            account=account,
            may_weed=permissions.can_weed(self.request.user),
            may_see_requests=permissions.can_see_requests(self.request.user),
            decisions=page.object_list,
            retention=retention,
            holds=RecordsRequest.objects.filter(status=RequestStatus.OPEN, accounts=account).order_by("received_at"),
            stored_count=account.snapshots.count(),
            oldest=account.snapshots.order_by("taken_on").values_list("taken_on", flat=True).first(),
            retention_form=RetentionForm(
                initial={
                    "research_value": retention.research_value,
                    "public_interest": retention.public_interest,
                    "note": retention.note,
                }
                if retention
                else None
            ),
        )
        return context


class RetentionView(_AccountWeedingMixin, ServiceActionView):
    """Save the account's retention assessment (WEED-2) and go back to its weeding page."""

    form_class = RetentionForm
    success_message = gettext_lazy("The retention assessment was saved.")

    def perform(self, form):
        weeding.retention_set(actor=self.request.user, account_id=self.account.pk, **form.cleaned_data)

    def get_redirect_url(self):
        return reverse("records:weeding", args=[self.account.pk])
