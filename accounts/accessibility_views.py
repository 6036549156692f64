"""The accessibility statement (public, sv and en) with its problem-report form, and the list of
reports for the communications department (issue 15, DOS-lagen 2018:1937).

- /accessibility/: the statement; its form posts here (rate-limited per client IP,
  THROTTLE_RATES["accessibility-report"]), no login needed. Bad input re-shows the form with its
  messages and stores nothing.
- /accessibility/reports/: comms and auditors (404 for anyone else), a page at a time.
- /accessibility/reports/<pk>/answer/: POST, comms only (403 for auditors).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from accounts import accessibility, permissions
from accounts.models import AccessibilityReport
from core.exceptions import ApplicationError
from core.pagination import paginate
from core.throttles import rate_limit
from core.views import ServiceActionView


class AccessibilityReportForm(forms.Form):
    message = forms.CharField(
        label=_("What is the problem?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Which page, what you tried to do and what went wrong. Include no personal data of others."),
        error_messages={"required": _("Describe the problem.")},
    )
    page_url = forms.CharField(label=_("Page (address or name)"), max_length=500, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("If you want an answer."),
        error_messages={"invalid": _("Enter a valid e-mail address, or leave it empty.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("What was done or answered"),
        max_length=4000,
        error_messages={"required": _("Write what was done or answered.")},
    )


@method_decorator(rate_limit("accessibility-report"), name="post")
class StatementView(View):
    """The statement and the report form; no login."""

    template_name = "accounts/accessibility_statement.html"

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "published": accessibility.STATEMENT_PUBLISHED,
            "reviewed": accessibility.STATEMENT_REVIEWED,
            "digg_url": accessibility.DIGG_REPORT_URL,
            "comms_email": settings.COMMS_EMAIL,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, AccessibilityReportForm(initial={"page_url": request.GET.get("page", "")[:500]}))

    def post(self, request):
        form = AccessibilityReportForm(request.POST)
        if form.is_valid():
            try:
                accessibility.accessibility_report_submit(**form.cleaned_data, user=request.user)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you. Your report has reached the communications department."))
                return HttpResponseRedirect(reverse("accessibility:statement") + "#report")
        return self._render(request, form)  # the form again, with its messages (200, as every form here)


class ReportListView(LoginRequiredMixin, TemplateView):
    """The reports, open first (comms and auditors; 404 for anyone else)."""

    template_name = "accounts/accessibility_report_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not permissions.can_see_accessibility_reports(user):
            raise Http404
        page = paginate(self.request, accessibility.accessibility_report_list(user=user))
        return super().get_context_data(
            page_obj=page,
            reports=page.object_list,
            can_answer=permissions.can_answer_accessibility_reports(user),
            answer_form=AnswerForm(),
            **kwargs,
        )


class ReportAnswerView(LoginRequiredMixin, ServiceActionView):
    """Mark one report answered (comms; auditors 403 through the service, others 404)."""

    form_class = AnswerForm
    success_message = _("The report is marked answered.")

    def prepare(self):
        if not permissions.can_see_accessibility_reports(self.request.user):
            raise Http404
        self.report = get_object_or_404(AccessibilityReport, pk=self.kwargs["pk"])

    def perform(self, form):
        accessibility.accessibility_report_answer(
            actor=self.request.user, report_id=self.report.pk, answer=form.cleaned_data["answer"]
        )

    def get_redirect_url(self):
        return reverse("accessibility:report-list")
