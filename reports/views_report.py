"""The compliance report pages: the form, the report on screen, and its downloads.

Who may: the communications department and auditors for any unit or the whole university, a
responsible manager for their units and those below (RESP-1); anyone else gets 403, like the
compliance overview. The report on screen takes its totals, page 1, charts and unit table from the
figures the nightly job keeps (reports.kept), whatever the number of accounts, and says as of when;
without them (a unit made since, a period not kept) it computes them, and a report over
REPORTS_INLINE_MAX_ACCOUNTS accounts is then not drawn on screen: its files are made by an export job
(a POST), with progress shown on the job's page. The account table is shown a page at a time
(report_files.screen_context); every row is in the downloads.
Each download records one audit event (REC-1), as every export does.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control

from audit.services import audit_record
from core.widgets import DateInput, Select
from org import roles
from org.calendar import local_day
from org.models import Unit
from reports import jobs, kept, permissions, report_files, writers
from reports.choices import ExportFormat
from reports.compliance import ComplianceReport, Period
from reports.models import DeliveredReport
from reports.views_exports import start_job

MAX_YEARS = 3
FORMATS = (ExportFormat.CSV, ExportFormat.CSV_SEMICOLON, ExportFormat.XLSX, ExportFormat.PDF)


def half_years(today: datetime.date, count: int = 6) -> list[tuple[str, str]]:
    """The current half year and those before it, newest first: ("2026-1", "2026, first half")."""
    year, half = today.year, 1 if today.month <= 6 else 2
    choices = []
    for _n in range(count):
        label = _("%(year)d, first half (January–June)") if half == 1 else _("%(year)d, second half (July–December)")
        choices.append((f"{year}-{half}", label % {"year": year}))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return choices


def period_or_error(form: forms.Form, start: datetime.date, end: datetime.date) -> Period | None:
    """The period from `start` to `end`, or None with the reason added to the form's `end` field:
    it may not end before it starts, nor be longer than MAX_YEARS (the report pages and the API)."""
    if end < start:
        form.add_error("end", _("The end of the period cannot be before its start."))
    elif (end - start).days > 366 * MAX_YEARS:
        form.add_error("end", _("The period can be at most %(years)d years.") % {"years": MAX_YEARS})
    else:
        return Period(start, end)
    return None


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit (with every unit below it)"),
        queryset=None,
        required=False,
        widget=Select,
        error_messages={"invalid_choice": _("You may not make a report for this unit.")},
    )
    half = forms.ChoiceField(label=_("Half year"), required=False)
    start = forms.DateField(label=_("or from"), required=False, widget=DateInput)
    end = forms.DateField(label=_("to (inclusive)"), required=False, widget=DateInput)
    language = forms.ChoiceField(
        label=_("Language of the files"), choices=settings.LANGUAGES, required=False, widget=Select
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        unit = self.fields["unit"]
        unit.queryset = Unit.objects.overseen_by(user).open().order_by("path")
        if permissions.can_report(user, None):
            unit.empty_label = _("All of KI")
        else:
            unit.required = True
            unit.empty_label = None
        self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["half"].choices = [("", _("Choose a half year, or give dates"))] + half_years(
            local_day(timezone.now())
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        half, start, end = cleaned.get("half"), cleaned.get("start"), cleaned.get("end")
        if half:
            year, number = (int(part) for part in half.split("-"))
            cleaned["period"] = Period.half_year(year, number)
        elif start and end:
            period = period_or_error(self, start, end)
            if period is not None:
                cleaned["period"] = period
        elif not self.errors:
            raise forms.ValidationError(_("Choose a half year, or give both dates of the period."))
        return cleaned


class _ReportMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_make_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def report(self, request, data) -> ComplianceReport | None:
        """The report the form asks for, or None when the form is invalid. A scope the user may not
        report on raises ReportNotAllowed, a 403 (core.middleware)."""
        form = ReportForm(data, user=request.user)
        self.form = form
        if not form.is_valid():
            return None
        self.language = form.cleaned_data.get("language") or translation.get_language() or settings.LANGUAGE_CODE
        return ComplianceReport(user=request.user, unit=form.cleaned_data["unit"], period=form.cleaned_data["period"])


class ReportView(_ReportMixin, View):
    """GET /reports/: the form; with a valid query, the report below it (names of owners and
    deputies: kept by no cache, like the downloads)."""

    @method_decorator(cache_control(private=True, no_store=True))
    def get(self, request):
        report = self.report(request, request.GET) if request.GET else None
        if report is None and not request.GET:
            self.form = ReportForm(user=request.user, initial={"half": half_years(local_day(timezone.now()))[1][0]})
        context = {
            "form": self.form,
            "report": report,
            "formats": FORMATS,
            "may_export_audit_trail": permissions.can_make_reports(request.user),
            "delivered": delivered_list(request.user),
        }
        if report is not None:
            context["query"] = request.GET.urlencode()
            if kept.use_kept_figures(report):
                # Kept figures (the nightly job): the page sums a few rows per unit, whatever the
                # number of accounts; only the account table's page reads accounts.
                count = report.totals["accounts"]
                context["kept_at"] = report.kept_at
            else:
                count = report.account_count()
            context["count"] = count
            if report.kept_at is None and count > settings.REPORTS_INLINE_MAX_ACCOUNTS:
                context["too_large"] = True
            else:
                context.update(report_files.screen_context(report, count=count, page=request.GET.get("page")))
        return render(request, "reports/compliance.html", context)


class ReportDownloadView(_ReportMixin, View):
    """GET: the report as a file (`fmt` csv, csv-semicolon, xlsx or pdf; `table` accounts or
    units for CSV), kept by no cache: it holds personal data. POST: the same, made by an export job."""

    def _fmt_table(self, request):
        fmt = request.GET.get("fmt", ExportFormat.CSV)
        table = request.GET.get("table", "accounts")
        if fmt not in FORMATS or table not in report_files.TABLES:
            return None, None
        return fmt, table

    @method_decorator(cache_control(private=True, no_store=True))
    def get(self, request):
        report = self.report(request, request.GET)
        fmt, table = self._fmt_table(request)
        if report is None or fmt is None:
            messages.error(request, _("The report could not be made: check the unit, the period and the format."))
            return HttpResponseRedirect(reverse("reports:compliance") + "?" + request.GET.urlencode())
        if report.account_count() > settings.REPORTS_INLINE_MAX_ACCOUNTS:
            return HttpResponseRedirect(reverse("reports:compliance") + "?" + request.GET.urlencode())
        params = report_files.job_params(report, table, self.language)
        jobs.export_record(actor=request.user, kind=report_files.KIND, fmt=fmt, params=params)
        name = report_files.file_name(report, fmt, table)
        # The file's language for the rest of the request: a CSV streams after the view returns.
        translation.activate(self.language)
        return self._file(report, fmt, table, name)

    def _file(self, report, fmt, table, name):
        if fmt == ExportFormat.XLSX:
            return writers.xlsx_response(name, report_files.xlsx_tables(report))
        if fmt == ExportFormat.PDF:
            response = HttpResponse(content_type="application/pdf")
            report_files.write_pdf(report, response)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return writers.csv_response(name, report_files.csv_table(report, table), delimiter=report_files.delimiter(fmt))

    def post(self, request):
        report = self.report(request, request.GET)
        fmt, table = self._fmt_table(request)
        if report is None or fmt is None:
            messages.error(request, _("The report could not be made: check the unit, the period and the format."))
            return HttpResponseRedirect(reverse("reports:compliance"))
        params = report_files.job_params(report, table, self.language)
        return start_job(request, kind=report_files.KIND, params=params, fmt=fmt)


class DeliveredDownloadView(LoginRequiredMixin, View):
    """A delivered half-year report (reports.delivery), as it was sent: to whoever may make the
    same report (404 for anyone else); each download is recorded (REC-1)."""

    @method_decorator(cache_control(private=True, no_store=True))
    def get(self, request, pk):
        record = get_object_or_404(DeliveredReport.objects.select_related("unit"), pk=pk)
        if not permissions.can_see_delivered(request.user, record):
            raise Http404
        audit_record(
            actor=request.user,
            target=record,
            action="export.delivered_downloaded",
            after={"scope": record.scope_key, "sha256": record.sha256},
        )
        response = FileResponse(
            default_storage.open(record.file_name, "rb"),
            as_attachment=True,
            filename=record.download_name,
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def delivered_list(user, limit: int = 12) -> list[DeliveredReport]:
    """The latest delivered reports the user may open (at most `limit`: a handful per half year)."""
    records = DeliveredReport.objects.select_related("unit").order_by("-period_end", "scope_key")
    if not roles.sees_everything(user):
        records = records.filter(unit__in=Unit.objects.overseen_by(user))
    return list(records[:limit])
