"""The registers' exports (reports.registers): CSV and XLSX of a register page with its filters,
for anyone who may open the register (404 otherwise, as the page). Each export is audited once."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import registers as account_registers
from reports import jobs, permissions, writers
from reports import registers as exports
from reports.choices import ExportFormat
from reports.exports import _delimiter, file_name
from reports.views_exports import start_job


class RegisterExportView(LoginRequiredMixin, View):
    """One register with the page's filters (the query string). CSV streams (`?sep=semicolon`
    for Swedish Excel); a large XLSX is offered as a job (a POST: a GET never starts work)."""

    fmt = ExportFormat.CSV

    def get(self, request, slug):
        register = account_registers.register_get(user=request.user, slug=slug)
        fmt = (
            ExportFormat.CSV_SEMICOLON
            if self.fmt == ExportFormat.CSV and request.GET.get("sep") == "semicolon"
            else self.fmt
        )
        filters = exports.register_filters(register, request.GET)
        qs = exports.register_queryset(user=request.user, register=register, filters=filters)
        count = qs.count()
        name = file_name(register.slug.replace("-", "_"), fmt)
        if fmt == ExportFormat.XLSX and count > exports.inline_limit():
            back = register.url(filters)
            return render(
                request,
                "reports/register_job_confirm.html",
                {"register": register, "count": count, "limit": exports.inline_limit(), "back_url": back},
            )
        jobs.export_record(
            actor=request.user, kind=exports.REGISTER, fmt=fmt, params=exports.audit_params(register, filters, count)
        )
        table = exports.register_table(register, qs)
        if fmt == ExportFormat.XLSX:
            cover = exports.register_cover(request.user, register, filters, count)
            return writers.xlsx_response(name, [table], cover=cover)
        return writers.csv_response(name, table, delimiter=_delimiter(fmt))

    def post(self, request, slug):
        """Make a large XLSX as a job (the confirmation page's button)."""
        register = account_registers.register_get(user=request.user, slug=slug)
        filters = exports.register_filters(register, request.GET)
        return start_job(
            request,
            kind=exports.REGISTER,
            params={"register": register.slug, "filters": filters},
            fmt=ExportFormat.XLSX,
        )


def register_actions(request, register) -> list[tuple[str, str]]:
    """The export links on a register page (accounts.extensions.register_actions), with its filters."""
    if not permissions.can_export_inventory(request.user):
        return []
    query = request.GET.copy()
    for key in ("page", "queue"):
        query.pop(key, None)
    semicolon = query.copy()
    semicolon["sep"] = "semicolon"

    def url(name, q):
        q = q.urlencode()
        return reverse(name, args=[register.slug]) + (f"?{q}" if q else "")

    return [
        (_("Export CSV"), url("reports:register-csv", query)),
        (_("Export CSV for Swedish Excel"), url("reports:register-csv", semicolon)),
        (_("Export XLSX"), url("reports:register-xlsx", query)),
    ]
