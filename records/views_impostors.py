"""Impostor pages (issue 14, feature row 29; SEND-1).

Public (no login, like the directory): the report form offered by the directory's "not found"
answer (rate-limited per client IP on its posts: THROTTLE_RATES "impostor-report"), its thank-you
page, and the list of impostors comms chose to list publicly as "not official".

Comms and auditors: the cases, a page at a time, filtered by state, and a case's page, where comms
triages it, records the takedown request and closes it (POST-only views calling the services in
records.impostors; auditors read). Anyone else: 403 for the list, 404 for a case.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core.pagination import page_of, paginate
from core.throttles import rate_limit
from core.views import ServiceActionView
from records import impostors, permissions
from records.choices import TAKEDOWN_VERDICTS, CaseStatus, CaseVerdict
from records.forms_impostors import (
    CaseCloseForm,
    CaseFilterForm,
    CaseTakedownForm,
    CaseTriageForm,
    ImpostorReportForm,
)
from records.models import ImpostorCase
from records.views_moderation import EVIDENCE_NO_STORE

# The public list of known impostors, a page at a time.
LISTED_PAGE_SIZE = 50


def impostor_answer_panel(request, answer):
    """accounts.extensions.directory_answer_panels: for a "not found" answer, whether comms listed
    the address as a known impostor, and the report form's link carrying the address."""
    if not answer.is_not_found:
        return None
    listed = impostors.impostor_listed_for(answer.recognised, answer.query)
    report_url = reverse("records:impostor-report") + "?" + _query(address=answer.query)
    return "records/impostors/_answer_panel.html", {"listed": listed, "report_url": report_url}


def impostor_check_fields(request, answer) -> dict:
    """accounts.extensions.directory_check_fields: check.json says whether comms listed the address
    as a known impostor and, for "not found", where to report it."""
    known = answer.is_not_found and impostors.impostor_listed_for(answer.recognised, answer.query) is not None
    report_url = None
    if answer.is_not_found:
        report_url = request.build_absolute_uri(reverse("records:impostor-report") + "?" + _query(address=answer.query))
    return {"known_impostor": known, "report_url": report_url}


def _query(**params) -> str:
    query = QueryDict(mutable=True)
    query.update(params)
    return query.urlencode()


# Public


@method_decorator(rate_limit("impostor-report"), name="post")
class ImpostorReportView(View):
    """The report form: GET shows it (the address from ?address=), POST files the report."""

    template_name = "records/impostors/report_form.html"

    def get(self, request):
        form = ImpostorReportForm(initial={"address": request.GET.get("address", "")[:300]})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ImpostorReportForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        data = form.cleaned_data
        impostors.impostor_report_submit(address=data["address"], reason=data["reason"], contact=data["contact"])
        return redirect("records:impostor-report-thanks")


class ImpostorThanksView(TemplateView):
    template_name = "records/impostors/report_thanks.html"


class ImpostorListedView(View):
    """Impostors comms listed publicly as not official, LISTED_PAGE_SIZE a page (404 past the last)."""

    def get(self, request):
        page = page_of(impostors.impostors_listed(), request.GET.get("page"), per_page=LISTED_PAGE_SIZE, strict=True)
        return render(
            request,
            "records/impostors/listed.html",
            {"page_obj": page, "cases": page.object_list, "paginator": page.paginator},
        )


# Comms and auditors


class CaseListView(LoginRequiredMixin, View):
    def get(self, request):
        if not permissions.can_see_impostor_cases(request.user):
            raise PermissionDenied
        form = CaseFilterForm(request.GET or None)
        status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
        page = paginate(request, impostors.impostor_case_list(user=request.user, status=status))
        query = _query(status=status) if status else ""
        return render(
            request,
            "records/impostors/case_list.html",
            {
                "filter_form": form,
                "page_obj": page,
                "cases": page.object_list,
                "paginator": page.paginator,
                "query_string": query,
            },
        )


def _visible_case(request, pk) -> ImpostorCase:
    return get_object_or_404(impostors.impostor_case_list(user=request.user), pk=pk)


@EVIDENCE_NO_STORE  # the reports may carry a visitor's contact
class CaseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        case = _visible_case(request, pk)
        reports = case.reports.order_by("created_at", "id")[:50]  # the first fifty; the count says how many
        may_handle = permissions.can_handle_impostor_cases(request.user)
        is_open = case.status != CaseStatus.CLOSED
        return render(
            request,
            "records/impostors/case_detail.html",
            {
                "case": case,
                "reports": reports,
                "may_triage": may_handle and is_open,
                "may_takedown": may_handle and is_open and case.verdict in TAKEDOWN_VERDICTS,
                "may_close": may_handle and is_open and bool(case.verdict),
                "may_list": may_handle and case.verdict == CaseVerdict.IMPOSTOR and not case.listed_publicly,
                "may_unlist": may_handle and case.listed_publicly,
                "triage_form": CaseTriageForm(initial={"verdict": case.verdict, "note": case.triage_note}),
                "takedown_form": CaseTakedownForm(
                    initial={"platform_reference": case.platform_reference}
                    if not case.takedown_requested_on
                    else {"requested_on": case.takedown_requested_on, "platform_reference": case.platform_reference}
                ),
                "close_form": CaseCloseForm(),
            },
        )


class _CaseAction(LoginRequiredMixin, ServiceActionView):
    def prepare(self):
        self.case = _visible_case(self.request, self.kwargs["pk"])

    def get_redirect_url(self):
        return reverse("records:impostor-case", args=[self.case.pk])


class CaseTriageView(_CaseAction):
    form_class = CaseTriageForm
    success_message = _("The triage was saved.")

    def perform(self, form):
        impostors.impostor_case_triage(
            actor=self.request.user,
            case_id=self.case.pk,
            verdict=form.cleaned_data["verdict"],
            note=form.cleaned_data["note"],
        )


class CaseTakedownView(_CaseAction):
    form_class = CaseTakedownForm
    success_message = _("The takedown request was recorded.")

    def perform(self, form):
        impostors.impostor_case_takedown(
            actor=self.request.user,
            case_id=self.case.pk,
            requested_on=form.cleaned_data["requested_on"],
            platform_reference=form.cleaned_data["platform_reference"],
        )


class CaseCloseView(_CaseAction):
    form_class = CaseCloseForm
    success_message = _("The case was closed.")

    def perform(self, form):
        impostors.impostor_case_close(
            actor=self.request.user,
            case_id=self.case.pk,
            outcome=form.cleaned_data["outcome"],
            closed_on=form.cleaned_data["closed_on"],
            note=form.cleaned_data["note"],
        )


class CaseListPubliclyView(_CaseAction):
    listed = True
    success_message = _("The account is now listed publicly as not official.")

    def perform(self, form):
        impostors.impostor_case_list_publicly(actor=self.request.user, case_id=self.case.pk, listed=self.listed)


class CaseUnlistView(CaseListPubliclyView):
    listed = False
    success_message = _("The account was taken off the public list.")
