"""Export pages: inventory downloads, the audit-trail export form, and the export jobs of the
person who asked for them (status, download, list).

Who may do what (the predicates are in reports.permissions; the services refuse with them, the
pages show their links with them):
- inventory export: any logged-in user, of the accounts they see (the selector scopes it);
- audit-trail export: auditors and the communications department any scope, responsible
  managers their units' subtrees; anyone else gets 403 (the page exists but is not theirs,
  as with the registry editor's pages);
- export jobs: only the requester; anyone else gets 404 (they cannot tell it exists).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, FormView, ListView

from core.exceptions import ApplicationError
from core.pagination import PAGE_SIZE
from core.widgets import DateInput, Select
from org.calendar import local_day
from org.models import Unit
from reports import exports, jobs, permissions, writers
from reports.choices import CONTENT_TYPES, ExportFormat


def start_job(request, *, kind: str, params: dict, fmt: str) -> HttpResponseRedirect:
    """Start an export job for the user and send them to its page (a NotAllowed from the service is
    a 403: core.middleware)."""
    job = jobs.export_job_start(actor=request.user, kind=kind, params=params, fmt=fmt)
    messages.info(request, _("The file is being made. This page shows when it is ready."))
    return HttpResponseRedirect(reverse("reports:job-detail", args=[job.pk]))


# --------------------------------------------------------------------------- inventory


class InventoryExportView(LoginRequiredMixin, View):
    """The inventory as the user sees it on the page, with the page's filters (the query string).

    CSV streams (`?sep=semicolon` for Swedish Excel); XLSX is made within the request up to
    REPORTS_INLINE_MAX_ACCOUNTS accounts, and above that the page offers to make it as a job
    (a POST: a GET never starts work). Each export records one audit event (REC-1)."""

    fmt = ExportFormat.CSV

    def _format(self, request) -> str:
        if self.fmt == ExportFormat.CSV and request.GET.get("sep") == "semicolon":
            return ExportFormat.CSV_SEMICOLON
        return self.fmt

    def get(self, request):
        fmt = self._format(request)
        filters = exports.inventory_filters(request.GET)
        qs = exports.inventory_queryset(user=request.user, filters=filters)
        count = qs.count()
        name = exports.file_name("accounts", fmt)
        if fmt == ExportFormat.XLSX:
            if count > exports.inline_limit(exports.INVENTORY):
                return render(
                    request,
                    "reports/exports_job_confirm.html",
                    {
                        "count": count,
                        "limit": exports.inline_limit(exports.INVENTORY),
                        "back_url": reverse("accounts:inventory") + _query(request),
                    },
                )
            jobs.export_record(actor=request.user, kind=exports.INVENTORY, fmt=fmt, params=_params(filters, count))
            cover = exports.inventory_cover(request.user, filters, count)
            return writers.xlsx_response(name, [exports.inventory_table(qs, user=request.user)], cover=cover)
        jobs.export_record(actor=request.user, kind=exports.INVENTORY, fmt=fmt, params=_params(filters, count))
        return writers.csv_response(
            name, exports.inventory_table(qs, user=request.user), delimiter=exports._delimiter(fmt)
        )

    def post(self, request):
        """Make a large XLSX as a job (the confirmation page's button)."""
        filters = exports.inventory_filters(request.GET)
        return start_job(request, kind=exports.INVENTORY, params={"filters": filters}, fmt=ExportFormat.XLSX)


def _params(filters: dict, count: int) -> dict:
    return {"filters": filters, "accounts": count}


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else ""


def inventory_actions(request) -> list[tuple[str, str]]:
    """The export links on the inventory page (accounts.extensions.inventory_actions), carrying
    the page's filters."""
    if not permissions.can_export_inventory(request.user):
        return []
    query = request.GET.copy()
    query.pop("page", None)
    plain = query.urlencode()
    semicolon = query.copy()
    semicolon["sep"] = "semicolon"

    def url(name, q):
        return reverse(name) + (f"?{q}" if q else "")

    return [
        (_("Export CSV"), url("reports:inventory-csv", plain)),
        (_("Export CSV for Swedish Excel"), url("reports:inventory-csv", semicolon.urlencode())),
        (_("Export XLSX"), url("reports:inventory-xlsx", plain)),
    ]


# --------------------------------------------------------------------------- audit trail


class AuditTrailExportForm(forms.Form):
    """Period (whole Stockholm days), scope and format of an audit-trail export."""

    date_from = forms.DateField(label=_("From"), widget=DateInput)
    date_to = forms.DateField(label=_("To (inclusive)"), widget=DateInput)
    unit = forms.ModelChoiceField(
        label=_("Unit (including units below it)"),
        queryset=None,
        required=False,
        widget=Select,
        error_messages={"invalid_choice": _("You may not export the audit trail of this unit.")},
    )
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[
            (ExportFormat.XLSX, ExportFormat.XLSX.label),
            (ExportFormat.CSV, ExportFormat.CSV.label),
            (ExportFormat.CSV_SEMICOLON, ExportFormat.CSV_SEMICOLON.label),
        ],
        initial=ExportFormat.XLSX,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        unit = self.fields["unit"]
        unit.queryset = Unit.objects.overseen_by(user).order_by("path")
        if permissions.can_export_audit_trail(user, None):
            unit.empty_label = _("Everything")
        else:
            unit.required = True
            unit.empty_label = None
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to:
            if date_from > date_to:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif date_to >= _add_years(date_from, exports.AUDIT_MAX_YEARS):
                self.add_error(
                    "date_to",
                    _("The period can be at most %(years)d years; export a longer one in parts.")
                    % {"years": exports.AUDIT_MAX_YEARS},
                )
        return cleaned


def _add_years(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class AuditTrailExportView(LoginRequiredMixin, FormView):
    """The audit-trail export: who did what and when, with before and after (REC-1)."""

    form_class = AuditTrailExportForm
    template_name = "reports/exports_audit_trail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_make_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        today = local_day(timezone.now())
        return {"date_from": today.replace(day=1), "date_to": today}

    def form_valid(self, form):
        data = form.cleaned_data
        params = exports.audit_trail_params(date_from=data["date_from"], date_to=data["date_to"], unit=data["unit"])
        fmt = data["fmt"]
        qs = exports.audit_trail_queryset(user=self.request.user, params=params)
        count = qs.count()
        if fmt == ExportFormat.XLSX and count > exports.inline_limit(exports.AUDIT_TRAIL):
            return start_job(self.request, kind=exports.AUDIT_TRAIL, params=params, fmt=fmt)
        jobs.export_record(
            actor=self.request.user, kind=exports.AUDIT_TRAIL, fmt=fmt, params={**params, "events": count}
        )
        name = exports.file_name("audit_events", fmt)
        if fmt == ExportFormat.XLSX:
            cover = exports.audit_trail_cover(self.request.user, params, count)
            return writers.xlsx_response(name, [exports.audit_trail_table(qs)], cover=cover)
        return writers.csv_response(name, exports.audit_trail_table(qs), delimiter=exports._delimiter(fmt))


# --------------------------------------------------------------------------- jobs


class JobListView(LoginRequiredMixin, ListView):
    """My exports: the user's own export jobs, newest first."""

    template_name = "reports/job_list.html"
    context_object_name = "jobs"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return jobs.export_job_list(user=self.request.user)


class JobDetailView(LoginRequiredMixin, DetailView):
    """A job's status. While it runs, htmx replaces the status panel every 2 seconds; without
    JavaScript, the page has a reload link. 404 for anyone but the requester."""

    template_name = "reports/job_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return jobs.export_job_list(user=self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return ["reports/includes/_job_status.html"]
        return [self.template_name]


@method_decorator(cache_control(private=True, no_store=True), name="get")
class JobDownloadView(LoginRequiredMixin, View):
    """The finished file, to the requester only (404 for anyone else); each download is recorded.
    Not kept by any cache: it holds personal data. A file that is not there (any more) is a message
    on the job's page, not on the page before."""

    def get(self, request, pk):
        job = get_object_or_404(jobs.export_job_list(user=request.user), pk=pk)
        try:
            handle = jobs.export_job_open(user=request.user, job=job)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("reports:job-detail", args=[job.pk]))
        response = FileResponse(
            handle, as_attachment=True, filename=job.download_name, content_type=CONTENT_TYPES.get(job.fmt)
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
