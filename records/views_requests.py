"""Pages for requests for public records (REC-1) and for weeding (WEED-1/2).

Requests are handled by the communications department and auditors (403 for everyone else). The
weeding page of an account is read by those who may see its evidence (comms, auditors, the
account's managers, owner and deputy) and written by comms; an account the user cannot see
answers 404.
"""

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView

from accounts.models import SocialAccount
from accounts.selectors import social_account_list
from accounts.snapshots import can_see_snapshots
from core.exceptions import ApplicationError, NotAllowed
from core.views import ServiceFormMixin
from core.widgets import DateInput
from records import disclosure, weeding
from records.choices import RequestStatus
from records.models import RecordsRequest

# Forms


class RecordsRequestForm(forms.Form):
    """A request as received: when, from whom (as given), what, and the accounts and period it covers."""

    received_at = forms.DateTimeField(
        label=gettext_lazy("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    requester = forms.CharField(
        label=gettext_lazy("Requester, as given"),
        max_length=200,
        help_text=gettext_lazy("Anyone may ask anonymously; write what the requester gave."),
    )
    asked_for = forms.CharField(label=gettext_lazy("What is asked for"), widget=forms.Textarea(attrs={"rows": 3}))
    accounts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Accounts"),
        queryset=SocialAccount.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    period_start = forms.DateField(label=gettext_lazy("From"), widget=DateInput)
    period_end = forms.DateField(label=gettext_lazy("Until"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].queryset = social_account_list(user=user).order_by("name", "pk")
        self.fields["received_at"].initial = lambda: timezone.localtime().replace(second=0, microsecond=0)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class WeedingForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("From"), widget=DateInput)
    period_end = forms.DateField(label=gettext_lazy("Until"), widget=DateInput)
    basis = forms.CharField(
        label=gettext_lazy("Basis"),
        max_length=300,
        help_text=gettext_lazy("The decision that allows weeding, e.g. the weeding rules and their reference number."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the screenshots dated in the period are deleted for good."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned


class RetentionForm(forms.Form):
    research_value = forms.BooleanField(label=gettext_lazy("Has future research value"), required=False)
    public_interest = forms.BooleanField(label=gettext_lazy("Public interest in access"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


# Requests for public records


class HandlerRequiredMixin(LoginRequiredMixin):
    """Only those who handle requests for public records (comms, auditors); 403 for others."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not disclosure.may_handle_requests(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RequestListView(HandlerRequiredMixin, ServiceFormMixin, FormView):
    """The requests, newest first, and the form to log a new one."""

    template_name = "records/request_list.html"
    form_class = RecordsRequestForm
    success_message = gettext_lazy("The request was logged. Its accounts' material in the period is now on legal hold.")

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
        context["requests"] = RecordsRequest.objects.prefetch_related("accounts").order_by("-received_at", "-pk")
        return context


class RequestDetailView(HandlerRequiredMixin, DetailView):
    """A request: its scope, whether it holds material, what its bundle would contain, and the
    bundle itself."""

    template_name = "records/request_detail.html"
    context_object_name = "records_request"

    def get_queryset(self):
        return RecordsRequest.objects.select_related("logged_by").prefetch_related("accounts__platform")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        req = self.object
        scope = disclosure.bundle_scope(req)
        context.update(
            is_open=req.status == RequestStatus.OPEN,
            may_weed=weeding.may_weed(self.request.user),
            counts=[
                (_("Screenshots"), scope["snapshots"].count()),
                (_("Removed posts"), scope["incidents"].count()),
                (_("Questions and comments"), scope["inquiries"].count()),
                (_("Check-ins"), scope["checkins"].count()),
                (_("Audit events"), scope["audit_events"].count()),
            ],
        )
        return context


class _RequestAction(HandlerRequiredMixin, View):
    """A POST-only action on a request: call one service, show its refusal as a message."""

    http_method_names = ["post"]
    success_message = ""

    def post(self, request, pk):
        req = get_object_or_404(RecordsRequest, pk=pk)
        try:
            self.perform(req)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("records:request-detail", pk=pk)


class BundleMakeView(_RequestAction):
    def perform(self, req):
        req = disclosure.disclosure_bundle_make(actor=self.request.user, request_id=req.pk)
        messages.success(
            self.request,
            _("The disclosure bundle was made (SHA-256 %(sha256)s). It is marked for secrecy review.")
            % {"sha256": req.bundle_sha256},
        )


class RequestCloseView(_RequestAction):
    def perform(self, req):
        disclosure.records_request_close(actor=self.request.user, request_id=req.pk)
        messages.success(self.request, _("The request was closed; its legal hold is lifted."))


class BundleDownloadView(HandlerRequiredMixin, View):
    """The stored bundle as a download; never cached, and the download is recorded."""

    def get(self, request, pk):
        req = get_object_or_404(RecordsRequest, pk=pk)
        try:
            req, handle = disclosure.disclosure_bundle_open(actor=request.user, request_id=req.pk)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("records:request-detail", pk=pk)
        response = FileResponse(
            handle, content_type="application/zip", as_attachment=True, filename=os.path.basename(req.bundle.name)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# Weeding


class _AccountWeedingMixin(LoginRequiredMixin):
    """The account among those whose evidence the user may see (404 otherwise: evidence is never
    public); writing needs comms (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = get_object_or_404(
                social_account_list(user=request.user).select_related("platform", "unit"), pk=kwargs["pk"]
            )
            if not can_see_snapshots(request.user, self.account):
                raise Http404
            if request.method == "POST" and not weeding.may_weed(request.user):
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
        context.update(
            account=account,
            may_weed=weeding.may_weed(self.request.user),
            decisions=weeding.weeding_decisions(account),
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


class RetentionView(_AccountWeedingMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                weeding.retention_set(actor=request.user, account_id=self.account.pk, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The retention assessment was saved."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("records:weeding", pk=self.account.pk)


urlpatterns = [
    path("records-requests/", RequestListView.as_view(), name="request-list"),
    path("records-requests/<int:pk>/", RequestDetailView.as_view(), name="request-detail"),
    path("records-requests/<int:pk>/bundle/", BundleMakeView.as_view(), name="request-bundle-make"),
    path("records-requests/<int:pk>/bundle/download/", BundleDownloadView.as_view(), name="request-bundle"),
    path("records-requests/<int:pk>/close/", RequestCloseView.as_view(), name="request-close"),
    path("accounts/<int:pk>/weeding/", WeedingView.as_view(), name="weeding"),
    path("accounts/<int:pk>/weeding/retention/", RetentionView.as_view(), name="retention"),
]
