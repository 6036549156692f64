"""The compliance report as files: CSV (one table), XLSX (cover, accounts, units, findings by rule,
weekly coverage) and PDF (WeasyPrint). The same functions serve the download within a request and
the export job, so a file is the same whichever way it was made."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import charts
from core.pagination import page_of
from core.pdf import archival_pdf
from monitoring.rules import rule_title
from org.models import Unit
from reports import permissions, registry, writers
from reports.choices import ExportFormat
from reports.compliance import CHUNK, ComplianceReport, ReportNotAllowed
from reports.figures import FIGURES, GROUPS, UNIT_FIGURES, UNIT_GROUPS, Period
from reports.models import ExportJob
from reports.templatetags import report_tags

KIND = "compliance"
PDF_MAX_ACCOUNT_ROWS = 2000
SCREEN_ACCOUNTS = 25
SCREEN_UNITS = 25
TABLES = ("accounts", "units", "summary")


def columns(figures) -> list[writers.Column]:
    return [writers.Column(f.key, f.label, f.kind) for f in figures]


def account_table(report: ComplianceReport, progress=None) -> writers.Table:
    def rows():
        total = report.account_count() if progress else None
        for n, row in enumerate(report.account_rows(), start=1):
            if progress and n % 200 == 0:
                progress(n, total)
            yield row

    return writers.Table(_("Accounts"), columns(FIGURES), rows())


def unit_table(report: ComplianceReport) -> writers.Table:
    def rows():  # read after the account table (the roll-up fills as it streams)
        yield from report.unit_rows()
        yield report.totals

    return writers.Table(_("Units"), columns(UNIT_FIGURES), rows())


def rule_table(report: ComplianceReport) -> writers.Table:
    def rows():
        for rule, clauses, n in report.open_findings_by_rule():
            yield {"rule": rule, "clauses": clauses, "open": n}

    cols = [
        writers.Column("rule", _("Rule")),
        writers.Column("clauses", _("Clauses")),
        writers.Column("open", _("Findings open at the end"), "int"),
    ]
    return writers.Table(_("Open findings by rule"), cols, rows())


def summary_table(report: ComplianceReport) -> writers.Table:
    """Page 1 as a table (the XLSX's first sheet, the CSV "summary"): each area's verdict with the
    figures that decided it and the previous period's verdict, then each headline figure now and in
    the previous period with the change, then the attention list. Values are written as the screen
    and the PDF show them (report_tags), so every format says the same."""
    answer = report.answer()

    def rows():
        for v in answer.verdicts:
            yield {
                "part": _("Verdict"),
                "item": v.title,
                "now": str(v.label),
                "before": str(v.previous_label),
                "detail": "; ".join(f"{label}: {report_tags.percent(share)}" for label, share in v.figures),
            }
        for t in answer.trends:
            yield {
                "part": _("Change from the previous period"),
                "item": t.label,
                "now": report_tags.figure(t.now, t.kind),
                "before": report_tags.figure(t.before, t.kind),
                "detail": f"{t.arrow} {report_tags.signed(t.change, t.kind)} {t.direction}".strip(),
            }
        for n, item in enumerate(answer.attention, start=1):
            yield {
                "part": _("Needs attention first"),
                "item": f"{n}. {item.account}",
                "now": item.unit,
                "detail": item.why,
            }

    cols = [
        writers.Column("part", _("Part")),
        writers.Column("item", _("Area, figure or account")),
        writers.Column("now", format_lazy("{} ({})", _("This period"), report.period)),
        writers.Column("before", format_lazy("{} ({})", _("Previous period"), answer.previous_period)),
        writers.Column("detail", _("Decided by, change or why")),
    ]
    return writers.Table(_("Summary"), cols, rows())


def method_table(report: ComplianceReport) -> writers.Table:
    """The method and definitions (the appendix), as the XLSX's last sheet."""
    cols = [writers.Column("label", _("Item")), writers.Column("value", _("Value"))]
    return writers.Table(_("Method"), cols, ({"label": label, "value": value} for label, value in report.cover()))


def week_table(report: ComplianceReport) -> writers.Table:
    def rows():
        for monday, share in report.weekly_coverage():
            yield {"week": monday, "coverage": share}

    cols = [
        writers.Column("week", _("Week of"), "date"),
        writers.Column("coverage", _("Monitoring coverage"), "percent"),
    ]
    return writers.Table(_("Coverage per week"), cols, rows())


def file_name(report: ComplianceReport, fmt: str, table: str = "accounts") -> str:
    scope = f"unit-{report.unit.pk}" if report.unit else "ki"
    extension = "xlsx" if fmt == ExportFormat.XLSX else ("pdf" if fmt == ExportFormat.PDF else "csv")
    suffix = f"-{table}" if extension == "csv" else ""
    return f"compliance-{scope}-{report.period.start.isoformat()}-{report.period.end.isoformat()}{suffix}.{extension}"


def delimiter(fmt: str) -> str:
    return ";" if fmt == ExportFormat.CSV_SEMICOLON else ","


def csv_table(report: ComplianceReport, table: str, progress=None) -> writers.Table:
    if table == "summary":
        return summary_table(report)
    return unit_table(report) if table == "units" else account_table(report, progress)


def xlsx_tables(report: ComplianceReport, progress=None) -> list[writers.Table]:
    """The workbook's sheets: the summary (page 1) first, the detail, the method last. The summary
    reads the whole report first (ComplianceReport.answer), so the roll-ups are ready for the others;
    the account table is read again as it is written."""
    return [
        summary_table(report),
        account_table(report, progress),
        unit_table(report),
        rule_table(report),
        week_table(report),
        method_table(report),
    ]


def write_xlsx(report: ComplianceReport, fileobj, progress=None) -> None:
    writers.xlsx_write(xlsx_tables(report, progress), fileobj)


def pdf_context(report: ComplianceReport, rows: list[dict], *, links: bool = False) -> dict:
    """What the screen and the PDF show: the cover, charts, units, findings by rule and the account
    table in its groups (links: on screen, the approvals open their decision records)."""
    figures = {f.key: f for f in FIGURES}
    groups = [(title, [figures[key] for key in keys]) for title, keys in GROUPS]
    unit_figures = {f.key: f for f in UNIT_FIGURES}
    units = report.unit_rows()
    weeks = report.weekly_coverage()
    by_rule = report.open_findings_by_rule()
    return {
        "report": report,
        "answer": report.answer(),
        "cover": report.cover(),
        "rows": rows,
        "units": units,
        "totals": report.totals,
        "unit_groups": [(title, [unit_figures[key] for key in keys]) for title, keys in UNIT_GROUPS],
        "groups": groups,
        "account_tables": [
            (title, keys, body)
            for (title, keys), body in zip(groups, account_table_bodies(groups, rows, links=links), strict=True)
        ],
        # With each rule's translated title: people read the title, the ID is secondary (issue 15).
        "by_rule": [(rule, clauses, n, rule_title(rule)) for rule, clauses, n in by_rule],
        "weeks": weeks,
        "coverage_chart": charts.column_chart(
            [(monday.strftime("%d/%m"), share) for monday, share in weeks],
            title=str(_("Monitoring coverage per week (MON-1, MON-2)")),
        ),
        "rules_chart": charts.bar_chart(
            [(rule_title(rule), n) for rule, _c, n in by_rule], title=str(_("Open findings by rule"))
        ),
        "units_chart": charts.bar_chart(
            [(u["unit"], u["findings_open"]) for u in units[:20]], title=str(_("Open findings by unit"))
        ),
    }


def account_table_bodies(groups, rows: list[dict], *, links: bool) -> list[str]:
    """The <tbody> rows of each group's account table, written here rather than by a template loop
    per cell (6 tables of up to 25 rows and 10 columns: most of the page's time as a template).
    The cells are those of report_tags.figure; with `links` the approval opens its decision
    record (START-1, START-2; on screen, not in the PDF)."""
    bodies = []
    for n, (_title, figures) in enumerate(groups):
        lines = []
        for row in rows:
            cells = [f'<tr data-account="{escape(row["account_id"])}"><th scope="row">{escape(row["account"])}']
            if n == 0:
                cells.append(f'<br><span class="small text-body-secondary">{escape(row["url"])}</span>')
            cells.append("</th>")
            for f in figures:
                value = escape(report_tags.figure(row.get(f.key), f.kind))
                if f.key == "approval" and links and row.get("approval_decision_id"):
                    url = reverse("approvals:decision-pdf", args=[row["approval_decision_id"]])
                    value = f'<a href="{escape(url)}">{value}</a>'
                cells.append(f'<td data-key="{f.key}">{value}</td>')
            lines.append("".join(cells) + "</tr>")
        if not lines:
            empty = escape(_("No account of the scope was active in the period."))
            lines.append(f'<tr><td colspan="{len(figures) + 1}">{empty}</td></tr>')
        bodies.append(mark_safe("\n".join(lines)))  # noqa: S308 - every value is escaped above
    return bodies


def screen_context(report: ComplianceReport, *, count: int, page: str | None = None) -> dict:
    """What the report page shows: the PDF's first page, charts and summary, the SCREEN_UNITS
    units that need attention most, and the account table SCREEN_ACCOUNTS accounts a page, in the
    files' order (unit, then name). Every row is in the downloads; a page that listed them all would
    grow with the scope (2 MB for 1 000 accounts). `count` is the report's number of accounts,
    which the page already knows (counted, or from the kept figures): the page runs no COUNT."""
    ids = report.ordered_accounts().values_list("pk", flat=True)
    page_obj = page_of(ids, page, per_page=SCREEN_ACCOUNTS, count=count)
    if report.kept_at is None:
        # Computed here: the pass behind the roll-ups reads every account in one chunk (at most
        # REPORTS_INLINE_MAX_ACCOUNTS: the same queries for 10 accounts and for 2 000) and the
        # page's rows are taken from it as they stream past.
        report.chunk = max(CHUNK, settings.REPORTS_INLINE_MAX_ACCOUNTS)
        first = page_obj.start_index() - 1
        rows = [row for n, row in enumerate(report.account_rows()) if first <= n < first + SCREEN_ACCOUNTS]
    else:
        rows = report.page_rows(list(page_obj.object_list))
    context = pdf_context(report, rows, links=True)
    context.update(
        units=context["units"][:SCREEN_UNITS], unit_count=len(context["units"]), account_count=count, page_obj=page_obj
    )
    return context


def write_pdf(report: ComplianceReport, fileobj, progress=None) -> None:
    # Over PDF_MAX_ACCOUNT_ROWS accounts the PDF keeps the first page, the charts and the units and
    # leaves the account tables to the CSV and XLSX: WeasyPrint lays out the whole document in
    # memory, and thousands of pages help no reader.
    rows = []
    total = report.account_count()
    for n, row in enumerate(report.account_rows(), start=1):
        if total <= PDF_MAX_ACCOUNT_ROWS:
            rows.append(row)
        if progress and n % 200 == 0:
            progress(n, total)
    context = pdf_context(report, rows)
    context["rows_left_out"] = total if total > PDF_MAX_ACCOUNT_ROWS else 0
    html = render_to_string("reports/compliance_pdf.html", context)
    # Tagged PDF/A-3a declaring PDF/UA-1, with the fonts that keep every character (core.pdf;
    # docs/reports.md).
    archival_pdf(html, fileobj)


def job_params(report: ComplianceReport, table: str = "accounts", language: str | None = None) -> dict:
    return {
        "language": language or translation.get_language() or settings.LANGUAGE_CODE,
        "unit": report.unit.pk if report.unit else None,
        "unit_name": report.unit.name if report.unit else "",
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "table": table,
    }


def _unit(params: dict) -> Unit | None:
    return Unit.objects.get(pk=params["unit"]) if params.get("unit") else None


def report_from_params(user, params: dict) -> ComplianceReport:
    period = Period(datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"]))
    return ComplianceReport(user=user, unit=_unit(params), period=period)


def produce(job: ExportJob, user, params: dict, fmt: str, fileobj, progress) -> str:
    """The export job's producer (reports.jobs), in the language chosen on the form."""
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        return _produce(user, params, fmt, fileobj, progress)


def _produce(user, params: dict, fmt: str, fileobj, progress) -> str:
    report = report_from_params(user, params)
    if fmt == ExportFormat.XLSX:
        write_xlsx(report, fileobj, progress)
    elif fmt == ExportFormat.PDF:
        write_pdf(report, fileobj, progress)
    else:
        table = csv_table(report, params.get("table", "accounts"), progress)
        writers.csv_write(table, fileobj, delimiter=delimiter(fmt))
    return file_name(report, fmt, params.get("table", "accounts"))


def authorize(user, params: dict) -> None:
    """Refuse a job for a scope the user may not report on (NotAllowed, shown as 403)."""
    if not permissions.can_report(user, _unit(params)):
        raise ReportNotAllowed(_("You may not make a report for this unit."))


registry.register(
    KIND,
    produce,
    authorize=authorize,
    label=_("Compliance report"),
    formats=(ExportFormat.CSV, ExportFormat.CSV_SEMICOLON, ExportFormat.XLSX, ExportFormat.PDF),
)
